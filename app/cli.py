"""The `comptoir` command line (SPEC §7): the TUI and the scripted commands.

Every error reaches the user as one line on stderr and a non-zero exit; a traceback is only
printed when `COMPTOIR_DEBUG=1`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from app import __version__
from app.config import Config, load_config
from app.errors import SHOWN, ComptoirError
from app.i18n import _, set_language
from app.text import check_text, printable

Handler = Callable[[argparse.Namespace, Config], int]


def _common() -> argparse.ArgumentParser:
    """Options accepted before or after the command name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database URL (sqlite:///file.db or postgresql://…)",
    )
    common.add_argument(
        "--lang",
        choices=("fr", "en"),
        default=argparse.SUPPRESS,
        help="language of the interface and messages (default fr)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command; `--help` works on each."""
    common = _common()
    parser = argparse.ArgumentParser(
        prog="comptoir",
        parents=[common],
        description="Comptoir: the order back office of a local shop.",
    )
    parser.add_argument("--version", action="version", version=f"comptoir {__version__}")
    parser.add_argument("--month", metavar="YYYY-MM", help="open the calendar on this month")
    parser.add_argument("--order", metavar="NUMBER", help="open this order")
    parser.add_argument(
        "--demo", action="store_true", help="a throwaway seeded database and a local mail capture"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common], help=help_text, description=help_text)

    p = command("import", "import orders from JSON files (all or nothing per file)")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")

    p = command("status", "change the status of one or several orders (same rules as the TUI)")
    p.add_argument("number", metavar="NUMBER", nargs="+", help="one or several order numbers")
    p.add_argument("status", metavar="STATUS", help="e.g. confirming, ready, cancelled")
    p.add_argument("--reason", help="why (required for cancelled)")
    p.add_argument("--by", default=None, metavar="NAME", help="staff member making the change")

    p = command("profile", "show the seller's profile, or set fields of it")
    for field, text in (
        ("name", "seller name"),
        ("address", "postal address"),
        ("email", "mail for new-order alerts"),
        ("mobile", "mobile for SMS alerts"),
        ("iban", "IBAN for payouts"),
        ("siret", "SIRET (14 digits)"),
        ("vat", "intra-EU VAT number"),
        ("point-of-sale", "point d'activité"),
    ):
        p.add_argument(f"--{field}", help=text)

    p = command("worker", "run the notifier alone")
    p.add_argument(
        "--drain",
        action="store_true",
        help="wait out grace periods, send, exit 0 when nothing is left",
    )
    p.add_argument(
        "--batch",
        type=int,
        default=100,
        metavar="N",
        help="messages claimed at a time, sent over one connection (default 100)",
    )

    p = command("staff", "manage staff sign-in")
    p.add_argument("action", choices=("add", "list", "disable", "passwd"))
    p.add_argument("name", nargs="?", metavar="NAME")

    p = command("pdf", "write the order's PDF")
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("-o", "--output", type=Path, metavar="FILE")

    p = command("invoice", "write the order's invoice PDF (and its credit note if cancelled)")
    p.add_argument("number", nargs="?", metavar="NUMBER")
    p.add_argument("-o", "--output", type=Path, metavar="FILE")
    p.add_argument(
        "--month", metavar="YYYY-MM", help="every invoice and credit note of the month's orders"
    )

    p = command("export", "write a month of finances as CSV")
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("-o", "--output", type=Path, metavar="FILE")

    p = command("serve", "serve the TUI in a browser")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other than loopback (a reverse proxy must authenticate)",
    )
    p.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers open, e.g. https://comptoir.example (needs --allow-remote)",
    )

    p = command("service", "intake endpoint + drop folder + notifier, one process")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8470, help="port (default 8470; 0: any free one)")
    p.add_argument("--cert", type=Path, metavar="FILE", help="TLS certificate chain (PEM)")
    p.add_argument("--key", type=Path, metavar="FILE", help="its private key (PEM)")

    command("doctor", "check database, SMTP, Vonage and wkhtmltopdf")

    p = command("picklist", "the products to prepare, summed over the day's orders")
    p.add_argument("--day", metavar="YYYY-MM-DD", help="the orders of this day (default today)")
    p.add_argument("--to", metavar="YYYY-MM-DD", help="up to this day too (a range)")
    p.add_argument("--format", choices=("text", "csv", "pdf"), default="text")
    p.add_argument("-o", "--output", type=Path, metavar="FILE")

    p = command("remove-line", "out of stock: remove a line (or part of it), refund it")
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("line", metavar="LINE", help="the line's position from 1, or its product")
    p.add_argument("--quantity", type=int, metavar="N", help="remove only N of its units")
    p.add_argument("--reason", required=True, help="why (told to the customer)")
    p.add_argument("--by", default=None, metavar="NAME", help="staff member")
    return parser


def _open(config: Config) -> None:
    from storage.db import open_database

    open_database(config.resolved_database_url, timezone=config.timezone)


def _pdf_timeout(config: Config) -> None:
    from app.documents.pdf import set_timeout

    set_timeout(config.pdf_timeout_seconds)


def cmd_import(args: argparse.Namespace, config: Config) -> int:
    from app.intake.files import import_files

    _open(config)
    result = import_files(args.files, config=config)
    for message in result.messages:
        print(printable(message))
    print(result.summary())
    return 0


def cmd_status(args: argparse.Namespace, config: Config) -> int:
    from app.orders.rules import change_status, parse_status, status_label

    _open(config)
    target = parse_status(args.status)
    by = _by(args)
    if len(args.number) > 1:
        return _bulk_status(args, config, target, by)
    result = change_status(args.number[0], target, config=config, by=by, reason=args.reason)
    print(
        _(
            "{number} : {current} → {target}",
            number=result.order.number,
            current=status_label(result.change.from_status or target),
            target=status_label(target),
        )
    )
    return 0


def _by(args: argparse.Namespace) -> str:
    """Who the history names: --by, or the account running Comptoir."""
    from app.shop.staff import system_user

    by: str | None = args.by
    return by.strip() if by and by.strip() else system_user()


def _bulk_status(args: argparse.Namespace, config: Config, target: object, by: str) -> int:
    """Several numbers: each order in its own transaction; a line per order, then a summary."""
    from app.orders.statuses import OrderStatus
    from app.preparation.bulk import apply_batch

    assert isinstance(target, OrderStatus)
    batch = apply_batch(args.number, target, config=config, by=by, reason=args.reason)
    for line in batch.lines():
        print(line, file=sys.stderr if line.startswith("✗") else sys.stdout)
    print(batch.summary())
    return 0 if not batch.refused else 1


def cmd_picklist(args: argparse.Namespace, config: Config) -> int:
    from datetime import datetime

    from app.preparation.picklist import PickQuery, as_csv, as_pdf, as_text, pick_list

    first = _day(args.day) if args.day else datetime.now(config.tz).date()
    last = _day(args.to) if args.to else first
    if last < first:
        raise ComptoirError(_("--to doit venir après --day."))
    _open(config)
    picks = pick_list(PickQuery(first=first, last=last), config=config)
    if args.format == "pdf":
        data = as_pdf(picks)
        path = args.output or Path(f"preparation-{first.isoformat()}.pdf")
        from app.documents.pdf import write_atomically

        print(write_atomically(path, data))
        return 0
    text = as_csv(picks) if args.format == "csv" else as_text(picks)
    if args.output:
        from app.documents.pdf import write_atomically

        print(write_atomically(args.output, text.encode("utf-8")))
    else:
        sys.stdout.write(text)
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ComptoirError(
            _("Date attendue AAAA-MM-JJ (par exemple 2021-01-18), pas « {value} ».", value=text)
        ) from None


def cmd_remove_line(args: argparse.Namespace, config: Config) -> int:
    from app.i18n import format_money
    from app.preparation.removal import remove_line

    _open(config)
    result = remove_line(
        args.number,
        args.line,
        quantity=args.quantity,
        reason=args.reason,
        config=config,
        by=_by(args),
    )
    print(
        _(
            "{number} : {quantity} × {product} retiré(s), {amount} remboursé(s) ; avoir {credit}.",
            number=result.number,
            quantity=result.quantity,
            product=result.product,
            amount=format_money(result.amount),
            credit=result.credit_number or "—",
        )
    )
    if result.cancelled:
        print(_("Dernière ligne retirée : la commande est annulée."))
    return 0


def cmd_profile(args: argparse.Namespace, config: Config) -> int:
    from app.shop.profile import LABELS, load_profile, save_profile

    _open(config)
    changes = {
        name: value
        for name, value in (
            ("name", args.name),
            ("address", args.address),
            ("email", args.email),
            ("mobile", args.mobile),
            ("iban", args.iban),
            ("siret", args.siret),
            ("vat_number", args.vat),
            ("point_of_sale", args.point_of_sale),
        )
        if value is not None
    }
    profile = save_profile(**changes) if changes else load_profile()
    if changes:
        print(_("Profil enregistré."))
    width = max(len(_(label)) for label in LABELS.values())
    for field, label in LABELS.items():
        value = getattr(profile, field) or _("(vide)")
        print(f"{_(label):<{width}}  {printable(value)}")
    return 0


def cmd_worker(args: argparse.Namespace, config: Config) -> int:
    """The notifier alone: until Ctrl+C, or with --drain until nothing is left to send."""
    import asyncio
    import contextlib
    import signal

    from app.messages.notifier import Notifier

    if args.batch < 1:
        raise ComptoirError("--batch must be at least 1")
    _open(config)
    notifier = Notifier(config, batch_size=args.batch)
    if args.drain:
        result = asyncio.run(notifier.drain())
        print(result.summary())
        return 0 if result.ok else 1

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, stop.set)
        await notifier.run(stop)

    print(_("Notificateur démarré ({owner}) ; Ctrl+C pour l'arrêter.", owner=notifier.owner))
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
    print(_("Notificateur arrêté."))
    return 0


def _read_secret() -> str:
    """Ask twice on a terminal; read one line from a pipe (scripts)."""
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(_("Code (PIN ou mot de passe) : "))
    if getpass.getpass(_("Encore une fois : ")) != first:
        raise ComptoirError(_("Les deux saisies diffèrent."))
    return first


def cmd_staff(args: argparse.Namespace, config: Config) -> int:
    from app.shop import staff

    _open(config)
    if args.action == "list":
        members = staff.members()
        if not members:
            print(_("Aucun membre : la connexion est désactivée."))
        for member in members:
            state = _("désactivé") if member.disabled else _("actif")
            print(f"{printable(member.name)}\t{state}")
        return 0
    if not args.name:
        raise ComptoirError(_("Cette commande demande un NOM."))
    if args.action == "add":
        staff.add(args.name, _read_secret())
        print(_("Membre ajouté : {name}", name=args.name.strip()))
    elif args.action == "disable":
        staff.disable(args.name)
        print(_("Membre désactivé : {name}", name=args.name.strip()))
    else:
        staff.set_secret(args.name, _read_secret())
        print(_("Code changé pour {name}", name=args.name.strip()))
    return 0


def cmd_serve(args: argparse.Namespace, config: Config) -> int:
    """The same TUI in a browser: textual-serve starts one `comptoir` per browser tab."""
    import shlex

    from app.tui.serve import plan, serve

    if not 0 < args.port < 65536:
        raise ComptoirError(f"--port must be between 1 and 65535, got {args.port}")
    serve_plan = plan(
        args.host, args.port, allow_remote=args.allow_remote, public_url=args.public_url
    )
    if serve_plan.warning:
        print(f"comptoir: {serve_plan.warning}", file=sys.stderr, flush=True)
    _open(config)  # fail here, once, if the database is unusable
    command = shlex.join(
        [sys.executable, "-m", "app", "--db", config.resolved_database_url, "--lang", config.lang]
    )
    serve(command, serve_plan, title="Comptoir")
    return 0


def cmd_service(args: argparse.Namespace, config: Config) -> int:
    """The intake endpoint, the drop folder and the notifier until SIGTERM or Ctrl+C."""
    import asyncio

    from app.intake import service

    if not 0 <= args.port < 65536:
        raise ComptoirError(f"--port must be between 0 and 65535, got {args.port}")
    service.check_service_config(config)
    tls = service.tls_context(args.cert, args.key)
    _open(config)
    service.configure_logging()

    def announce(line: str) -> None:
        print(line, flush=True)

    return asyncio.run(
        service.serve(config, host=args.host, port=args.port, tls=tls, announce=announce)
    )


def cmd_tui(args: argparse.Namespace, config: Config) -> int:
    from app.tui.factory import run_tui

    return run_tui(config, month=args.month, order=args.order, demo=args.demo)


def cmd_pdf(args: argparse.Namespace, config: Config) -> int:
    from app.documents.render import write_order_pdf

    _pdf_timeout(config)
    _open(config)
    print(write_order_pdf(args.number, args.output))
    return 0


def _progress_bar(done: int, total: int) -> None:
    """A one-line progress bar on stderr, redrawn in place."""
    width = 30
    filled = width * done // total if total else width
    end = "\n" if done >= total else ""
    bar = "#" * filled + "." * (width - filled)
    print(f"\r[{bar}] {done}/{total}", end=end, file=sys.stderr, flush=True)


def cmd_invoice(args: argparse.Namespace, config: Config) -> int:
    from app.documents.render import render_month, write_order_documents
    from app.money.books import parse_month

    _pdf_timeout(config)
    if args.month:
        if args.number:
            raise ComptoirError(_("Donnez un numéro de commande ou --month, pas les deux."))
        year, month = parse_month(args.month)
        _open(config)
        paths = render_month(year, month, progress=_progress_bar, folder=args.output)
        if not paths:
            print(_("Aucune facture pour ce mois."))
            return 0
        folder = paths[0].parent
        print(_("{count} document(s) écrit(s) dans {folder}", count=len(paths), folder=folder))
        return 0
    if not args.number:
        raise ComptoirError(_("Donnez un numéro de commande (ou --month AAAA-MM)."))
    _open(config)
    for path in write_order_documents(args.number, args.output):
        print(path)
    return 0


def cmd_export(args: argparse.Namespace, config: Config) -> int:
    from app.money.books import export_csv, parse_month

    year, month = parse_month(args.month)
    _open(config)
    print(export_csv(year, month, args.output, config=config))
    return 0


def cmd_doctor(args: argparse.Namespace, config: Config) -> int:
    from app.doctor import run_checks

    _pdf_timeout(config)
    checks = run_checks(config)
    for check in checks:
        print(check.line())
    return 0 if all(check.ok for check in checks) else 1


HANDLERS: dict[str | None, Handler] = {
    None: cmd_tui,
    "import": cmd_import,
    "status": cmd_status,
    "profile": cmd_profile,
    "worker": cmd_worker,
    "staff": cmd_staff,
    "pdf": cmd_pdf,
    "invoice": cmd_invoice,
    "export": cmd_export,
    "serve": cmd_serve,
    "service": cmd_service,
    "doctor": cmd_doctor,
    "picklist": cmd_picklist,
    "remove-line": cmd_remove_line,
}


def plain_error(exc: BaseException) -> str | None:
    """The one French line of a failure that is not a bug: the database's, a badly coded text."""
    from storage.db import database_error

    error = database_error(exc)
    if error is not None:
        return str(error)
    if isinstance(exc, UnicodeError):  # a lone surrogate that reached an encoder
        return _("texte mal codé : {detail}", detail=exc)
    return None


_POSITIONALS = {
    "number": "NUMBER",
    "name": "NAME",
    "status": "STATUS",
    "files": "FILE",
    "line": "LINE",
}


def check_arguments(args: argparse.Namespace) -> None:
    """Refuse a control character in any argument, before anything is opened or stored."""
    for dest, value in vars(args).items():
        label = _POSITIONALS.get(dest) or f"--{dest.replace('_', '-')}"
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str | Path):
                check_text(str(item), label, newlines=dest == "address")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    # Whatever this process creates (logs, caches, files of a library) is its owner's alone;
    # the database and documents get their group's access where set up (storage.files).
    from storage.files import PROCESS_UMASK

    os.umask(PROCESS_UMASK)
    try:
        config = load_config().with_overrides(
            database_url=getattr(args, "db", None), lang=getattr(args, "lang", None)
        )
        set_language(config.lang)
        check_arguments(args)
        return HANDLERS[args.command](args, config)
    except SHOWN as exc:
        print(f"comptoir: {printable(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("comptoir: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last net: one line, never a traceback for staff
        if os.environ.get("COMPTOIR_DEBUG"):
            raise
        known = plain_error(exc)
        if known is not None:
            print(f"comptoir: {printable(known)}", file=sys.stderr)
            return 1
        print(
            f"comptoir: unexpected error: {type(exc).__name__}: {printable(str(exc))} "
            "(set COMPTOIR_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 70
