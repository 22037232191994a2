"""`comptoir doctor`: one line per thing that must work, and what to do when it does not."""

from __future__ import annotations

import asyncio
import shutil
import socket
from dataclasses import dataclass

import aiosmtplib

from app.config import Config
from app.documents.pdf import INSTALL_HINT, html_to_pdf, wkhtmltopdf_version
from app.errors import SHOWN
from app.i18n import _

SMTP_TIMEOUT = 5.0
PRINTER_TIMEOUT = 3.0
_TINY_PAGE = "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>ok</body></html>"


@dataclass(frozen=True)
class Check:
    """The outcome of one check: what was checked, whether it is fine, and the detail."""

    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        """'✓ Base de données : …' or '✗ …'."""
        return f"{'✓' if self.ok else '✗'} {self.name} : {self.detail}"


def check_database(config: Config) -> Check:
    """Reachable, and at the schema version of this program (no migration is run)."""
    from storage import migrations
    from storage.db import check_health, database_error, open_database, redact

    name = _("Base de données")
    url = config.resolved_database_url
    try:
        db = open_database(url, timezone=config.timezone, migrate=False)
        version = migrations.schema_version(db)
        if version is not None:
            check_health(db, url)  # damaged pages, or a database that cannot be written
    except SHOWN as exc:
        return Check(name, False, str(exc))
    except Exception as exc:  # a driver's own error: one line, never a traceback
        known = database_error(exc, url)
        if known is not None:
            return Check(name, False, str(known))
        return Check(name, False, f"{redact(url)} : {type(exc).__name__}: {exc}")
    if version is None:
        return Check(name, False, _("{url} : vide, pas encore créée", url=redact(url)))
    if version != migrations.LATEST:
        return Check(
            name,
            False,
            _(
                "{url} : schéma v{found}, attendu v{latest}",
                url=redact(url),
                found=version,
                latest=migrations.LATEST,
            ),
        )
    return Check(name, True, _("{url} (schéma v{version})", url=redact(url), version=version))


async def _ehlo(url: str) -> str:
    from app.messages.senders import parse_smtp_url

    smtp = parse_smtp_url(url)  # the server and port the notifier will use
    client = aiosmtplib.SMTP(
        hostname=smtp.hostname,
        port=smtp.port,
        use_tls=smtp.use_tls,
        start_tls=smtp.start_tls,
        timeout=SMTP_TIMEOUT,
    )
    await client.connect()
    try:
        response = await client.ehlo()
    finally:
        client.close()
    return f"{smtp.hostname}:{smtp.port} {response.code}"


def check_smtp(config: Config) -> Check:
    """The SMTP server of COMPTOIR_SMTP_URL answers EHLO within a few seconds."""
    name = _("SMTP")
    if not config.smtp_url:
        return Check(name, False, _("non configuré (COMPTOIR_SMTP_URL)"))
    try:
        answer = asyncio.run(asyncio.wait_for(_ehlo(config.smtp_url), SMTP_TIMEOUT * 2))
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        return Check(name, False, _("ne répond pas : {reason}", reason=str(exc) or type(exc)))
    return Check(name, True, _("répond à EHLO ({answer})", answer=answer))


def check_vonage(config: Config) -> Check:
    """The Vonage key and secret are set (SMS cannot be sent without them)."""
    name = _("Vonage (SMS)")
    missing = [
        var
        for var, value in (
            ("COMPTOIR_VONAGE_API_KEY", config.vonage_api_key),
            ("COMPTOIR_VONAGE_API_SECRET", config.vonage_api_secret),
        )
        if not value
    ]
    if missing:
        return Check(name, False, _("identifiants absents ({missing})", missing=", ".join(missing)))
    return Check(name, True, _("identifiants présents"))


def check_wkhtmltopdf() -> Check:
    """wkhtmltopdf is installed and renders a tiny page."""
    name = "wkhtmltopdf"
    try:
        version = wkhtmltopdf_version()
        html_to_pdf(_TINY_PAGE)
    except SHOWN as exc:
        return Check(name, False, str(exc))
    except OSError as exc:
        return Check(name, False, _("{reason} ; {hint}", reason=exc, hint=INSTALL_HINT))
    return Check(name, True, _("{version}, rend une page de test", version=version))


def check_profile() -> Check:
    """Name, address, SIRET, VAT number and a valid IBAN are in the profile."""
    from app.shop.profile import LABELS, load_profile

    name = _("Profil")
    try:
        profile = load_profile()
    except Exception as exc:  # no database: already reported by check_database
        return Check(name, False, _("illisible ({reason})", reason=type(exc).__name__))
    missing = [
        _(LABELS[field])
        for field in ("name", "address", "siret", "vat_number")
        if not getattr(profile, field)
    ]
    if not profile.iban_valid:
        missing.append(_("IBAN valide"))
    if missing:
        return Check(
            name,
            False,
            _(
                "incomplet : {missing} (comptoir profile --help)",
                missing=", ".join(missing),
            ),
        )
    return Check(name, True, _("complet"))


def check_printer(config: Config) -> Check:
    """The CUPS queue of COMPTOIR_PRINTER exists on its server and accepts jobs."""
    from app.printing import PrintError, ipp
    from app.printing.cups import known_queues

    name = _("Imprimante (CUPS)")
    if not config.printer:
        return Check(name, True, _("non configurée (facultatif : COMPTOIR_PRINTER)"))
    server = config.cups_server or None
    where = server or _("le serveur local")
    if shutil.which("lp") is None:
        return Check(name, False, _("commande lp introuvable : installez le paquet cups-client"))
    try:
        state = ipp.printer_state(server, config.printer, timeout=PRINTER_TIMEOUT)
    except ipp.NotFound:
        try:
            queues = ", ".join(known_queues(server)) or _("aucune")
        except PrintError:
            queues = "?"
        return Check(
            name,
            False,
            _(
                "file « {queue} » inconnue sur {server} (files : {queues}) ; "
                "ajoutez-la avec lpadmin",
                queue=config.printer,
                server=where,
                queues=queues,
            ),
        )
    except (ipp.IppError, OSError) as exc:
        return Check(
            name, False, _("serveur CUPS {server} injoignable ({reason})", server=where, reason=exc)
        )
    if not state.accepting:
        return Check(
            name,
            False,
            _(
                "file « {queue} » refuse les travaux (cupsaccept {queue} pour la rouvrir)",
                queue=config.printer,
            ),
        )
    if state.state == ipp.PRINTER_STOPPED:
        return Check(
            name,
            False,
            _(
                "file « {queue} » arrêtée ({reason}) : cupsenable {queue}",
                queue=config.printer,
                reason=state.message or " ".join(state.reasons),
            ),
        )
    return Check(
        name, True, _("file « {queue} » sur {server}, prête", queue=config.printer, server=where)
    )


def check_receipt_printer(config: Config) -> Check:
    """The receipt printer of COMPTOIR_RECEIPT_PRINTER answers: a TCP connection opens, the
    USB device is plugged in, the device file can be written."""
    from app.printing.escpos import device_problem, parse_receipt_url

    name = _("Imprimante de tickets")
    if not config.receipt_printer:
        return Check(name, True, _("non configurée (facultatif : COMPTOIR_RECEIPT_PRINTER)"))
    address = parse_receipt_url(config.receipt_printer)  # load_config has checked it
    if address.kind == "tcp":
        try:
            socket.create_connection((address.host, address.port), PRINTER_TIMEOUT).close()
        except OSError as exc:
            reason = exc.strerror or str(exc) or type(exc).__name__
            return Check(
                name, False, _("{where} injoignable ({reason})", where=address, reason=reason)
            )
    elif address.kind == "usb":
        import usb.core  # pyusb, installed with python-escpos[usb]

        try:
            found = usb.core.find(idVendor=address.vendor, idProduct=address.product)
        except Exception as exc:  # no libusb backend
            return Check(
                name, False, _("{where} : USB illisible ({reason})", where=address, reason=exc)
            )
        if found is None:
            return Check(
                name, False, _("{where} introuvable : branchée et allumée ?", where=address)
            )
    elif (problem := device_problem(address.path)) is not None:
        return Check(name, False, _("{where} : {problem}", where=address, problem=problem))
    return Check(
        name,
        True,
        _("{where} répond (papier {width} mm)", where=address, width=address.width_mm),
    )


def check_intake(config: Config) -> Check:
    """The intake service (`comptoir service`) answers GET /health where it last started."""
    import ssl
    import urllib.error
    import urllib.request

    from storage.models import Meta

    name = _("Service d'intake")
    try:
        row = Meta.get_or_none(Meta.key == "service_endpoint")
    except Exception as exc:  # no database: already reported by check_database
        return Check(name, False, _("illisible ({reason})", reason=type(exc).__name__))
    if row is None:
        return Check(name, False, _("jamais démarré sur cette base (comptoir service)"))
    url = row.value
    # A probe of our own service: its certificate may be self-signed, so it is not checked.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=5, context=context) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return Check(name, False, _("{url} ne répond pas : {reason}", url=url, reason=reason))
    if status != 200:
        return Check(name, False, _("{url} répond HTTP {status}", url=url, status=status))
    return Check(name, True, _("{url} répond", url=url))


def check_outbox() -> Check:
    """No message has failed (the footers' « ⚠ N message(s) en échec »)."""
    from app.messages.outbox import outbox_counts

    name = _("Messages")
    try:
        counts = outbox_counts()
    except Exception as exc:  # no database: already reported by check_database
        return Check(name, False, _("illisible ({reason})", reason=type(exc).__name__))
    if counts.failed:
        return Check(
            name,
            False,
            _(
                "⚠ {failed} message(s) en échec, {waiting} en attente : voir les commandes "
                "concernées (r renvoie)",
                failed=counts.failed,
                waiting=counts.waiting,
            ),
        )
    return Check(name, True, _("aucun en échec, {waiting} en attente", waiting=counts.waiting))


def run_checks(config: Config) -> list[Check]:
    """Every check, in the order shown."""
    database = check_database(config)
    checks = [database, check_smtp(config), check_vonage(config), check_wkhtmltopdf()]
    if database.ok:
        checks += [check_profile(), check_outbox()]
    else:
        checks.append(Check(_("Profil"), False, _("non vérifié : base de données inaccessible")))
    checks += [check_printer(config), check_receipt_printer(config)]
    if config.intake_secret:  # the shop runs `comptoir service`
        checks.append(check_intake(config))
    return checks
