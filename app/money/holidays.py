"""French public holidays and business days ("jours ouvrés"), from the `holidays` package.

The shop's region (`holiday_region` in the config: a French subdivision of the package such
as `57` Moselle, `6AE` Alsace, `974` La Réunion; metropolitan France when empty) has its own
holidays: Good Friday and 26 December in Alsace-Moselle, the abolition of slavery overseas.
The days of 2000–2099 of each region are kept in a checksummed cache file of their own,
written once per version of the package, so that a start never imports it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import threading
import zlib
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path


def _check_date(day: date) -> None:
    """Refuse datetimes (convert to the shop's local date first) and non-dates."""
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a date in the shop's timezone, not {type(day).__name__}")


# The region of this process (set once at start from the config, see set_holiday_region).
_region = ""


def set_holiday_region(region: str) -> None:
    """Use the holidays of `region` (a canonical code, see app.config) from now on."""
    global _region
    _region = region


def holiday_region() -> str:
    """The region whose holidays count ('' for metropolitan France)."""
    return _region


def _subdivision(region: str) -> str | None:
    """The `holidays` package's subdivision of a region; Corsica keeps the national days."""
    return region if region and region != "Corse" else None


def _french_package_days(years: Iterable[int] | int, region: str = "") -> Iterable[date]:
    """France's public holidays of `years` in `region` from the `holidays` package (imported
    here: a start that finds the cache file below never loads it)."""
    import holidays

    subdivision = _subdivision(region)
    if subdivision is None:
        return holidays.country_holidays("FR", years=years).keys()
    return holidays.country_holidays("FR", years=years, subdiv=subdivision).keys()


# France's holidays of these years are kept in a small file of the cache folder, written from
# the `holidays` package once per version of it: importing the package (its calendars,
# importlib.metadata for its version) costs about a tenth of a second at every start, and the
# calendar of the first screen needs a few days of one year.
_TABLE_YEARS = range(2000, 2100)
_TABLE_HEADER = "comptoir-french-holidays 1"
_TABLE_FILE = "french-holidays.txt"
_table_lock = threading.Lock()


def _holidays_version() -> str:
    """The installed `holidays` version, read without importing the package when possible.

    Its `*.dist-info` folder beside the package names it; otherwise importlib.metadata (as
    the package itself does, about 50 ms) says it.
    """
    spec = importlib.util.find_spec("holidays")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if len(locations) == 1:
        folder = Path(locations[0]).parent
        try:
            found = [p.name for p in folder.glob("holidays-*.dist-info")]
        except OSError:
            found = []
        if len(found) == 1:
            return found[0].removeprefix("holidays-").removesuffix(".dist-info")
    from importlib.metadata import version

    return version("holidays")


def _checksum(body: str) -> str:
    return f"{zlib.crc32(body.encode('ascii')):08x}"


def _read_table(text: str, version: str) -> dict[int, frozenset[date]] | None:
    """The table a cache file holds, or None if it is not a whole one for this version."""
    header, _, body = text.partition("\n")
    expected = [*_TABLE_HEADER.split(" "), version, str(_TABLE_YEARS.start), str(_TABLE_YEARS.stop)]
    fields = header.split(" ")
    if fields[:-1] != expected or fields[-1] != _checksum(body):
        return None  # another version or span, cut short, or changed
    table: dict[int, set[date]] = {year: set() for year in _TABLE_YEARS}
    for text_day in body.splitlines():
        day = date.fromisoformat(text_day)
        if day.year not in table or day.isoformat() != text_day:
            return None
        table[day.year].add(day)
    return {year: frozenset(days_of_year) for year, days_of_year in table.items()}


def _write_table(path: Path, version: str, table: dict[int, frozenset[date]]) -> None:
    """Write the table for this version (whole or not at all: a new file put in place)."""
    body = "".join(f"{day.isoformat()}\n" for year in _TABLE_YEARS for day in sorted(table[year]))
    start, stop = _TABLE_YEARS.start, _TABLE_YEARS.stop
    header = f"{_TABLE_HEADER} {version} {start} {stop} {_checksum(body)}"
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        fresh.write_text(f"{header}\n{body}", encoding="ascii")
        os.replace(fresh, path)
    finally:
        fresh.unlink(missing_ok=True)


def _table_file(region: str) -> str:
    """The cache file of a region: metropolitan France keeps the first name."""
    subdivision = _subdivision(region)
    if subdivision is None:
        return _TABLE_FILE
    safe = "".join(c if c.isalnum() else "_" for c in subdivision)
    return _TABLE_FILE.replace(".txt", f"-{safe}.txt")


@lru_cache(maxsize=8)
def _holiday_table(region: str = "") -> dict[int, frozenset[date]]:
    """The public holidays of _TABLE_YEARS in `region`, by year, as the `holidays` package
    has them.

    Read from the cache file when it is one for the installed version of the package; a
    missing, unreadable, damaged or older file is rebuilt from the package (and if it cannot
    be written, the package's days are used all the same).
    """
    from app import locations

    with _table_lock:
        version = _holidays_version()
        path = locations.cache_dir() / _table_file(region)
        try:
            table = _read_table(path.read_text(encoding="ascii"), version)
        except (OSError, ValueError):
            table = None
        if table is not None:
            return table
        by_year: dict[int, set[date]] = {year: set() for year in _TABLE_YEARS}
        for day in _french_package_days(_TABLE_YEARS, region):
            by_year[day.year].add(day)
        table = {year: frozenset(days) for year, days in by_year.items()}
        with contextlib.suppress(OSError):
            _write_table(path, version, table)
        return table


@lru_cache(maxsize=256)
def _french_holidays(year: int, region: str = "") -> frozenset[date]:
    """Return the public holidays of one year in `region`, built once per year."""
    if year in _TABLE_YEARS:
        return _holiday_table(region)[year]
    return frozenset(_french_package_days(year, region))


@lru_cache(maxsize=4096)
def _add_business_days(start: date, days: int, region: str = "") -> date:
    """Walk forward from start counting business days; cached since orders share few dates."""
    day = start
    one_day = timedelta(days=1)
    while days:
        day += one_day
        if day.weekday() < 5 and day not in _french_holidays(day.year, region):
            days -= 1
    return day


def is_french_holiday(day: date, region: str | None = None) -> bool:
    """Tell whether day is a public holiday of the region (default: the process's)."""
    _check_date(day)
    return day in _french_holidays(day.year, _region if region is None else region)


def is_business_day(day: date, region: str | None = None) -> bool:
    """Tell whether day is a "jour ouvré": Monday to Friday and not a public holiday."""
    _check_date(day)
    holidays = _french_holidays(day.year, _region if region is None else region)
    return day.weekday() < 5 and day not in holidays


def add_business_days(start: date, days: int, region: str | None = None) -> date:
    """Return the date days business days after start (start itself never counts; 0 gives start)."""
    _check_date(start)
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"days must be an int, not {type(days).__name__}")
    if days < 0:
        raise ValueError("days must not be negative")
    return _add_business_days(start, days, _region if region is None else region)
