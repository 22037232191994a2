"""Configuration: a TOML file overridden by `COMPTOIR_*` environment variables.

Read once at start (CLI or App factory) and passed down; nothing deep inside a screen reads
the environment.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from typing import Any
from urllib.parse import ParseResult, parse_qs, urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app import locations
from app.errors import ConfigError
from app.i18n import _
from app.orders.statuses import DEFAULT_NOTIFY, OrderStatus
from app.text import forbidden_character, printable, refusal

LANGUAGES = ("fr", "en")

# (TOML key, environment variable) for each plain string setting.
_STRING_SETTINGS = {
    "database_url": "COMPTOIR_DATABASE_URL",
    "smtp_url": "COMPTOIR_SMTP_URL",
    "mail_from": "COMPTOIR_MAIL_FROM",
    "vonage_api_key": "COMPTOIR_VONAGE_API_KEY",
    "vonage_api_secret": "COMPTOIR_VONAGE_API_SECRET",
    "vonage_sms_from": "COMPTOIR_VONAGE_SMS_FROM",
    "vonage_rest_host": "COMPTOIR_VONAGE_REST_HOST",
    "lang": "COMPTOIR_LANG",
    "timezone": "COMPTOIR_TIMEZONE",
    "theme": "COMPTOIR_THEME",
    "printer": "COMPTOIR_PRINTER",
    "cups_server": "COMPTOIR_CUPS_SERVER",
    "receipt_printer": "COMPTOIR_RECEIPT_PRINTER",
    "holiday_region": "COMPTOIR_HOLIDAY_REGION",
    "intake_secret": "COMPTOIR_INTAKE_SECRET",
    "intake_dir": "COMPTOIR_INTAKE_DIR",
    "marketplace_url": "COMPTOIR_MARKETPLACE_URL",
    "marketplace_secret": "COMPTOIR_MARKETPLACE_SECRET",
}
_NUMBER_SETTINGS = {
    "undo_seconds": "COMPTOIR_UNDO_SECONDS",
    "idle_lock_minutes": "COMPTOIR_IDLE_LOCK_MINUTES",
    "notify_lease_seconds": "COMPTOIR_NOTIFY_LEASE_SECONDS",
    "notify_retry_seconds": "COMPTOIR_NOTIFY_RETRY_SECONDS",
    "pickup_reminder_days": "COMPTOIR_PICKUP_REMINDER_DAYS",
    "pickup_cancel_days": "COMPTOIR_PICKUP_CANCEL_DAYS",
    "pdf_timeout_seconds": "COMPTOIR_PDF_TIMEOUT_SECONDS",
}
# The preparation day (issue 13): how long each status may last before an order is late
# (seconds), the statuses the pick list gathers, and the shop's opening hours per weekday
# (Monday is 0) inside which pickup reminders go.
_S = OrderStatus
DEFAULT_TIMERS: Mapping[OrderStatus, float] = {
    _S.REGISTERED: 15 * 60.0,
    _S.CONFIRMING: 3600.0,
    _S.PROCESSING: 4 * 3600.0,
    _S.READY: 3 * 86400.0,
}
DEFAULT_PICKLIST = (_S.REGISTERED, _S.CONFIRMING, _S.PROCESSING)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OpeningHours = Mapping[int, tuple[time, time]]
DEFAULT_OPENING: OpeningHours = {day: (time(9), time(19)) for day in range(6)}
_BYTES_SETTINGS = {"intake_max_bytes": "COMPTOIR_INTAKE_MAX_BYTES"}


@dataclass(frozen=True)
class NotifyRule:
    """Which messages a status sends to the customer."""

    mail: bool
    sms: bool


def _default_rules() -> dict[OrderStatus, NotifyRule]:
    return {s: NotifyRule(mail=s in DEFAULT_NOTIFY, sms=s in DEFAULT_NOTIFY) for s in OrderStatus}


@dataclass(frozen=True)
class Config:
    """Everything configurable, already validated."""

    database_url: str = ""
    smtp_url: str = ""
    mail_from: str = "comptoir@localhost"
    vonage_api_key: str = ""
    vonage_api_secret: str = ""
    vonage_sms_from: str = "Comptoir"
    vonage_rest_host: str = ""
    lang: str = "fr"
    timezone: str = "Europe/Paris"
    theme: str = ""
    # Printing (issue 14): the CUPS queue of full pages, the CUPS server if not the one the
    # CUPS tools use by default (host:port or a socket path), and the receipt printer.
    printer: str = ""
    cups_server: str = ""
    receipt_printer: str = ""
    # A French subdivision of the `holidays` package ('57', '6AE', '974', …, or 'Corse'),
    # canonical once validated; '' is metropolitan France.
    holiday_region: str = ""
    undo_seconds: float = 20.0
    idle_lock_minutes: float = 10.0
    # The notifier: how long a claimed message stays reserved to one notifier, and the
    # first delay before retrying a temporary failure (doubled at each attempt).
    notify_lease_seconds: float = 120.0
    notify_retry_seconds: float = 30.0
    # The longest one wkhtmltopdf may take on a document before it is stopped.
    pdf_timeout_seconds: float = 60.0
    sms_enabled: bool = True
    # The intake service (`comptoir service`): the marketplace's Standard Webhooks secrets
    # (`whsec_…`, two space-separated during a rotation), the largest body it reads, and the
    # drop folder; and where status changes are sent back (both or neither).
    intake_secret: str = ""
    intake_max_bytes: int = 1_048_576
    intake_dir: str = ""
    marketplace_url: str = ""
    marketplace_secret: str = ""
    notify: Mapping[OrderStatus, NotifyRule] = field(default_factory=_default_rules)
    timers: Mapping[OrderStatus, float] = field(default_factory=lambda: dict(DEFAULT_TIMERS))
    picklist_statuses: tuple[OrderStatus, ...] = DEFAULT_PICKLIST
    pickup_reminder_days: float = 2.0
    pickup_cancel_days: float = 7.0
    pickup_reminder_sms: bool = True
    opening_hours: OpeningHours = field(default_factory=lambda: dict(DEFAULT_OPENING))
    # `[keymap] order-status = "ctrl+s"`: binding id → key(s), comma-separated. The ids and
    # clashes are checked against the screens when the App is built (app/tui/keys.py).
    keymap: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # 'Alsace' and '6ae' are kept as '6AE': the calendar and the VAT rates use the code.
        if self.holiday_region:
            object.__setattr__(self, "holiday_region", resolve_holiday_region(self.holiday_region))

    @property
    def tz(self) -> ZoneInfo:
        """The shop's timezone."""
        return ZoneInfo(self.timezone)

    @property
    def marketplace_enabled(self) -> bool:
        """True when status changes are sent back to the marketplace."""
        return bool(self.marketplace_url and self.marketplace_secret)

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{locations.default_database_path()}"

    def with_overrides(self, **values: Any) -> Config:
        """A copy with command-line values applied (None means 'not given'), validated."""
        given = {k: v for k, v in values.items() if v is not None}
        updated = replace(self, **given)
        _validate(updated)
        return updated


def load_config(environ: Mapping[str, str] | None = None, path: Path | None = None) -> Config:
    """Read the TOML file (if any) then the environment; raise ConfigError on a bad value."""
    env = os.environ if environ is None else environ
    if path is None:
        explicit = env.get("COMPTOIR_CONFIG")
        path = Path(explicit) if explicit else locations.config_file()
    values: dict[str, Any] = {}
    if path.exists():
        import tomllib  # only when there is a file to read (most starts have none)

        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(
                _(
                    "{path} : fichier TOML invalide ({detail}).",
                    path=printable(str(path)),
                    detail=printable(str(exc)),
                )
            ) from None
        values.update(_from_toml(raw, path))
    elif env.get("COMPTOIR_CONFIG"):
        raise ConfigError(
            _("COMPTOIR_CONFIG : fichier introuvable : {path}", path=printable(str(path)))
        )
    for key, var in _STRING_SETTINGS.items():
        if var in env:
            values[key] = _string(var, env[var])
    for key, var in _NUMBER_SETTINGS.items():
        if var in env:
            values[key] = _number(var, env[var])
    for key, var in _BYTES_SETTINGS.items():
        if var in env:
            values[key] = _bytes(var, env[var])
    config = Config(**values)
    _validate(config)
    return config


def _from_toml(raw: dict[str, Any], path: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    known = set(_STRING_SETTINGS) | set(_NUMBER_SETTINGS) | set(_BYTES_SETTINGS)
    known |= {"sms_enabled", "notify", "keymap"}
    known |= {"timers", "picklist_statuses", "pickup_reminder_sms", "opening_hours"}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(
                _(
                    "{path} : réglage inconnu « {key} ».",
                    path=printable(str(path)),
                    key=printable(str(key)),
                )
            )
        if key in _STRING_SETTINGS:
            if not isinstance(value, str):
                raise _wrong_type(path, key, value, _("du texte entre guillemets"))
            values[key] = _string(f"{path} : {key}", value)
        elif key in _NUMBER_SETTINGS:
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise _wrong_type(path, key, value, _("un nombre (sans guillemets)"))
            values[key] = _number(f"{path} : « {key} »", str(value))
        elif key in _BYTES_SETTINGS:
            values[key] = _bytes(f"{path} : « {key} »", str(value))
        elif key in ("sms_enabled", "pickup_reminder_sms"):
            if not isinstance(value, bool):
                raise _wrong_type(path, key, value, _("true ou false (sans guillemets)"))
            values[key] = value
        elif key == "timers":
            values[key] = _timers(value, path)
        elif key == "picklist_statuses":
            values[key] = _statuses(value, path)
        elif key == "opening_hours":
            values[key] = _opening_hours(value, path)
        elif key == "keymap":
            values[key] = _keymap(value, path)
        else:
            values[key] = _notify_rules(value, path)
    return values


def _keymap(value: Any, path: Path) -> dict[str, str]:
    """`[keymap] order-status = "ctrl+s"`: each value one key or keys separated by commas."""
    if not isinstance(value, dict):
        raise ConfigError(
            _(
                '{path} : « keymap » doit être une table de raccourcis (identifiant = "touche").',
                path=printable(str(path)),
            )
        )
    keymap: dict[str, str] = {}
    for binding_id, keys in value.items():
        if not isinstance(keys, str):
            raise ConfigError(
                _(
                    '{path} : keymap.{binding} : une touche attendue, par exemple "ctrl+s".',
                    path=printable(str(path)),
                    binding=printable(str(binding_id)),
                )
            )
        parts = [part.strip() for part in keys.split(",")]
        if not all(parts) or any(" " in part for part in parts):
            raise ConfigError(
                _(
                    "{path} : keymap.{binding} : des touches séparées par des virgules "
                    "attendues, pas « {keys} ».",
                    path=printable(str(path)),
                    binding=printable(str(binding_id)),
                    keys=printable(keys),
                )
            )
        keymap[binding_id] = ",".join(parts)
    return keymap


def _notify_rules(value: Any, path: Path) -> dict[OrderStatus, NotifyRule]:
    """`[notify.ready] mail = true, sms = false` overrides the spec's default table."""
    if not isinstance(value, dict):
        raise ConfigError(
            _(
                "{path} : « notify » doit être une table de statuts ([notify.ready]…).",
                path=printable(str(path)),
            )
        )
    rules = _default_rules()
    for status_key, rule in value.items():
        try:
            status = OrderStatus(status_key)
        except ValueError:
            raise ConfigError(
                _(
                    "{path} : notify : statut inconnu « {status} » (par exemple ready, cancelled).",
                    path=printable(str(path)),
                    status=printable(str(status_key)),
                )
            ) from None
        if not isinstance(rule, dict) or not set(rule) <= {"mail", "sms"}:
            raise ConfigError(
                _(
                    "{path} : notify.{status} : mail = true/false et sms = true/false attendus.",
                    path=printable(str(path)),
                    status=printable(str(status_key)),
                )
            )
        for channel, flag in rule.items():
            if not isinstance(flag, bool):  # "false" in quotes is a string, and true to bool()
                raise _wrong_type(
                    path,
                    f"notify.{status_key}.{channel}",
                    flag,
                    _("true ou false (sans guillemets)"),
                )
        current = rules[status]
        rules[status] = NotifyRule(
            mail=rule.get("mail", current.mail), sms=rule.get("sms", current.sms)
        )
    return rules


_UNITS = {"s": 1, "min": 60, "m": 60, "h": 3600, "d": 86400, "j": 86400}


def _duration(name: str, value: Any) -> float:
    """A number of minutes, or a text with its unit: "15 min", "4 h", "3 d" (or "3 j")."""
    if isinstance(value, bool):
        raise ConfigError(f"{name}: expected minutes or a duration such as '4 h'")
    if isinstance(value, int | float):
        seconds = float(value) * 60
    else:
        text = str(value).strip().lower()
        number = text.rstrip("abcdefghijklmnopqrstuvwxyz").strip()
        unit = text[len(number) :].strip() or "min"
        if unit not in _UNITS:
            raise ConfigError(f"{name}: unknown unit in '{printable(str(value))}' (s, min, h, d)")
        seconds = _number(name, number) * _UNITS[unit]
    if not 0 < seconds < 10**8:
        raise ConfigError(f"{name}: must be a positive duration, got '{printable(str(value))}'")
    return seconds


def _timers(value: Any, path: Path) -> dict[OrderStatus, float]:
    """`[timers] registered = "15 min"`: the target duration of each status."""
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: 'timers' must be a table of statuses")
    timers = dict(DEFAULT_TIMERS)
    for key, duration in value.items():
        try:
            status = OrderStatus(key)
        except ValueError:
            raise ConfigError(f"{path}: timers: unknown status '{printable(str(key))}'") from None
        if duration in (0, "", "off", False):
            timers.pop(status, None)
        else:
            timers[status] = _duration(f"{path}: timers.{key}", duration)
    return timers


def _statuses(value: Any, path: Path) -> tuple[OrderStatus, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{path}: 'picklist_statuses' must be a list of statuses")
    try:
        return tuple(OrderStatus(str(item)) for item in value)
    except ValueError as exc:
        raise ConfigError(f"{path}: picklist_statuses: {printable(str(exc))}") from None


def _clock(name: str, text: str) -> time:
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ConfigError(f"{name}: expected HH:MM-HH:MM, got '{printable(text)}'") from None


def _opening_hours(value: Any, path: Path) -> dict[int, tuple[time, time]]:
    """`[opening_hours] mon = "09:00-19:00"`, `sun = "closed"`; days not named keep 9–19
    Monday to Saturday."""
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: 'opening_hours' must be a table of weekdays")
    hours = dict(DEFAULT_OPENING)
    for key, span in value.items():
        name = f"{path}: opening_hours.{printable(str(key))}"
        if key not in WEEKDAYS:
            raise ConfigError(f"{name}: unknown day (mon, tue, wed, thu, fri, sat, sun)")
        day = WEEKDAYS.index(key)
        if not isinstance(span, str):
            raise ConfigError(f'{name}: expected "HH:MM-HH:MM" or "closed"')
        if span.strip().lower() in ("", "closed", "fermé"):
            hours.pop(day, None)
            continue
        start, _sep, end = span.partition("-")
        opens, closes = _clock(name, start), _clock(name, end)
        if not opens < closes:
            raise ConfigError(f"{name}: opening must come before closing, got '{printable(span)}'")
        hours[day] = (opens, closes)
    return hours


_TOML_TYPES = {str: "texte", bool: "booléen", int: "nombre", float: "nombre", dict: "table"}


def _wrong_type(path: Path, key: str, value: Any, expected: str) -> ConfigError:
    """One line naming the key, what it must be and what it is (`mail = "false"`)."""
    given = _TOML_TYPES.get(type(value), type(value).__name__)
    return ConfigError(
        _(
            "{path} : « {key} » doit être {expected}, pas {given} ({value}).",
            path=printable(str(path)),
            key=printable(key),
            expected=expected,
            given=_(given),
            value=printable(repr(value) if isinstance(value, str) else str(value)),
        )
    )


def _string(name: str, value: str) -> str:
    """A string setting, stripped; a control character in it is refused."""
    char = forbidden_character(value)
    if char is not None:
        raise ConfigError(_("{what} : {why}.", what=printable(str(name)), why=refusal(char)))
    return value.strip()


def _number(name: str, text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise ConfigError(
            _(
                "{name} : un nombre de secondes attendu, pas « {value} ».",
                name=printable(name),
                value=printable(text),
            )
        ) from None
    if not 0 <= number < 10**7:
        raise ConfigError(
            _(
                "{name} : zéro ou un nombre positif attendu, pas « {value} ».",
                name=printable(name),
                value=printable(text),
            )
        )
    return number


# Corsica has the national holidays but VAT rates of its own (CGI art. 297).
_CORSICA = ("Corse", "Corsica", "20", "2A", "2B", "Corse-du-Sud", "Haute-Corse")


def resolve_holiday_region(text: str) -> str:
    """The canonical code of a region given by code or name ('Alsace' → '6AE'), or ConfigError
    listing the known ones. The `holidays` package is imported only when a region is given."""
    wanted = text.strip()
    if not wanted:
        return ""
    if wanted.casefold() in {name.casefold() for name in _CORSICA}:
        return "Corse"
    from holidays.countries.france import France

    names = {code.casefold(): code for code in France.subdivisions}
    names |= {alias.casefold(): code for alias, code in France.subdivisions_aliases.items()}
    code = names.get(wanted.casefold())
    if code is None:
        known = ", ".join(
            [*France.subdivisions, *(f"{a} ({c})" for a, c in France.subdivisions_aliases.items())]
        )
        raise ConfigError(
            f"unknown holiday_region '{wanted}': use one of {known}, Corse, "
            "or nothing for metropolitan France"
        )
    return code


def _bytes(name: str, text: str) -> int:
    try:
        return int(text.strip().replace("_", ""))
    except ValueError:
        raise ConfigError(
            _(
                "{name} : un nombre entier d'octets attendu, pas « {value} ».",
                name=name,
                value=printable(text),
            )
        ) from None


def check_smtp_url(url: str) -> tuple[ParseResult, bool]:
    """`COMPTOIR_SMTP_URL` parsed and whether it asks for STARTTLS (`?starttls=1`), or a
    ConfigError: smtp:// or smtps://, a host, a valid port, not smtps:// with STARTTLS."""
    parsed = urlparse(url)
    if parsed.scheme not in ("smtp", "smtps") or not parsed.hostname:
        raise ConfigError(
            _("COMPTOIR_SMTP_URL : une adresse smtp://utilisateur:mot-de-passe@hôte:port attendue.")
        )
    try:
        parsed.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ConfigError(_("COMPTOIR_SMTP_URL : numéro de port invalide.")) from None
    query = parse_qs(parsed.query)
    start_tls = query.get("starttls", ["0"])[-1].lower() in ("1", "true", "yes", "on")
    if parsed.scheme == "smtps" and start_tls:
        raise ConfigError(
            _("COMPTOIR_SMTP_URL : smtps:// chiffre déjà la connexion, retirez ?starttls=1.")
        )
    return parsed, start_tls


def _validate(config: Config) -> None:
    if config.lang not in LANGUAGES:
        raise ConfigError(
            _(
                "langue « {lang} » non prise en charge (fr ou en).",
                lang=printable(config.lang),
            )
        )
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            _(
                "fuseau horaire inconnu « {timezone} » (par exemple Europe/Paris).",
                timezone=printable(config.timezone),
            )
        ) from None
    if config.database_url:
        try:
            scheme = urlparse(config.database_url).scheme
        except ValueError as exc:  # an unclosed [IPv6 address
            from storage.db import redact

            raise ConfigError(
                _(
                    "adresse de base de données invalide : {url} ({detail})",
                    url=redact(config.database_url),
                    detail=exc,
                )
            ) from None
        if scheme not in ("sqlite", "postgresql", "postgres"):
            raise ConfigError(
                _(
                    "l'adresse de base de données doit commencer par sqlite:/// ou "
                    "postgresql://, pas « {scheme}: ».",
                    scheme=printable(scheme),
                )
            )
    if config.smtp_url:
        check_smtp_url(config.smtp_url)
    _validate_printers(config)
    _validate_intake(config)
    if config.vonage_rest_host and (
        "/" in config.vonage_rest_host or " " in config.vonage_rest_host
    ):
        raise ConfigError(_("COMPTOIR_VONAGE_REST_HOST : hôte[:port] attendu, sans https://."))


# CUPS refuses these in a queue name (lpadmin(8)): spaces, tabs, "/", "\\", "#" and quotes.
_QUEUE_NAME = re.compile(r"^[^\s/\\#'\"]{1,127}$")
_CUPS_SERVER = re.compile(r"^(/\S+|\[[0-9A-Fa-f:.]+\](:\d{1,5})?|[A-Za-z0-9.-]+(:\d{1,5})?)$")


def _validate_printers(config: Config) -> None:
    """The printers' settings, each refused with one French line naming its variable."""
    if config.printer and (
        not _QUEUE_NAME.match(config.printer) or not config.printer.isprintable()
    ):
        raise ConfigError(
            _(
                "COMPTOIR_PRINTER : « {value} » n'est pas un nom de file CUPS (sans espace, "
                "/, \\ ni #) ; voyez lpstat -p.",
                value=printable(config.printer),
            )
        )
    if config.cups_server and not _CUPS_SERVER.match(config.cups_server):
        raise ConfigError(
            _(
                "COMPTOIR_CUPS_SERVER : « {value} » invalide : attendu hôte[:port] "
                "(imprimantes.local:631) ou le chemin d'un socket (/run/cups/cups.sock).",
                value=printable(config.cups_server),
            )
        )
    if config.receipt_printer:
        # Imported only when a receipt printer is set: a plain module (no python-escpos).
        from app.printing import PrintError
        from app.printing.escpos import parse_receipt_url

        try:
            parse_receipt_url(config.receipt_printer)
        except PrintError as error:
            raise ConfigError(f"COMPTOIR_RECEIPT_PRINTER : {error}") from None


def _validate_intake(config: Config) -> None:
    """The intake and marketplace settings: one French line naming the variable."""
    from app import webhooks
    from app.i18n import _

    for var, value in (
        ("COMPTOIR_INTAKE_SECRET", config.intake_secret),
        ("COMPTOIR_MARKETPLACE_SECRET", config.marketplace_secret),
    ):
        if value:
            try:
                webhooks.decode_secrets(value)
            except ValueError:
                raise ConfigError(
                    _(
                        "{var} : un secret whsec_… attendu (base64 d'au moins {size} octets ; "
                        "deux séparés par une espace pendant une rotation).",
                        var=var,
                        size=webhooks.MIN_SECRET_BYTES,
                    )
                ) from None
    if not 1024 <= config.intake_max_bytes <= 1 << 30:
        raise ConfigError(
            _("COMPTOIR_INTAKE_MAX_BYTES : un nombre entier d'octets entre 1024 et 1073741824.")
        )
    if bool(config.marketplace_url) != bool(config.marketplace_secret):
        raise ConfigError(
            _(
                "COMPTOIR_MARKETPLACE_URL et COMPTOIR_MARKETPLACE_SECRET vont ensemble : "
                "donnez les deux, ou aucun."
            )
        )
    if config.marketplace_url:
        parsed = urlparse(config.marketplace_url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ConfigError(
                _("COMPTOIR_MARKETPLACE_URL : une adresse http(s)://hôte/chemin attendue.")
            )
