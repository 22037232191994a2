"""The log file: one line per failure nobody would otherwise see (a worker of the TUI that
failed, the notifier's warnings), in `app.locations.log_file()`, rotated at 1 MB with three
old files kept (comptoir.log.1 … .3), readable by its owner only (errors may quote
customers' addresses).

`open_log()` is called once by each long-running process (the TUI, `comptoir worker`,
`comptoir service`); the loggers `comptoir.*` and `storage.*` then write there.
"""

from __future__ import annotations

import logging
import os
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path

from app import locations

MAX_BYTES = 1_000_000
BACKUPS = 3
LOGGERS = ("comptoir", "storage")


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating file handler whose files are created 0600."""

    def _open(self) -> TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)


def open_log(path: Path | None = None) -> Path:
    """Send the `comptoir` and `storage` loggers' warnings and errors to the log file."""
    path = path or locations.log_file()
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if any(isinstance(h, PrivateRotatingFileHandler) for h in logger.handlers):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = PrivateRotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
        )
        handler.setLevel(logging.WARNING)
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s")
        )
        logger.addHandler(handler)
        if logger.level == logging.NOTSET or logger.level > logging.WARNING:
            logger.setLevel(logging.WARNING)
    return path


def close_log() -> None:
    """Detach the log file (tests; a process that changes COMPTOIR_HOME)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for handler in [h for h in logger.handlers if isinstance(h, PrivateRotatingFileHandler)]:
            logger.removeHandler(handler)
            handler.close()
