"""Full pages (PDF) to a CUPS queue through CUPS's own `lp`, followed to the end over IPP.

The queue is `COMPTOIR_PRINTER`; the server is the one the CUPS tools would use (`CUPS_SERVER`,
else the local scheduler) unless `server` ("host:port") is given, as the tests do with the
cupsd they start. `print_pdf` returns once CUPS has completed the job, and raises PrintError
with one French line otherwise: unknown queue, scheduler down, printer stopped, job held,
cancelled or aborted, or not done within `timeout`. A job that did not complete is cancelled
(`cancel`) before the error is raised, so that retrying never prints a document twice.

The job's state is asked over IPP (`app.printing.ipp`) because `lpstat` does not show it.
CUPS's tools run with LC_ALL=C: what staff read is written here, in French.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app.i18n import _
from app.printing import PrintError, ipp

PRINTER_ENV = "COMPTOIR_PRINTER"
DEFAULT_TIMEOUT = 60.0  # seconds from submission to the job's completion
COMMAND_TIMEOUT = 15.0  # seconds for one lp, lpstat or cancel call
_FIRST_POLL = 0.02  # seconds; polls then slow down to _LAST_POLL
_LAST_POLL = 0.25

_REQUEST_ID = re.compile(r"request id is (?P<id>\S+-\d+)\b")


@dataclass(frozen=True)
class CupsJob:
    """A job CUPS accepted: its id as the CUPS tools write it ("PDF-12")."""

    job_id: str
    queue: str
    server: str | None


def print_pdf(
    document: bytes | str | os.PathLike[str],
    queue: str,
    *,
    server: str | None = None,
    title: str = "Comptoir",
    timeout: float = DEFAULT_TIMEOUT,
    environ: Mapping[str, str] | None = None,
) -> CupsJob:
    """Print a PDF (its bytes or its path) on `queue` and wait until CUPS has completed it.

    Raises PrintError (one French line) when it did not print; the job is then cancelled.
    """
    deadline = time.monotonic() + timeout
    job = submit_pdf(document, queue, server=server, title=title, environ=environ)
    wait_for_job(job, timeout=max(0.0, deadline - time.monotonic()))
    return job


def submit_pdf(
    document: bytes | str | os.PathLike[str],
    queue: str,
    *,
    server: str | None = None,
    title: str = "Comptoir",
    environ: Mapping[str, str] | None = None,
) -> CupsJob:
    """Hand a PDF to CUPS with `lp` and return the job, without waiting for it to print."""
    env = os.environ if environ is None else environ
    server = server or env.get("CUPS_SERVER") or None
    require_queue(queue)
    args = ["lp", *_host(server), "-d", queue, "-t", _plain(title) or "Comptoir"]
    if isinstance(document, bytes):
        data = document
    else:
        path = Path(document)
        try:
            data = path.read_bytes()
        except OSError as e:
            raise PrintError(
                _(
                    "Document à imprimer illisible : {path} ({reason}).",
                    path=path,
                    reason=e.strerror,
                )
            ) from None
    # Always on lp's standard input, never as a file name: Debian 12's cupsd (2.4.2) crashes
    # on a job whose document name has a space (tests/test_printing_cups.py shows it).
    if not data.startswith(b"%PDF-"):
        raise PrintError(_("Le document à imprimer n'est pas un PDF."))
    done = _run(args, server=server, queue=queue, data=data)
    found = _REQUEST_ID.search(done.stdout)
    if done.returncode != 0 or not found:
        raise _why_refused(server, queue, _last_line(done.stderr or done.stdout))
    return CupsJob(job_id=found["id"], queue=queue, server=server)


def require_queue(queue: str) -> None:
    """PrintError (one French line) when no CUPS queue is configured."""
    if not queue:
        raise PrintError(
            _(
                "Aucune imprimante de pages : définissez {env} (le nom d'une file CUPS).",
                env=PRINTER_ENV,
            )
        )


def wait_for_job(job: CupsJob, *, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Return once CUPS has completed `job`; cancel it and raise PrintError if it cannot."""
    deadline = time.monotonic() + timeout
    number = int(job.job_id.rsplit("-", 1)[1])
    pause = _FIRST_POLL
    while True:
        try:
            state = ipp.job_state(job.server, number, timeout=COMMAND_TIMEOUT)
            printer = (
                ipp.printer_state(job.server, job.queue, timeout=COMMAND_TIMEOUT)
                if state.state < ipp.JOB_CANCELED
                else None
            )
        except ipp.NotFound:
            return  # no job history kept (PreserveJobHistory Off): it left the queue done
        except ipp.IppError:
            raise PrintError(
                _(
                    "Le serveur CUPS {server} ne répond plus pendant l'impression : "
                    "vérifiez la file « {queue} » avant de relancer.",
                    server=_where(job.server),
                    queue=job.queue,
                )
            ) from None
        if state.state == ipp.JOB_COMPLETED:
            return
        reason = state.message or (printer.message if printer else "") or " ".join(state.reasons)
        if state.state in (ipp.JOB_CANCELED, ipp.JOB_ABORTED):
            raise PrintError(
                _(
                    "Impression abandonnée par CUPS sur « {queue} » ({reason}) : relancez.",
                    queue=job.queue,
                    reason=reason,
                )
            )
        if printer is not None and printer.state == ipp.PRINTER_STOPPED:
            _cancel(job)
            raise PrintError(
                _(
                    "Imprimante « {queue} » arrêtée ({reason}) : impression annulée, "
                    "relancez-la une fois l'imprimante remise en route.",
                    queue=job.queue,
                    reason=printer.message or " ".join(printer.reasons),
                )
            )
        if state.state in (ipp.JOB_HELD, ipp.JOB_STOPPED):
            _cancel(job)
            raise PrintError(
                _(
                    "Impression impossible sur « {queue} » ({reason}) : travail annulé, relancez.",
                    queue=job.queue,
                    reason=reason,
                )
            )
        if time.monotonic() >= deadline:
            _cancel(job)
            raise PrintError(
                _(
                    "L'impression sur « {queue} » n'est pas terminée après {seconds} s "
                    "({reason}) : travail annulé, relancez.",
                    queue=job.queue,
                    seconds=f"{timeout:g}",
                    reason=reason or _("en attente"),
                )
            )
        time.sleep(pause)
        pause = min(_LAST_POLL, pause * 1.5)


def known_queues(server: str | None = None) -> list[str]:
    """The queues of the CUPS server (for `comptoir doctor` and the messages)."""
    done = _run(["lpstat", *_host(server), "-p"], server=server, queue="")
    return [m[1] for m in re.finditer(r"^printer (\S+) ", done.stdout, re.MULTILINE)]


# -- running the CUPS tools --------------------------------------------------------------


def _run(
    args: list[str], *, server: str | None, queue: str, data: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "LANGUAGE": "C"}
    try:
        done = subprocess.run(
            args,
            input=data,
            capture_output=True,
            timeout=COMMAND_TIMEOUT,
            env=env,
            stdin=None if data is not None else subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise PrintError(
            _(
                "Commande {command} introuvable : installez le paquet Debian cups-client.",
                command=args[0],
            )
        ) from None
    except subprocess.TimeoutExpired:
        raise PrintError(
            _(
                "Le serveur CUPS {server} ne répond pas (plus de {seconds} s) : "
                "vérifiez la file « {queue} » avant de relancer.",
                server=_where(server),
                seconds=f"{COMMAND_TIMEOUT:g}",
                queue=queue,
            )
        ) from None
    return subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


def _why_refused(server: str | None, queue: str, detail: str) -> PrintError:
    """Turn a refusal of `lp` into what staff can act on: no scheduler, no such queue…"""
    try:
        ipp.printer_state(server, queue, timeout=COMMAND_TIMEOUT)
    except ipp.IppError:
        return PrintError(
            _(
                "Serveur d'impression CUPS injoignable ({server}) : est-il démarré ?",
                server=_where(server),
            )
        )
    except ipp.NotFound:
        return PrintError(
            _(
                "File d'impression « {queue} » inconnue sur {server} (files : {queues}).",
                queue=queue,
                server=_where(server),
                queues=", ".join(known_queues(server)) or _("aucune"),
            )
        )
    return PrintError(
        _("CUPS refuse l'impression sur « {queue} » : {detail}", queue=queue, detail=detail)
    )


def _cancel(job: CupsJob) -> None:
    """Cancel a job that will not complete; a failure here leaves the first error standing."""
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run(
            ["cancel", *_host(job.server), job.job_id],
            capture_output=True,
            timeout=COMMAND_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )


def _host(server: str | None) -> list[str]:
    return ["-h", server] if server else []


def _where(server: str | None) -> str:
    return server or _("le serveur local")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1].removeprefix("lp: ").removeprefix("Error - ") if lines else "?"


def _plain(text: str) -> str:
    """A job title without control characters (it is shown by lpstat and in CUPS logs)."""
    return "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text).strip()
