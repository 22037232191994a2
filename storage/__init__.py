"""Persistence with peewee: SQLite by default, PostgreSQL by URL. No Textual here.

peewee imports the PostgreSQL driver (psycopg) when it is first imported, whatever the
database: about 170 ms of a 0.9 s start that a SQLite shop never uses. So peewee is first
imported here with psycopg hidden, and `storage.driver.use_psycopg()` hands the driver to
peewee when a PostgreSQL URL is opened.
"""

from storage.driver import import_peewee_without_psycopg

import_peewee_without_psycopg()
