"""The order screen's tests run the real App (`app.tui.factory.make_app`) opened on one order."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from app.config import Config
from app.i18n import language
from app.tui.app import ComptoirApp
from app.tui.factory import make_app

# The seed's month: the calendar behind the order is the same in every run.
TODAY = date(2021, 1, 31)
NOW = datetime(2021, 1, 31, 11, 0)  # naive UTC: the age of a status is the same in every run


def OrderHarness(config: Config, number: str, *, staff_name: str = "") -> ComptoirApp:
    """`comptoir --order NUMBER` as the CLI builds it, without the poll timer or notifier."""
    app = make_app(
        replace(config, lang=language()),
        order=number,
        today=TODAY,
        poll_seconds=0,
        clock=lambda: NOW,
    )
    app.staff_name = staff_name
    return app
