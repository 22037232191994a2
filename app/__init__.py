"""Comptoir: the order back office of a local shop, as a full-screen terminal application."""

__version__ = "0.1.0"
