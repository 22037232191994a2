"""The base of Comptoir's screens: `self.app` is the ComptoirApp, typed.

Textual types `Screen.app` as any App; every Comptoir screen runs inside the one App that
`app.tui.factory.make_app` builds (the tests' too), so its screens see `self.app.config`,
`self.app.open_order`… with their types. The App's module is read by the type checker only
(`textual.getters.app`, Textual's own way, would import it at run time, while the App
imports the screens).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from textual import getters

    from app.tui.app import ComptoirApp

ResultType = TypeVar("ResultType")


class ComptoirScreen(Screen[ResultType]):
    """A full screen of Comptoir."""

    if TYPE_CHECKING:
        app = getters.app(ComptoirApp)


class ComptoirModal(ModalScreen[ResultType]):
    """A dialog over a Comptoir screen."""

    if TYPE_CHECKING:
        app = getters.app(ComptoirApp)
