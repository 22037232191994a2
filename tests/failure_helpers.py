"""Helpers of the failure tests: one-line errors, and a real tiny disk (a tmpfs, as root)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a failed command: no traceback, no « erreur inattendue »."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    assert "erreur inattendue" not in result.stderr and "unexpected error" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted at `folder` for the block, unmounted after it."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
