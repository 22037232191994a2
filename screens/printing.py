"""Printing from a screen (issue 14): jobs run in a thread worker, never blocking the screen;
a failure is one line on screen, and `R` prints again what did not print.

A screen mixes `PrintingScreen` in (before `Screen`), adds `PRINT_BINDINGS` to its own and
calls `self.start_print(jobs)`; it shows the lines with `print_notice(message, error)`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from textual import work
from textual.binding import Binding
from textual.dom import DOMNode

from app.config import Config
from app.i18n import _
from app.printing.jobs import Kind, PrintFailure, PrintJob, queue_label, receipt_label, run_jobs
from storage.db import thread_connection
from widgets.compat import rewrite_bindings

# Jobs, or a function (run in the worker) that returns them.
Jobs = Sequence[PrintJob] | Callable[[], Sequence[PrintJob]]

RETRY_BINDING = Binding(
    "R",
    "retry_print",
    "Réessayer",
    id="print-retry",
    tooltip="Imprimer à nouveau ce qui n'a pas été imprimé",
)


def print_label(config: Config, kinds: Sequence[Kind]) -> str:
    """The footer label of a print key, saying where its jobs go, short enough for the
    footer: « Imprimer → Bureau », « Imprimer → tickets 192.168.1.20 / Bureau »; the
    printers not configured are left out (the chooser and the error say what to set)."""
    places = []
    for kind in kinds:
        if kind is Kind.TICKET and config.receipt_printer:
            label = _("tickets {where}", where=short_receipt_label(config))
        elif kind is not Kind.TICKET and config.printer:
            label = config.printer
        else:
            continue
        if label not in places:
            places.append(label)
    if not places:
        return _("Imprimer (non configuré)")
    return _("Imprimer → {where}", where=" / ".join(places))


def fitting_print_label(config: Config, kinds: Sequence[Kind], width: int) -> str:
    """`print_label`, or just « Imprimer » when the screen is narrower than 100 columns and
    the printer's name would push other keys off the footer (the notice names it in full)."""
    label = print_label(config, kinds)
    if width >= 100 or len(label) <= len(_("Imprimer (non configuré)")):
        return label
    return _("Imprimer")


def short_receipt_label(config: Config) -> str:
    """The receipt printer in a few characters: its host (and port if not 9100), USB, or
    its device file."""
    if not config.receipt_printer:
        return "?"
    address = receipt_label(config)
    if address.startswith("tcp://"):
        return address.removeprefix("tcp://").removesuffix(":9100")
    return "USB" if address.startswith("usb:") else address


def set_binding(node: DOMNode, binding_id: str, **changes: Any) -> None:
    """Change the node's own binding `binding_id` (its description, whether the footer
    shows it), whatever key a keymap gave it; the caller refreshes the bindings."""
    rewrite_bindings(node, lambda b: replace(b, **changes) if b.id == binding_id else b)


class PrintingScreen:
    """Mixed into a Screen: `start_print`, the worker, the retry key."""

    # What did not print, to print again with R: the jobs, what they are, where they go.
    _print_failed: tuple[Jobs, str, Kind] | None = None

    @property
    def print_config(self) -> Config:
        """The App's configuration (a screen may keep its own `config` attribute)."""
        return self.app.config  # type: ignore[attr-defined, no-any-return]

    def print_notice(self, message: str, *, error: bool = False) -> None:
        """Show one line on screen (each screen says where)."""
        # markup=False: a queue's name or a printer's answer is text, never markup.
        self.notify(  # type: ignore[attr-defined]
            message, severity="error" if error else "information", markup=False
        )

    def start_print(self, jobs: Jobs, *, what: str, kind: Kind) -> None:
        """Print `jobs` (or what a function returns, called in the worker: it may read the
        database) in a thread worker; the screen stays live. Says what goes where."""
        config = self.print_config
        where = receipt_label(config) if kind is Kind.TICKET else queue_label(config)
        self.print_notice(_("Impression : {what} → {where}…", what=what, where=where))
        self._print_worker(jobs, what, kind)

    @work(thread=True, exit_on_error=False, group="print", description="Impression")
    def _print_worker(self, jobs: Jobs, what: str, kind: Kind) -> None:
        """Print in a thread; one line back to the screen, whatever happened."""
        planned: Sequence[PrintJob] = ()
        try:
            with thread_connection():
                planned = jobs() if callable(jobs) else jobs
                lines = run_jobs(planned, self.print_config)
        except PrintFailure as failure:
            left = failure.remaining
            what = left[0].title if len(left) == 1 else _("{n} documents", n=len(left))
            self._from_thread(self._printing_failed, str(failure), (left, what, kind))
            return
        except Exception as error:  # no such order, no database: one line, still retried
            retry = (tuple(planned) or jobs, what, kind)
            self._from_thread(self._printing_failed, str(error) or type(error).__name__, retry)
            return
        message = lines[-1] if len(lines) == 1 else _("{n} documents imprimés.", n=len(lines))
        self._from_thread(self._printing_done, message)

    def _from_thread(self, callback: Any, *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the app closed while the job ran
            self.app.call_from_thread(callback, *args)  # type: ignore[attr-defined]

    def _printing_done(self, message: str) -> None:
        self._print_failed = None
        self.refresh_bindings()  # type: ignore[attr-defined]
        self.print_notice(message)

    def _printing_failed(self, message: str, remaining: tuple[Jobs, str, Kind]) -> None:
        self._print_failed = remaining
        self.refresh_bindings()  # type: ignore[attr-defined]
        error = message.rstrip(".")
        self.print_notice(
            _("{error} — {key} pour réessayer.", error=error, key=self._retry_key()), error=True
        )

    def _retry_key(self) -> str:
        """The key that retries, as the footer shows it (a keymap may have moved it)."""
        for active in self.active_bindings.values():  # type: ignore[attr-defined]
            if active.binding.id == RETRY_BINDING.id:
                return str(self.app.get_key_display(active.binding))  # type: ignore[attr-defined]
        return RETRY_BINDING.key

    def action_retry_print(self) -> None:
        """`R`: print again what did not print."""
        failed, self._print_failed = self._print_failed, None
        self.refresh_bindings()  # type: ignore[attr-defined]
        if failed is not None:
            jobs, what, kind = failed
            self.start_print(jobs, what=what, kind=kind)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`R` shows (and works) only while something failed to print."""
        if action == "retry_print":
            return self._print_failed is not None
        return True
