"""Run every benchmark module of this package that has a `main()` (tui, notifier, pdf …).

`python -m bench` runs them all; `python -m bench tui pdf` only those. Options after `--`
are passed to each module's main (e.g. `python -m bench tui -- --db sqlite:////tmp/b.db`).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from collections.abc import Sequence
from pathlib import Path

SKIP = {"generate"}  # a tool, not a benchmark


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in args:
        at = args.index("--")
        args, extra = args[:at], args[at + 1 :]
    here = Path(__file__).resolve().parent
    names = sorted(
        info.name
        for info in pkgutil.iter_modules([str(here)])
        if not info.name.startswith("_") and info.name not in SKIP
    )
    chosen = args or names
    status = 0
    for name in chosen:
        module = importlib.import_module(f"bench.{name}")
        runner = getattr(module, "main", None)
        if runner is None:
            continue
        print(f"== bench.{name}", flush=True)
        takes_args = bool(inspect.signature(runner).parameters)
        result = runner(extra) if takes_args else runner()
        status = status or int(result or 0)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
