"""The `comptoir` command line (SPEC §7): the TUI and the scripted commands.

Every error reaches the user as one line on stderr and a non-zero exit; a traceback is only
printed when `COMPTOIR_DEBUG=1`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

from app import __version__
from app.config import LANGUAGES, Config, load_config
from app.errors import SHOWN, ComptoirError
from app.i18n import _, language, set_language
from app.logbook import open_log
from app.text import check_text, printable

Handler = Callable[[argparse.Namespace, Config], int]

# argparse's own words (its gettext messages in Python 3.11) in French. Their English, the
# catalogue's (app/catalogue/cli.py), is argparse's original: tests/test_cli_french.py checks
# both agree, so that English shows argparse's words unchanged.
ARGPARSE_FRENCH = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments positionnels",
    "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : %(value)r (au choix : %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : %(value)r",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ignored explicit argument %r": "valeur ignorée : %r",
    "expected one argument": "une valeur attendue",
    "expected at most one argument": "au plus une valeur attendue",
    "expected at least one argument": "au moins une valeur attendue",
    "expected %s arguments": "%s valeur(s) attendue(s)",
    "ambiguous option: %(option)s could match %(matches)s": (
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
    "unexpected option string: %s": "option inattendue : %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "commande inconnue %(parser_name)r (au choix : %(choices)s)"
    ),
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
}


def _argparse_gettext(message: str) -> str:
    return ARGPARSE_FRENCH.get(message, message) if language() == "fr" else message


def _argparse_ngettext(singular: str, plural: str, count: int) -> str:
    english = singular if count == 1 else plural
    return ARGPARSE_FRENCH.get(plural, english) if language() == "fr" else english


@contextmanager
def argparse_in_language() -> Iterator[None]:
    """argparse's headings and refusals in the current language while the block runs.

    argparse looks its words up through gettext (`argparse._`, `argparse.ngettext`, bound
    when it is imported); the hook is put back afterwards, so nothing else in the process
    (pytest's own options) is affected.
    """
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _argparse_gettext, _argparse_ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    """A refused command line is one line on stderr and exit 2 (argparse prints the usage
    and an English « error: » line instead)."""

    def error(self, message: str) -> NoReturn:
        hint = _("voir « {prog} --help »", prog=self.prog)
        print(f"comptoir: {printable(message)} ({hint})", file=sys.stderr)
        self.exit(2)


def _whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """The `type=` of a number flag: a bad value is argparse's one line (exit 2), naming
    what is expected."""

    def convert(text: str) -> int:
        try:
            number: int | None = int(text.strip())
        except ValueError:
            number = None
        if number is not None and low <= number and (high is None or number <= high):
            return number
        if high is None:
            expected = _("un nombre entier d'au moins {low}", low=low)
        else:
            expected = _("un nombre entier de {low} à {high}", low=low, high=high)
        raise argparse.ArgumentTypeError(
            _("{expected} attendu, pas « {value} »", expected=expected, value=text)
        )

    return convert


def _common() -> Parser:
    """Options accepted before or after the command name."""
    common = Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help=_("adresse de la base de données (sqlite:///fichier.db ou postgresql://…)"),
    )
    common.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help=_("langue de l'interface et des messages (fr par défaut)"),
    )
    return common


def profile_options() -> dict[str, tuple[str, str]]:
    """`comptoir profile --OPTION`: the profile field each option sets, and its help (in the
    current language)."""
    return {
        "name": ("name", _("nom du vendeur")),
        "address": ("address", _("adresse postale")),
        "email": ("email", _("mail des alertes de nouvelle commande")),
        "mobile": ("mobile", _("mobile des alertes SMS")),
        "iban": ("iban", _("IBAN des versements")),
        "siret": ("siret", _("SIRET (14 chiffres)")),
        "vat": ("vat_number", _("n° de TVA intracommunautaire")),
        "point-of-sale": ("point_of_sale", _("point d'activité")),
        "legal-form": ("legal_form", _("forme juridique, par exemple SARL, EI, SAS")),
        "share-capital": ("share_capital", _("capital social en euros")),
        "registry": ("registry", _("RCS ou RM et sa ville, par exemple « RCS Lyon »")),
        "registry-number": (
            "registry_number",
            _("numéro d'immatriculation (commence par le SIREN)"),
        ),
        "vat-regime": (
            "vat_regime",
            _("normal, ou franchise (franchise en base, art. 293 B du CGI)"),
        ),
        "vat-exemption": ("vat_exemption", _("le motif imprimé à côté des lignes à 0 %%")),
    }


def build_parser() -> Parser:
    """The parser of every command; `--help` works on each (built in the current language:
    run it inside `argparse_in_language` for argparse's own words)."""
    common = _common()
    parser = Parser(
        prog="comptoir",
        parents=[common],
        description=_("Comptoir : le back-office des commandes d'une boutique de quartier."),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"comptoir {__version__}",
        help=_("afficher la version et quitter"),
    )
    names = _metavars()
    month, number, file = _("AAAA-MM"), names["number"], names["files"]
    parser.add_argument("--month", metavar=month, help=_("ouvrir le calendrier sur ce mois"))
    parser.add_argument("--order", metavar=number, help=_("ouvrir cette commande"))
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("une base de démonstration jetable et une capture locale des mails"),
    )
    commands = parser.add_subparsers(dest="command", metavar=_("SOUS-COMMANDE"))

    def command(name: str, help_text: str) -> Parser:
        return commands.add_parser(name, parents=[common], help=help_text, description=help_text)

    p = command(
        "import", _("importer des commandes depuis des fichiers JSON (tout ou rien par fichier)")
    )
    p.add_argument("files", nargs="+", type=Path, metavar=file)

    p = command(
        "status",
        _("changer le statut d'une ou de plusieurs commandes (mêmes règles que l'interface)"),
    )
    p.add_argument("number", metavar=number, nargs="+", help=_("un ou plusieurs numéros"))
    p.add_argument(
        "status", metavar=names["status"], help=_("par exemple confirming, ready, cancelled")
    )
    p.add_argument("--reason", metavar=_("MOTIF"), help=_("pourquoi (obligatoire pour cancelled)"))
    p.add_argument(
        "--by",
        default=None,
        metavar=names["name"],
        help=_("membre de l'équipe qui fait le changement"),
    )

    p = command("profile", _("afficher le profil du vendeur, ou en changer des champs"))
    for option, (_field, text) in profile_options().items():
        if option == "vat-regime":
            p.add_argument(f"--{option}", choices=("normal", "franchise"), help=text)
        else:
            p.add_argument(f"--{option}", help=text)

    p = command("worker", _("faire tourner le notificateur seul"))
    p.add_argument(
        "--drain",
        action="store_true",
        help=_("attendre la fin des délais, envoyer, sortir avec 0 quand il ne reste rien"),
    )
    p.add_argument(
        "--batch",
        type=_whole_number(1),
        default=100,
        metavar="N",
        help=_("messages réservés à la fois, envoyés sur une connexion (100 par défaut)"),
    )

    p = command("staff", _("gérer la connexion de l'équipe"))
    p.add_argument("action", choices=("add", "list", "disable", "passwd"))
    p.add_argument("name", nargs="?", metavar=names["name"])

    p = command("pdf", _("écrire le PDF de la commande"))
    p.add_argument("number", metavar=number)
    p.add_argument("-o", "--output", type=Path, metavar=file)

    p = command("invoice", _("écrire la facture PDF de la commande (et son avoir si annulée)"))
    p.add_argument("number", nargs="?", metavar=number)
    p.add_argument("-o", "--output", type=Path, metavar=file)
    p.add_argument(
        "--month", metavar=month, help=_("chaque facture et avoir des commandes du mois")
    )
    p.add_argument(
        "--xml",
        action="store_true",
        help=_("écrire seulement le XML Factur-X de la facture (client professionnel)"),
    )

    p = command("export", _("écrire un mois de finances (commandes, versements, TVA par taux)"))
    p.add_argument("--month", required=True, metavar=month)
    p.add_argument(
        "--format",
        choices=("csv", "xlsx"),
        default="csv",
        help=_("csv (conventions des tableurs français, la TVA dans un -tva.csv à côté) ou xlsx"),
    )
    p.add_argument("-o", "--output", type=Path, metavar=file)

    p = command("serve", _("servir l'interface dans un navigateur"))
    p.add_argument("--host", default="127.0.0.1", help=_("adresse d'écoute (127.0.0.1 par défaut)"))
    p.add_argument("--port", type=_whole_number(1, 65535), default=8000)
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help=_("accepter un --host autre que local (un proxy inverse doit authentifier)"),
    )
    p.add_argument(
        "--public-url",
        metavar="URL",
        help=_(
            "l'adresse qu'ouvrent les navigateurs, par exemple https://comptoir.example "
            "(demande --allow-remote)"
        ),
    )

    p = command(
        "print",
        _(
            "imprimer sur les imprimantes du comptoir : un ticket de commande (imprimante à "
            "tickets), un bon de livraison, la liste de préparation, la facture et les avoirs, "
            "ou la commande (file CUPS)"
        ),
    )
    p.add_argument("kind", choices=("ticket", "slip", "picklist", "invoice", "order"))
    p.add_argument(
        "target",
        nargs="?",
        default="",
        metavar=_("NUMÉRO-ou-JOUR"),
        help=_(
            "un numéro de commande (facture : aussi F…/A…), ou un jour AAAA-MM-JJ : la liste "
            "de préparation du jour (par défaut aujourd'hui), ou chaque commande passée ce "
            "jour-là"
        ),
    )

    p = command(
        "service", _("point d'entrée d'intake + dossier de dépôt + notificateur, un processus")
    )
    p.add_argument("--host", default="127.0.0.1", help=_("adresse d'écoute (127.0.0.1 par défaut)"))
    p.add_argument(
        "--port",
        type=_whole_number(0, 65535),
        default=8470,
        help=_("port (8470 par défaut ; 0 : n'importe lequel de libre)"),
    )
    p.add_argument("--cert", type=Path, metavar=file, help=_("chaîne de certificats TLS (PEM)"))
    p.add_argument("--key", type=Path, metavar=file, help=_("sa clé privée (PEM)"))

    command(
        "doctor", _("vérifier la base de données, SMTP, Vonage, wkhtmltopdf et les imprimantes")
    )

    day = _("AAAA-MM-JJ")
    p = command("picklist", _("les produits à préparer, additionnés sur les commandes du jour"))
    p.add_argument(
        "--day", metavar=day, help=_("les commandes de ce jour (par défaut aujourd'hui)")
    )
    p.add_argument("--to", metavar=day, help=_("jusqu'à ce jour aussi (une période)"))
    p.add_argument("--format", choices=("text", "csv", "pdf"), default="text")
    p.add_argument("-o", "--output", type=Path, metavar=file)

    p = command(
        "remove-line", _("rupture de stock : retirer une ligne (ou une partie), la rembourser")
    )
    p.add_argument("number", metavar=number)
    p.add_argument(
        "line", metavar=names["line"], help=_("la position de la ligne depuis 1, ou son produit")
    )
    p.add_argument("--quantity", type=int, metavar="N", help=_("n'en retirer que N unités"))
    p.add_argument("--reason", required=True, help=_("pourquoi (dit au client)"))
    p.add_argument("--by", default=None, metavar=names["name"], help=_("membre de l'équipe"))
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

    from app.preparation.picklist import PickQuery, as_csv, as_pdf, as_text, pick_list

    first = _day(args.day) if args.day else datetime.now(config.tz).date()
    last = _day(args.to) if args.to else first
    if last < first:
        raise ComptoirError(_("--to doit venir après --day."))
    if args.output is not None:
        _not_the_database(args.output, config)
    _open(config)
    picks = pick_list(PickQuery(first=first, last=last), config=config)
    from app.documents.pdf import write_file

    if args.format == "pdf":
        data = as_pdf(picks)
        path = args.output or Path(f"preparation-{first.isoformat()}.pdf")
        print(write_file(path, data))
        return 0
    text = as_csv(picks) if args.format == "csv" else as_text(picks)
    if args.output:
        # A CSV file as the Finances export's: UTF-8 with a BOM, which spreadsheets read.
        encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
        print(write_file(args.output, text.encode(encoding)))
    else:
        sys.stdout.write(text)
    return 0


def _not_the_database(path: Path, config: Config) -> None:
    """Refuse an output file that is the SQLite database itself (or one of its side files):
    `-o` would replace the shop's records with the export."""
    url = config.resolved_database_url
    if not url.startswith("sqlite:///"):
        return
    database = Path(url.removeprefix("sqlite:///")).resolve()
    target = path.expanduser().resolve()
    if target in (database, *(Path(f"{database}{end}") for end in ("-wal", "-shm", "-journal"))):
        raise ComptoirError(
            _("{path} est la base de données : choisissez un autre fichier.", path=path)
        )


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
        field: getattr(args, option.replace("-", "_"))
        for option, (field, _help) in profile_options().items()
        if getattr(args, option.replace("-", "_")) is not None
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

    _open(config)
    open_log()  # the notifier's warnings: app.locations.log_file()
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

    service.check_service_config(config)
    tls = service.tls_context(args.cert, args.key)
    _open(config)
    service.configure_logging()
    open_log()

    def announce(line: str) -> None:
        print(line, flush=True)

    return asyncio.run(
        service.serve(config, host=args.host, port=args.port, tls=tls, announce=announce)
    )


def cmd_tui(args: argparse.Namespace, config: Config) -> int:
    import gc

    # Textual, the App and its screens are imported below: a few thousand classes and
    # functions that Python's collector would walk again and again (7 % of the imports' CPU
    # time). Paused until the first screen is painted: ComptoirApp.run_async says when.
    gc.disable()
    try:
        from app.tui.factory import run_tui

        return run_tui(config, month=args.month, order=args.order, demo=args.demo)
    finally:
        gc.enable()


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
    from app.documents.render import render_month, write_invoice_xml, write_order_documents
    from app.money.books import parse_month

    _pdf_timeout(config)
    if args.xml and not args.number:
        raise ComptoirError(_("--xml demande un numéro de commande."))
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
    if args.xml:
        print(write_invoice_xml(args.number, args.output))
        return 0
    for path in write_order_documents(args.number, args.output):
        print(path)
    return 0


def cmd_export(args: argparse.Namespace, config: Config) -> int:
    from app.money.books import export_csv, export_xlsx, parse_month, vat_path

    year, month = parse_month(args.month)
    _open(config)
    if args.format == "xlsx":
        print(export_xlsx(year, month, args.output, config=config))
        return 0
    path = export_csv(year, month, args.output, config=config)
    print(path)
    print(vat_path(path))
    return 0


def cmd_print(args: argparse.Namespace, config: Config) -> int:
    """Print, a line per document printed; exit 1 with one line at the first that did not."""
    from app.printing.jobs import plan, run_jobs

    _open(config)
    target = args.target
    if not target.strip() and args.kind == "picklist":  # the day's pick list: today's
        target = datetime.now(config.tz).date().isoformat()
    jobs = plan(args.kind, target, config)
    run_jobs(jobs, config, done=lambda line: print(line, flush=True))
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
    "print": cmd_print,
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


def _metavars() -> dict[str, str]:
    """The names of the positional arguments, in the current language."""
    return {
        "number": _("NUMÉRO"),
        "name": _("NOM"),
        "status": _("STATUT"),
        "files": _("FICHIER"),
        "line": _("LIGNE"),
    }


def check_arguments(args: argparse.Namespace) -> None:
    """Refuse a control character in any argument, before anything is opened or stored."""
    positionals = {} if args.command == "profile" else _metavars()  # profile: --name
    for dest, value in vars(args).items():
        label = positionals.get(dest) or f"--{dest.replace('_', '-')}"
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str | Path):
                check_text(str(item), label, newlines=dest == "address")


def early_language(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language of what is said before the configuration is read (argparse's refusals, a
    bad configuration): `--lang` on the command line, else COMPTOIR_LANG, else French."""
    for index, token in enumerate(argv):
        if token == "--":
            break
        name, equals, value = token.partition("=")
        if len(name) > 2 and "--lang".startswith(name):  # argparse accepts --lan, --la
            if not equals:
                value = argv[index + 1] if index + 1 < len(argv) else ""
            if value in LANGUAGES:
                return value
    value = environ.get("COMPTOIR_LANG", "").strip()
    return value if value in LANGUAGES else "fr"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    set_language(early_language(arguments, os.environ))
    with argparse_in_language():
        args = build_parser().parse_args(arguments)
    # Whatever this process creates (logs, caches, files of a library) is its owner's alone;
    # the database and documents get their group's access where set up (storage.files).
    from storage.files import PROCESS_UMASK

    os.umask(PROCESS_UMASK)
    try:
        config = load_config().with_overrides(
            database_url=getattr(args, "db", None), lang=getattr(args, "lang", None)
        )
        set_language(config.lang)
        from app.money.holidays import set_holiday_region

        set_holiday_region(config.holiday_region)
        check_arguments(args)
        return HANDLERS[args.command](args, config)
    except SHOWN as exc:
        print(f"comptoir: {printable(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"comptoir: {_('interrompu')}", file=sys.stderr)
        return 130
    except Exception as exc:  # the last net: one line, never a traceback for staff
        if os.environ.get("COMPTOIR_DEBUG"):
            raise
        known = plain_error(exc)
        if known is not None:
            print(f"comptoir: {printable(known)}", file=sys.stderr)
            return 1
        detail = _(
            "erreur inattendue : {kind} : {detail} (COMPTOIR_DEBUG=1 pour le détail)",
            kind=type(exc).__name__,
            detail=str(exc),
        )
        print(f"comptoir: {printable(detail)}", file=sys.stderr)
        return 70
