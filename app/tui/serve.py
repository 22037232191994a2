"""`comptoir serve`: the TUI in a browser through textual-serve, answering only its own pages.

textual-serve on its own answers any `Host` and upgrades a WebSocket from any `Origin`: a
page of another site open in the counter's browser (or a DNS-rebinding name pointing at
127.0.0.1) could open `/ws` and drive a session. Here every request goes through `Guard`:

- the `Host` header must name this server: the bound address and port, or (bound to
  loopback) `localhost`, `127.0.0.1` or `[::1]` on that port, or the host of `--public-url`;
- a WebSocket upgrade (and anything asking for `/ws`) must carry an `Origin` among this
  server's own origins, and any request that carries an `Origin` must carry one of them;
- every answer forbids framing (`frame-ancestors 'none'`), so another page cannot show the
  session in an iframe and catch the keys typed into it.

Anything else gets a 403 with one French line. Only loopback addresses may be bound unless
`--allow-remote` is given, and then a warning says that a reverse proxy must authenticate:
Comptoir itself asks nobody who they are in the browser.

The aiohttp application is built here from textual-serve's public handlers (`handle_index`,
`handle_websocket`, `handle_download`, its templates and statics) rather than by overriding
its private `_make_app`, so the guard is in the application from its creation and cannot be
left out silently by a new textual-serve. `tests/test_serve_security.py` checks that this
route table still matches the one textual-serve builds.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server

from app.errors import ComptoirError
from app.i18n import _

log = logging.getLogger("comptoir.serve")

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
DEFAULT_PORTS = {"http": 80, "https": 443}
WEBSOCKET_PATH = "/ws"
SECURITY_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

# (host, port): a Host header's name (lower case, IPv6 without brackets) and port, None when
# the header gives none. (scheme, host, port): an origin, its port always filled in.
HostKey = tuple[str, int | None]
OriginKey = tuple[str, str, int]


def is_loopback(host: str) -> bool:
    """True for `localhost` and the addresses of 127.0.0.0/8 and ::1."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    """True for the addresses that bind every interface (`0.0.0.0`, `::`, empty)."""
    name = host.strip("[]")
    if not name:
        return True
    try:
        return ipaddress.ip_address(name).is_unspecified
    except ValueError:
        return False


def _url_host(host: str) -> str:
    """`host` as written in a URL: IPv6 addresses in brackets."""
    name = host.strip("[]")
    return f"[{name}]" if ":" in name else name


def parse_host_header(value: str) -> HostKey | None:
    """The (host, port) a Host header names, or None when it is not a plain host[:port]."""
    if not value or any(c in value for c in "/?#@\\ \t") or not value.isascii():
        return None
    try:
        parts = urlsplit(f"//{value}")
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.hostname, port


def parse_origin(value: str) -> OriginKey | None:
    """The (scheme, host, port) of an Origin header, or None (absent, `null`, malformed)."""
    if not value or not value.isascii():
        return None
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    if parts.username is not None or parts.query or parts.fragment:
        return None
    return scheme, parts.hostname, port if port is not None else DEFAULT_PORTS[scheme]


@dataclass(frozen=True)
class Guard:
    """What the Host and Origin headers of a request may say."""

    hosts: frozenset[HostKey]
    origins: frozenset[OriginKey]

    @classmethod
    def for_urls(cls, urls: list[str]) -> Guard:
        """The guard of a server reached at each of `urls` (http or https, host, port)."""
        hosts: set[HostKey] = set()
        origins: set[OriginKey] = set()
        for url in urls:
            origin = parse_origin(url)
            if origin is None:
                raise ValueError(f"not an origin: {url!r}")
            scheme, host, port = origin
            origins.add(origin)
            hosts.add((host, port))
            if port == DEFAULT_PORTS[scheme]:
                hosts.add((host, None))
        return cls(frozenset(hosts), frozenset(origins))

    def refusal(self, request: web.BaseRequest) -> str | None:
        """Why `request` is refused (one French line), or None when it may go on."""
        host_values = request.headers.getall("Host", [])
        if len(host_values) != 1 or parse_host_header(host_values[0]) not in self.hosts:
            return _("Accès refusé : cette adresse n'est pas celle de ce serveur Comptoir.")
        origin_values = request.headers.getall("Origin", [])
        upgrade = "websocket" in request.headers.get("Upgrade", "").lower()
        if (upgrade or request.path == WEBSOCKET_PATH) and not origin_values:
            return _("Accès refusé : connexion sans page d'origine (en-tête Origin).")
        if origin_values and (
            len(origin_values) != 1 or parse_origin(origin_values[0]) not in self.origins
        ):
            return _("Accès refusé : cette connexion vient d'une page d'un autre site.")
        return None

    @web.middleware
    async def middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        """aiohttp middleware: a 403 with one French line before any handler runs."""
        reason = self.refusal(request)
        if reason is not None:
            log.warning(
                "403 %s %r Host=%r Origin=%r: %s",
                request.method,
                request.path,
                request.headers.get("Host"),
                request.headers.get("Origin"),
                reason,
            )
            return web.Response(status=403, text=reason + "\n")
        return await handler(request)


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


@dataclass(frozen=True)
class ServePlan:
    """Where `comptoir serve` listens, the URL browsers open, and what it accepts."""

    host: str
    port: int
    public_url: str
    guard: Guard
    warning: str | None


def plan(host: str, port: int, *, allow_remote: bool, public_url: str | None) -> ServePlan:
    """Check the options of `comptoir serve`; raise ComptoirError (one French line)."""
    loopback = is_loopback(host)
    wildcard = is_wildcard(host)
    if not loopback and not allow_remote:
        raise ComptoirError(
            _(
                "--host {host} n'est pas une adresse locale (127.0.0.1, ::1, localhost) : "
                "ajoutez --allow-remote, derrière un proxy inverse qui authentifie.",
                host=host or "''",
            )
        )
    if public_url is not None and not allow_remote:
        raise ComptoirError(_("--public-url demande --allow-remote (un accès depuis le réseau)."))
    urls: list[str] = []
    if loopback or wildcard:
        urls += [f"http://{_url_host(name)}:{port}" for name in LOOPBACK_NAMES]
    if not wildcard:
        urls.append(f"http://{_url_host(host)}:{port}")
    if public_url is not None:
        public_url = public_url.rstrip("/")
        parts = urlsplit(public_url)
        if (
            parse_origin(f"{parts.scheme}://{parts.netloc}") is None
            or parts.query
            or parts.fragment
            or "@" in parts.netloc
        ):
            raise ComptoirError(
                _(
                    "--public-url attend une adresse http:// ou https:// "
                    "(par exemple https://comptoir.example), reçu : {url}",
                    url=public_url,
                )
            )
        urls.append(f"{parts.scheme.lower()}://{parts.netloc.lower()}")
    elif wildcard:
        raise ComptoirError(
            _(
                "--host {host} écoute sur toutes les adresses : donnez aussi --public-url, "
                "l'adresse qu'ouvrent les navigateurs.",
                host=host or "''",
            )
        )
    warning = None
    if allow_remote:
        warning = _(
            "Attention : avec --allow-remote, Comptoir ne demande pas qui se connecte ; "
            "un proxy inverse doit authentifier chaque accès."
        )
    return ServePlan(
        host=host,
        port=port,
        public_url=public_url or f"http://{_url_host(host)}:{port}",
        guard=Guard.for_urls(urls),
        warning=warning,
    )


class GuardedServer(Server):
    """textual-serve's Server whose application refuses the requests `guard` refuses."""

    def __init__(self, command: str, serve_plan: ServePlan, *, title: str) -> None:
        super().__init__(
            command,
            host=serve_plan.host,
            port=serve_plan.port,
            title=title,
            public_url=serve_plan.public_url,
        )
        self.guard = serve_plan.guard

    def make_app(self) -> web.Application:
        """The aiohttp application: textual-serve's routes behind the guard."""
        app = web.Application(middlewares=[self.guard.middleware])
        app.on_response_prepare.append(_security_headers)
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get(WEBSOCKET_PATH, self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def on_startup(self, app: web.Application) -> None:
        # textual-serve prints its logo and the command, which holds the database URL (and
        # a PostgreSQL password with it): one line with the address instead.
        print(_("Comptoir : {url} (Ctrl+C pour arrêter)", url=self.public_url), flush=True)

    def serve(self, debug: bool = False) -> None:
        """Listen until SIGINT or SIGTERM."""
        self.debug = debug
        self.initialize_logging()
        web.run_app(self.make_app(), host=self.host, port=self.port, print=None)


def serve(command: str, serve_plan: ServePlan, *, title: str = "Comptoir") -> None:
    """Serve `command` (one process per browser tab) as `serve_plan` says."""
    GuardedServer(command, serve_plan, title=title).serve()
