"""Every filesystem location Comptoir uses, in one place.

`COMPTOIR_HOME` moves them all under one folder (tests, a counter account); otherwise the
platform's directories are used (platformdirs).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import PlatformDirs

_DIRS = PlatformDirs("comptoir", appauthor=False)


def _home() -> Path | None:
    home = os.environ.get("COMPTOIR_HOME")
    return Path(home) if home else None


def config_dir() -> Path:
    """Folder of the TOML configuration file."""
    home = _home()
    return home / "config" if home else Path(_DIRS.user_config_dir)


def data_dir() -> Path:
    """Folder of the default SQLite database and saved documents."""
    home = _home()
    return home / "data" if home else Path(_DIRS.user_data_dir)


def cache_dir() -> Path:
    """Folder of files Comptoir can rebuild at will (the French holidays table)."""
    home = _home()
    return home / "cache" if home else Path(_DIRS.user_cache_dir)


def config_file() -> Path:
    """The configuration file: `COMPTOIR_CONFIG`, else `config.toml` in the config folder."""
    explicit = os.environ.get("COMPTOIR_CONFIG")
    return Path(explicit) if explicit else config_dir() / "config.toml"


def default_database_path() -> Path:
    """The SQLite file used when no database URL is configured."""
    return data_dir() / "comptoir.sqlite3"


def documents_dir() -> Path:
    """Where PDFs and exports are saved when no output file is given."""
    home = _home()
    return home / "documents" if home else Path(_DIRS.user_documents_dir) / "Comptoir"


def log_file() -> Path:
    """Comptoir's log (worker failures, the notifier's warnings), rotated, in the data folder."""
    return data_dir() / "comptoir.log"
