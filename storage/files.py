"""Who may read the files holding customers' addresses and phones: their owner, or a group.

Files are created 0600 (folders 0700). A folder whose set-group-ID bit is set is a group's
shared folder (`install -d -g comptoir -m 2770 /srv/comptoir`, README « Counter account »):
there the database and its `-wal`/`-shm` are 0660, so that every account of the group can
write them, and documents and exports 0640, so that the group reads them but only the
account that wrote one replaces it. Nothing is ever readable by others.

SQLite creates `-wal` and `-shm` with the mode of the database file, so creating that file
with the right mode is enough for all three.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE = 0o600
PRIVATE_FOLDER = 0o700
PROCESS_UMASK = 0o077  # what `comptoir` runs under: anything else it creates is 0600 too


def group_shared(folder: Path) -> bool:
    """True when `folder` has its set-group-ID bit: files in it belong to its group."""
    try:
        return bool(folder.stat().st_mode & stat.S_ISGID)
    except OSError:
        return False


def file_mode(folder: Path, *, group_writes: bool) -> int:
    """The mode of a new file in `folder`: 0600, or 0660 / 0640 in a group's folder."""
    if group_shared(folder):
        return 0o660 if group_writes else 0o640
    return PRIVATE


def make_folder(folder: Path) -> None:
    """Create `folder` and its missing parents 0700 (0770 under a group's folder)."""
    if folder.is_dir():
        return
    if not folder.parent.is_dir():
        make_folder(folder.parent)
    try:
        folder.mkdir(mode=PRIVATE_FOLDER)
    except FileExistsError:
        return
    if group_shared(folder):  # Linux passes the set-group-ID bit down to a new folder
        os.chmod(folder, 0o2770)


def create_private(path: Path, *, group_writes: bool = True) -> None:
    """Create `path` empty with its mode unless it exists; an existing one loses others' access.

    The mode is set with fchmod after creation, whatever the umask: a umask of 022 would
    otherwise take the group's write bit away in a group's folder.
    """
    mode = file_mode(path.parent, group_writes=group_writes)
    try:
        handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    except FileExistsError:
        close_to_others(path)
        return
    try:
        os.fchmod(handle, mode)
    finally:
        os.close(handle)


def close_to_others(path: Path) -> None:
    """Take every permission of "others" away from an existing file (one made 0644 before)."""
    try:
        current = stat.S_IMODE(os.stat(path).st_mode)
        if current & 0o007:
            os.chmod(path, current & ~0o007)
    except OSError:  # not ours to change (another account's file): leave it to its owner
        pass


def restrict(path: Path, *, group_writes: bool = False) -> None:
    """Give an existing file the mode a new one in its folder would have."""
    os.chmod(path, file_mode(path.parent, group_writes=group_writes))
