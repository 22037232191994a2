"""The drop folder: orders delivered as files (an SFTP drop, an export), COMPTOIR_INTAKE_DIR.

Each `*.json` directly in the folder is imported all or nothing, like `comptoir import`,
then moved to `done/`, or to `refused/` beside a `NAME.error.txt` holding the one-line
reason. Only complete files are taken: other names (a `*.tmp` being written, an rsync
`.name.json.XXXX`) are ignored until renamed to `*.json`, and a `*.json` written in place
waits until it has not changed for `settle_seconds`. A file imported but not yet moved (the
process stopped in between) is imported again at the next start: its numbers are known by
then, so nothing is doubled; the same file dropped twice imports once.

watchfiles tells when the folder changes (inotify); where it cannot (a network mount, no
inotify left), it polls; and the folder is read again every `rescan_seconds` whatever it
said. Nothing is lost if an event is: the folder itself is the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import money
from app.config import Config
from app.errors import SHOWN
from app.i18n import _
from app.intake.files import InvalidDocument, decode_document, import_drafts
from app.text import printable

log = logging.getLogger("comptoir.intake")

DONE = "done"
REFUSED = "refused"


@dataclass(frozen=True)
class Outcome:
    """What became of one file."""

    name: str
    state: str  # imported | known | refused | retry
    detail: str = ""


def _printable(name: str) -> str:
    return name.encode("unicode_escape").decode("ascii")[:120]


def _free_name(folder: Path, name: str) -> Path:
    """`name` in `folder`, or `stem-2.json`… when taken (a file dropped twice)."""
    target = folder / name
    stem, suffix = os.path.splitext(name)
    index = 2
    while target.exists():
        target = folder / f"{stem}-{index}{suffix}"
        index += 1
    return target


class DropFolder:
    """Watches one folder; `run(stop)` until stop is set. `import_one` runs in `run_db`."""

    def __init__(
        self,
        config: Config,
        folder: Path,
        run_db: Callable[..., Awaitable[Any]],
        *,
        on_commit: Callable[[], None] = lambda: None,
        settle_seconds: float = 0.5,
        rescan_seconds: float = 5.0,
        force_polling: bool | None = None,
    ) -> None:
        self.config = config
        self.folder = folder
        self.run_db = run_db
        self.on_commit = on_commit
        self.settle_seconds = settle_seconds
        self.rescan_seconds = rescan_seconds
        self.force_polling = force_polling
        self._changed = asyncio.Event()

    def prepare(self) -> None:
        """Create the folder and its two subfolders (an OSError says why not)."""
        for sub in (DONE, REFUSED):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)

    # -- one file (database thread) --------------------------------------------------------

    def import_one(self, path: Path) -> Outcome:
        """Import one complete file and move it; a database error leaves it for later."""
        name = path.name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return Outcome(name, "gone")
        except OSError as exc:
            words = _(
                "{file} : lecture impossible ({reason})", file=name, reason=exc.strerror or exc
            )
            return self._refuse(path, words)
        try:
            drafts = decode_document(data, money.regional_vat_rates(self.config.holiday_region))
        except InvalidDocument as exc:
            return self._refuse(path, _("{file} : {error}", file=name, error=exc))
        try:
            result = import_drafts(drafts, config=self.config)
        except SHOWN as exc:
            return Outcome(name, "retry", str(exc))
        except Exception as exc:  # the database away: the file stays, tried again later
            return Outcome(name, "retry", f"{type(exc).__name__}: {exc}")
        state = "imported" if result.imported else "known"
        self._move(path, self.folder / DONE)
        return Outcome(name, state, result.summary())

    def _refuse(self, path: Path, reason: str) -> Outcome:
        reason = printable(" ".join(reason.split()))  # one line, no escape sequence
        target = _free_name(self.folder / REFUSED, path.name)
        # The reason first: a stop between the two leaves the file to be refused again.
        (target.parent / f"{target.stem}.error.txt").write_text(reason + "\n", encoding="utf-8")
        self._move(path, target.parent, target.name)
        return Outcome(path.name, "refused", reason)

    def _move(self, path: Path, folder: Path, name: str | None = None) -> None:
        with contextlib.suppress(FileNotFoundError):  # another watcher moved it first
            os.replace(path, _free_name(folder, name or path.name))

    # -- the folder ------------------------------------------------------------------------

    def candidates(self) -> tuple[list[Path], float | None]:
        """The complete `*.json` files, oldest first, and when to look again for the others."""
        ready: list[tuple[float, str, Path]] = []
        wait: float | None = None
        now = time.time()
        try:
            entries = list(os.scandir(self.folder))
        except OSError as exc:
            log.warning("intake folder: %s", exc)
            return [], self.rescan_seconds
        for entry in entries:
            if entry.name.startswith(".") or not entry.name.endswith(".json"):
                continue
            try:
                if not entry.is_file(follow_symlinks=False):
                    continue
                modified = entry.stat(follow_symlinks=False).st_mtime
            except OSError:
                continue
            age = now - modified
            if age < self.settle_seconds:
                left = self.settle_seconds - age
                wait = left if wait is None else min(wait, left)
                continue
            ready.append((modified, entry.name, Path(entry.path)))
        return [path for _, _, path in sorted(ready)], wait

    async def scan(self) -> float:
        """Import every complete file; the seconds until the next look."""
        paths, wait = self.candidates()
        retry = False
        for path in paths:
            outcome = await self.run_db(self.import_one, path)
            if outcome.state in ("imported",):
                self.on_commit()
            if outcome.state == "retry":
                retry = True
            if outcome.state != "gone":
                log.info(
                    "FILE %s outcome=%s %s",
                    _printable(outcome.name),
                    outcome.state,
                    _printable(outcome.detail) if outcome.state != "imported" else "",
                )
        delay = self.rescan_seconds if wait is None else min(wait + 0.05, self.rescan_seconds)
        return delay if not retry else min(delay, 2.0)

    async def _watch(self, stop: asyncio.Event) -> None:
        """Set `_changed` whenever the folder changes; poll where inotify is not available."""
        import watchfiles

        modes = [True] if self.force_polling else [False, True]
        for polling in modes:
            try:
                async for _changes in watchfiles.awatch(
                    self.folder,
                    stop_event=stop,
                    recursive=False,
                    force_polling=polling,
                    poll_delay_ms=300,
                    debounce=200,
                    step=20,
                ):
                    self._changed.set()
                return
            except Exception as exc:  # no inotify here (limits, a mount): poll instead
                if polling:
                    log.warning("intake folder: not watched (%s); read every few seconds", exc)
                    return
                log.warning("intake folder: inotify unavailable (%s); polling", exc)

    async def run(self, stop: asyncio.Event) -> None:
        """Import what is there, then what arrives, until `stop`; the current file finishes."""
        watcher = asyncio.ensure_future(self._watch(stop))
        try:
            while not stop.is_set():
                self._changed.clear()
                delay = await self.scan()
                waits = [
                    asyncio.ensure_future(stop.wait()),
                    asyncio.ensure_future(self._changed.wait()),
                ]
                try:
                    await asyncio.wait(waits, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for task in waits:
                        task.cancel()
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await watcher
