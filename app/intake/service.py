"""`comptoir service`: the intake endpoint, the drop folder and the notifier in one process.

One asyncio loop runs the three. Their database work goes through threads: one for the
intake (the endpoint and the folder take turns, so SQLite never sees two writers from
here), one for the notifier. After each commit of new orders the notifier is woken, so the
seller's mail leaves at once; the counters' TUIs notice the orders by their own polling.

SIGTERM or SIGINT: the endpoint stops accepting connections, the requests in flight are
answered (each is one transaction: committed and answered, or neither), the file being
imported finishes, the notifier ends its message, and the process exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import ssl
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiohttp import web

from app.config import Config
from app.errors import ConfigError
from app.i18n import _
from app.intake.folder import DropFolder
from app.intake.webhook import Intake, database_runner
from app.messages.notifier import Notifier
from storage.db import thread_connection
from storage.models import Meta

log = logging.getLogger("comptoir.intake")
ENDPOINT_KEY = "service_endpoint"  # Meta: where the last service started listens
SHUTDOWN_SECONDS = 30.0
WAKE_DELAY = 0.05


def tls_context(cert: Path | None, key: Path | None) -> ssl.SSLContext | None:
    """A server TLS context from a certificate chain and its key, or None for plain HTTP."""
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise ConfigError(_("--cert et --key vont ensemble : donnez les deux, ou aucun."))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(
            _(
                "Certificat ou clé illisible ({cert}, {key}) : {reason}",
                cert=cert,
                key=key,
                reason=getattr(exc, "strerror", None) or exc,
            )
        ) from None
    return context


def check_service_config(config: Config) -> None:
    """What the service needs before it starts: one French line when something is missing."""
    if not config.intake_secret:
        raise ConfigError(
            _(
                "COMPTOIR_INTAKE_SECRET manque : le secret whsec_… partagé avec la place de "
                "marché (deux séparés par une espace pendant une rotation)."
            )
        )


def _record_endpoint(url: str) -> None:
    with thread_connection():
        Meta.insert(key=ENDPOINT_KEY, value=url).on_conflict(
            conflict_target=[Meta.key], update={Meta.value: url}
        ).execute()


class _OneLine(logging.Formatter):
    """The message's first line, never a traceback (a malformed request is not a bug)."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage().strip().splitlines()
        reason = ""
        if record.exc_info and record.exc_info[1] is not None:
            words = str(record.exc_info[1]).strip().splitlines()
            reason = f": {words[0]}" if words else ""
        return f"{record.name}: {text[0] if text else ''}{reason}"


def configure_logging() -> None:
    """One line per event on stderr (journald adds the time and the unit)."""
    ours = logging.StreamHandler(sys.stderr)
    ours.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    root = logging.getLogger("comptoir")
    root.addHandler(ours)
    root.setLevel(logging.INFO)
    root.propagate = False
    # aiohttp's own answers to requests it cannot parse (400): one line, no traceback.
    server = logging.StreamHandler(sys.stderr)
    server.setFormatter(_OneLine())
    aiohttp_log = logging.getLogger("aiohttp.server")
    aiohttp_log.addHandler(server)
    aiohttp_log.propagate = False


async def serve(
    config: Config,
    *,
    host: str,
    port: int,
    tls: ssl.SSLContext | None = None,
    announce: Callable[[str], None] = print,
    stop: asyncio.Event | None = None,
) -> int:
    """Run until SIGTERM/SIGINT (or `stop`); returns the exit code."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="intake-db")
    run_db = database_runner(executor)
    notifier = Notifier(config)
    waking: list[asyncio.TimerHandle] = []

    def wake_soon() -> None:
        """Wake the notifier 50 ms after a commit: a burst's orders share its claims."""
        if not waking or waking[0].cancelled() or waking[0].when() <= loop.time():
            waking[:] = [loop.call_later(WAKE_DELAY, notifier.wake)]

    intake = Intake(config, run_db, on_commit=wake_soon)
    runner = web.AppRunner(
        intake.application(),
        access_log=None,
        handle_signals=False,
        shutdown_timeout=SHUTDOWN_SECONDS,
        lingering_time=5.0,
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=tls, reuse_address=True)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        executor.shutdown(wait=False)
        raise ConfigError(
            _(
                "Impossible d'écouter sur {host}:{port} : {reason}",
                host=host,
                port=port,
                reason=exc.strerror or exc,
            )
        ) from None
    addresses = runner.addresses
    bound = int(addresses[0][1]) if addresses else port
    scheme = "https" if tls is not None else "http"
    probe_host = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    url = f"{scheme}://{probe_host}:{bound}"
    await run_db(_record_endpoint, url)

    tasks = [asyncio.ensure_future(notifier.run(stop))]
    if config.intake_dir:
        folder = DropFolder(
            config, Path(config.intake_dir).expanduser(), run_db, on_commit=wake_soon
        )
        try:
            folder.prepare()
        except OSError as exc:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            await runner.cleanup()
            raise ConfigError(
                _(
                    "COMPTOIR_INTAKE_DIR inutilisable ({path}) : {reason}",
                    path=config.intake_dir,
                    reason=exc.strerror or exc,
                )
            ) from None
        tasks.append(asyncio.ensure_future(folder.run(stop)))
    announce(
        _(
            "Comptoir service : {url}/orders (dossier : {folder}) ; SIGTERM ou Ctrl+C pour "
            "l'arrêter.",
            url=url,
            folder=config.intake_dir or _("aucun"),
        )
    )
    try:
        await stop.wait()
    finally:
        # No new connection; the requests in flight are answered (their bodies may still be
        # arriving); then the folder's file and the notifier finish.
        await site.stop()  # closes the listening socket only (aiohttp's public API)
        await intake.drain(SHUTDOWN_SECONDS)
        await runner.cleanup()
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        await loop.run_in_executor(executor, _close_thread_connection)
        executor.shutdown(wait=True)
    announce(_("Comptoir service arrêté."))
    return 0


def _close_thread_connection() -> None:
    from storage.models import database

    if not database.is_closed():
        database.close()
