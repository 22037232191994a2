"""The one place that builds the App, for the command line and for the tests."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import Config
from app.errors import ComptoirError, ConfigError
from app.i18n import _, set_language
from app.text import printable

if TYPE_CHECKING:
    from app.tui.app import ComptoirApp

# The Textual App is imported inside the functions below, so that importing this module
# stays light. (peewee comes without psycopg on SQLite: see storage/__init__.py.)

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_opened: tuple[str, object] | None = None


def parse_month(text: str) -> tuple[int, int]:
    """'2021-01' as (2021, 1); a ComptoirError saying what is expected otherwise."""
    match = _MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise ComptoirError(
            _("--month attend AAAA-MM (par exemple 2021-01), pas « {value} ».", value=text)
        )
    return int(match.group(1)), int(match.group(2))


def ensure_database(config: Config) -> None:
    """Open the configured database unless it is the one already open."""
    from storage.db import open_database
    from storage.models import database

    global _opened
    url = config.resolved_database_url
    if _opened is not None and _opened[0] == url and database.obj is _opened[1]:
        return
    handle = open_database(url, timezone=config.timezone)
    _opened = (url, handle)


def make_app(
    config: Config,
    *,
    month: str | None = None,
    order: str | None = None,
    today: date | Callable[[], date] | None = None,
    poll_seconds: float = 1.0,
    notifier: bool = False,
    animation_level: str | None = None,
    clock: Callable[[], datetime] | None = None,
    demo_maildir: Path | None = None,
) -> ComptoirApp:
    """The App for `config`: database open, language set, first month and order chosen.

    `today` fixes the date the calendar marks (tests and snapshots); by default it is the
    shop's local date, read when a screen is built. `notifier` runs the outbox's
    sender inside the TUI (as `comptoir` does); tests leave it off, since it never ends.
    `clock` gives now as naive UTC (the age timers, reminders); tests fix it.
    Animations are off unless `animation_level` or Textual's own `TEXTUAL_ANIMATIONS`
    asks for them: over SSH each frame is a repaint sent down the line.
    """
    from app.tui.app import ComptoirApp, check_theme

    set_language(config.lang)  # first: the refusals below are in the shop's language
    check_theme(config.theme)  # a bad COMPTOIR_THEME is refused before anything is opened
    if animation_level is None:
        animation_level = os.environ.get("TEXTUAL_ANIMATIONS", "none").strip().lower()
    if animation_level not in ("none", "basic", "full"):
        raise ConfigError(
            _(
                "TEXTUAL_ANIMATIONS : none, basic ou full attendu, pas « {level} ».",
                level=printable(animation_level),
            )
        )

    from app.money.holidays import set_holiday_region

    set_holiday_region(config.holiday_region)
    from app.documents.pdf import set_timeout  # light: subprocess is Textual's already

    set_timeout(config.pdf_timeout_seconds)
    if config.keymap:
        from app.tui.keys import check_keymap

        check_keymap(config.keymap)  # an unknown id or a clash: one line, before anything opens
    first = parse_month(month) if month else None
    ensure_database(config)
    if today is None:

        def today_fn() -> date:
            return datetime.now(config.tz).date()

    elif isinstance(today, date):
        fixed = today

        def today_fn() -> date:
            return fixed

    else:
        today_fn = today
    year, month_number = first or (today_fn().year, today_fn().month)
    app = ComptoirApp(
        config,
        year=year,
        month=month_number,
        order=order.strip() if order else None,
        today=today_fn,
        poll_seconds=poll_seconds,
        run_notifier=notifier,
        animation_level=animation_level,
        demo_maildir=demo_maildir,
    )
    if clock is not None:
        app.clock = clock
    return app


def run_tui(
    config: Config, *, month: str | None = None, order: str | None = None, demo: bool = False
) -> int:
    """`comptoir [--month] [--order] [--demo]`: run the TUI until it quits; the exit code."""
    if month:
        parse_month(month)  # a bad --month is refused before anything is opened
    if demo:
        from app.tui.demo import demo_environment, demo_maildir

        with demo_environment(config) as demo_config:
            make_app(
                demo_config,
                month=month,
                order=order,
                notifier=True,
                demo_maildir=demo_maildir(demo_config),
            ).run()
        return 0
    make_app(config, month=month, order=order, notifier=True).run()
    return 0
