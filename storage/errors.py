"""Errors of the storage layer, free of the app: each carries one plain line for the terminal.

`app.errors` re-exports them, and the command line and doctor catch them beside the app's own
`ComptoirError`s, so storage never imports the app (the layers contract in pyproject.toml).
"""


class StorageError(Exception):
    """The database cannot be opened, migrated or used; the message says why in one line."""


class StorageConfigError(StorageError):
    """The database URL is malformed."""
