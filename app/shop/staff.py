"""Staff sign-in: members with argon2-hashed PINs or passwords, and throttled attempts.

With no staff member configured, sign-in is off and changes are recorded as the system's.
Failed attempts are counted in the database, so reconnecting over SSH does not reset them:
after 5 failures each further one locks the member for a wait that doubles (30 s, 60 s, …).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from app.clock import utcnow
from app.errors import ComptoirError, ValidationError
from app.i18n import _
from app.text import check_text, fold, forbidden_character, printable
from storage.db import write_transaction
from storage.models import Staff

if TYPE_CHECKING:
    from argon2 import PasswordHasher

FREE_ATTEMPTS = 5
FIRST_WAIT = timedelta(seconds=30)
MAX_WAIT = timedelta(hours=1)


@cache
def _hasher() -> PasswordHasher:
    # argon2 (a C library through cffi) is loaded by the first hash or check, not at start:
    # the TUI only asks `staff_enabled` before its first screen.
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A hash of nothing anyone knows: checked when the name is unknown, to take as long."""
    import secrets

    return _hasher().hash(secrets.token_hex(16))


def name_key(name: str) -> str:
    """What two names must not share: « Léa », « lea » and « LÉA » are one member."""
    return " ".join(fold(name).split())


@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in attempt; `wait` is set when the member is locked."""

    ok: bool
    message: str
    wait: timedelta | None = None
    name: str = ""  # the member's name as added (« Léa » when « lea » was typed)


def _check_name(name: str) -> str:
    name = check_text(name.strip(), _("Nom"))
    if not name or len(name) > 64 or any(not (c.isalnum() or c in " -_.'") for c in name):
        raise ValidationError(_("Nom invalide : lettres, chiffres, espace, - _ . ' (64 au plus)."))
    return name


def _check_secret(secret: str) -> str:
    if len(secret) < 4:
        raise ValidationError(_("Le code doit compter au moins 4 caractères."))
    return secret


def system_user() -> str:
    """Who made a change when nobody signs in: the account running Comptoir.

    Over SSH that is the account logged in to (the counter account of the README); in a
    terminal, the user's own. Intake and the notifier record "" instead (« système »).
    """
    import getpass
    import os

    try:
        import pwd

        user = pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        try:
            user = getpass.getuser()
        except OSError:
            return ""
    return user if forbidden_character(user) is None else printable(user)


def staff_enabled() -> bool:
    """True when at least one active member exists: the TUI then asks to sign in."""
    return Staff.select().where(Staff.disabled == False).exists()  # noqa: E712


def add(name: str, secret: str) -> Staff:
    """Create a member; refuses a name already taken, whatever its case and accents."""
    name = _check_name(name)
    hashed = _hasher().hash(_check_secret(secret))
    with write_transaction():
        taken = _find(name)
        if taken is not None:
            raise ValidationError(_("« {name} » existe déjà.", name=taken.name))
        return Staff.create(name=name, password_hash=hashed, created_at=utcnow())


def members() -> list[Staff]:
    """Every member, by name."""
    return list(Staff.select().order_by(Staff.name))


def _find(name: str, *, active_only: bool = False) -> Staff | None:
    """The member whose name folds like `name` (a shop has a handful: all are read)."""
    key = name_key(name)
    query = Staff.select()
    if active_only:
        query = query.where(Staff.disabled == False)  # noqa: E712
    for member in query:
        if name_key(member.name) == key:
            return member
    return None


def _get(name: str) -> Staff:
    member = _find(name)
    if member is None:
        raise ComptoirError(_("Aucun membre « {name} ».", name=name))
    return member


def disable(name: str) -> None:
    """Stop a member from signing in (history keeps their name)."""
    member = _get(name)
    Staff.update(disabled=True).where(Staff.id == member.id).execute()


def set_secret(name: str, secret: str) -> None:
    """Change a member's PIN or password; also lifts a lock and re-enables them."""
    member = _get(name)
    hashed = _hasher().hash(_check_secret(secret))
    Staff.update(password_hash=hashed, failed_attempts=0, locked_until=None, disabled=False).where(
        Staff.id == member.id
    ).execute()


def _wait_after(failures: int) -> timedelta:
    extra = failures - FREE_ATTEMPTS
    return min(FIRST_WAIT * (1 << max(extra, 0)), MAX_WAIT)  # doubled at each failure


def sign_in(name: str, secret: str, *, now: datetime | None = None) -> SignInResult:
    """Check a member's secret, counting failures; never says which of name or code was wrong."""
    now = now or utcnow()
    refused = _("Nom ou code incorrect.")
    from argon2.exceptions import InvalidHashError, VerificationError

    _dummy_hash()  # made once, before anything is timed
    with write_transaction():
        member = _find(name, active_only=True)
        if member is None or (member.locked_until and member.locked_until > now):
            # The same argon2 work as a real check: the time taken never tells whether a
            # name exists (0.2 ms against a quarter of a second otherwise), nor a lock.
            with contextlib.suppress(VerificationError, InvalidHashError):
                _hasher().verify(_dummy_hash(), secret)
        if member is None:
            return SignInResult(False, refused)
        if member.locked_until and member.locked_until > now:
            wait = member.locked_until - now
            seconds = int(wait.total_seconds()) + 1
            return SignInResult(False, _("Trop d'essais : réessayez dans {s} s.", s=seconds), wait)
        try:
            _hasher().verify(member.password_hash, secret)
        except (VerificationError, InvalidHashError):
            failures = member.failed_attempts + 1
            locked = now + _wait_after(failures) if failures >= FREE_ATTEMPTS else None
            Staff.update(failed_attempts=failures, locked_until=locked).where(
                Staff.id == member.id
            ).execute()
            if locked is not None:
                wait = locked - now
                return SignInResult(
                    False,
                    _("Trop d'essais : réessayez dans {s} s.", s=int(wait.total_seconds())),
                    wait,
                )
            return SignInResult(False, refused)
        Staff.update(failed_attempts=0, locked_until=None).where(Staff.id == member.id).execute()
        return SignInResult(True, _("Bonjour {name}.", name=member.name), name=member.name)
