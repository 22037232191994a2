"""Comptoir: the order back office of a local shop, as a full-screen terminal application."""

__version__ = "0.1.0"

# Before any module of the app imports peewee: see storage/__init__.py (psycopg on demand).
import storage  # noqa: F401
