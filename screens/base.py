"""The base of Comptoir's screens: `self.app` is the ComptoirApp, typed.

Textual types `Screen.app` as any App; every Comptoir screen runs inside the one App that
`app.tui.factory.make_app` builds (the tests' too), so its screens see `self.app.config`,
`self.app.open_order`… with their types. The App's module is read by the type checker only
(`textual.getters.app`, Textual's own way, would import it at run time, while the App
imports the screens).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from textual import getters

    from app.tui.app import ComptoirApp

ResultType = TypeVar("ResultType")


def forward_failure(screen: Screen[Any], event: Worker.StateChanged) -> None:
    """Hand a failed worker to the App, whose one policy tells and logs it (Textual sends a
    worker's state only to the node that runs it)."""
    if event.state is WorkerState.ERROR:
        screen.app.post_message(Worker.StateChanged(event.worker, event.state))


class ComptoirScreen(Screen[ResultType]):
    """A full screen of Comptoir."""

    if TYPE_CHECKING:
        app = getters.app(ComptoirApp)

    # Textual calls this as well as a subclass's own `on_worker_state_changed`.
    def _on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        forward_failure(self, event)


class ComptoirModal(ModalScreen[ResultType]):
    """A dialog over a Comptoir screen."""

    if TYPE_CHECKING:
        app = getters.app(ComptoirApp)

    def _on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        forward_failure(self, event)
