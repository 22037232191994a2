"""Persistence with peewee: SQLite by default, PostgreSQL by URL. No Textual here."""
