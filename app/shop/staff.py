"""Staff sign-in: members with argon2-hashed PINs or passwords, and throttled attempts.

With no staff member configured, sign-in is off and changes are recorded as the system's.
Failed attempts are counted in the database, so reconnecting over SSH does not reset them:
after 5 failures each further one locks the member for a wait that doubles (30 s, 60 s, …).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from app.clock import utcnow
from app.errors import ComptoirError, ValidationError
from app.i18n import _
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


@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in attempt; `wait` is set when the member is locked."""

    ok: bool
    message: str
    wait: timedelta | None = None


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(not (c.isalnum() or c in " -_.'") for c in name):
        raise ValidationError(_("Nom invalide : lettres, chiffres, espace, - _ . ' (64 au plus)."))
    return name


def _check_secret(secret: str) -> str:
    if len(secret) < 4:
        raise ValidationError(_("Le code doit compter au moins 4 caractères."))
    return secret


def staff_enabled() -> bool:
    """True when at least one active member exists: the TUI then asks to sign in."""
    return Staff.select().where(Staff.disabled == False).exists()  # noqa: E712


def add(name: str, secret: str) -> Staff:
    """Create a member; refuses a name already taken."""
    name = _check_name(name)
    hashed = _hasher().hash(_check_secret(secret))
    with write_transaction():
        if Staff.select().where(Staff.name == name).exists():
            raise ValidationError(_("« {name} » existe déjà.", name=name))
        return Staff.create(name=name, password_hash=hashed, created_at=utcnow())


def members() -> list[Staff]:
    """Every member, by name."""
    return list(Staff.select().order_by(Staff.name))


def _get(name: str) -> Staff:
    member = Staff.get_or_none(Staff.name == name.strip())
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
    with write_transaction():
        member = Staff.get_or_none((Staff.name == name.strip()) & (Staff.disabled == False))  # noqa: E712
        if member is None:
            return SignInResult(False, refused)
        if member.locked_until and member.locked_until > now:
            wait = member.locked_until - now
            seconds = int(wait.total_seconds()) + 1
            return SignInResult(False, _("Trop d'essais : réessayez dans {s} s.", s=seconds), wait)
        from argon2.exceptions import InvalidHashError, VerificationError

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
        return SignInResult(True, _("Bonjour {name}.", name=member.name))
