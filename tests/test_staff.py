"""Staff sign-in: argon2 hashes, throttled attempts, and the `comptoir staff` commands."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.clock import utcnow
from app.errors import ValidationError
from app.shop import staff
from storage.models import Staff


def test_members_sign_in_with_their_code_only(db: str) -> None:
    assert not staff.staff_enabled()
    staff.add("Léa", "4321")
    assert staff.staff_enabled()
    assert Staff.get(Staff.name == "Léa").password_hash.startswith("$argon2")
    assert staff.sign_in("Léa", "4321").ok
    wrong = staff.sign_in("Léa", "0000")
    assert not wrong.ok and wrong.message == "Nom ou code incorrect."
    assert staff.sign_in("Personne", "4321").message == "Nom ou code incorrect."


def test_five_failures_then_a_wait_that_grows(db: str) -> None:
    staff.add("Marc", "secret")
    now = utcnow()
    results = [staff.sign_in("Marc", "bad", now=now) for _ in range(5)]
    assert [r.wait is None for r in results] == [True, True, True, True, False]
    assert results[-1].wait == timedelta(seconds=30)
    locked = staff.sign_in("Marc", "secret", now=now + timedelta(seconds=10))
    assert not locked.ok and "réessayez" in locked.message  # even the right code waits
    later = now + timedelta(seconds=31)
    sixth = staff.sign_in("Marc", "bad", now=later)
    assert sixth.wait == timedelta(seconds=60)
    assert staff.sign_in("Marc", "secret", now=later + timedelta(seconds=61)).ok
    assert Staff.get(Staff.name == "Marc").failed_attempts == 0


def test_disable_and_change_code(db: str) -> None:
    staff.add("Inès", "1111")
    staff.disable("Inès")
    assert not staff.sign_in("Inès", "1111").ok
    assert not staff.staff_enabled()
    staff.set_secret("Inès", "2222")
    assert staff.sign_in("Inès", "2222").ok


@pytest.mark.parametrize(
    ("name", "code"), [("", "1234"), ("a" * 65, "1234"), ("Léa", "12"), ("x<y", "1234")]
)
def test_bad_names_and_short_codes_are_refused(db: str, name: str, code: str) -> None:
    with pytest.raises(ValidationError):
        staff.add(name, code)


def test_a_name_is_taken_once(db: str) -> None:
    staff.add("Léa", "1234")
    with pytest.raises(ValidationError, match="existe déjà"):
        staff.add("Léa", "5678")


def test_the_staff_commands(run) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    assert "la connexion est désactivée" in run("staff", "list").stdout
    added = run("staff", "add", "Léa", input="4321\n")
    assert added.returncode == 0 and "Membre ajouté : Léa" in added.stdout
    assert run("staff", "list").stdout.strip() == "Léa\tactif"
    assert run("staff", "disable", "Léa").returncode == 0
    assert run("staff", "list").stdout.strip() == "Léa\tdésactivé"
    missing = run("staff", "disable", "Nobody")
    assert missing.returncode == 1 and "Aucun membre « Nobody »" in missing.stderr
    assert isinstance(added, subprocess.CompletedProcess)


def test_a_name_signs_in_whatever_its_case_and_accents(db: str) -> None:
    staff.add("Léa", "4321")
    for typed in ("lea", "LÉA", " Lea ", "léa"):
        result = staff.sign_in(typed, "4321")
        assert result.ok, typed
        assert result.name == "Léa"  # the history records the name as added
    staff.disable("lea")
    assert not staff.sign_in("Léa", "4321").ok
    staff.set_secret("LEA", "9999")
    assert staff.sign_in("lea", "9999").ok


@pytest.mark.parametrize("other", ["lea", "LÉA", "Léa", "Lea"])
def test_two_names_that_fold_alike_are_refused(db: str, other: str) -> None:
    staff.add("Léa", "1234")
    with pytest.raises(ValidationError, match="« Léa » existe déjà"):
        staff.add(other, "5678")
    assert [m.name for m in staff.members()] == ["Léa"]


def test_an_unknown_name_takes_as_long_as_a_known_one(db: str) -> None:
    """0.2 ms against 234 ms told which names exist; both now run one argon2 check."""
    import statistics
    import time

    staff.add("Léa", "4321")

    def median(name: str) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            assert not staff.sign_in(name, "0000").ok
            times.append(time.perf_counter() - start)
        Staff.update(failed_attempts=0, locked_until=None).execute()  # stay under the lock
        return statistics.median(times)

    median("Personne")  # warm up: argon2 loaded, the dummy hash made
    known, unknown = [], []
    for _ in range(2):  # in turns, so that a busy moment falls on both sides
        known.append(median("Léa"))
        unknown.append(median("Personne"))
    ratio = min(unknown) / min(known)
    print(f"known {min(known) * 1000:.1f} ms, unknown {min(unknown) * 1000:.1f} ms, {ratio:.2f}")
    assert ratio >= 0.5


def test_without_staff_a_change_names_the_account(run, seed_path) -> None:  # type: ignore[no-untyped-def]
    """Not « système » (automatic intake's word): the account that ran the command, or --by."""
    import getpass
    import sqlite3

    number = "5fec417c-c1f882001c-318c84-001"
    assert run("import", str(seed_path)).returncode == 0
    assert run("status", number, "confirming").returncode == 0
    assert run("status", number, "processing", "--by", "Eve").returncode == 0
    rows = sqlite3.connect(run.db).execute("select by, kind from status_change order by id")
    assert [row for row in rows if row[1] == "change"] == [
        (getpass.getuser(), "change"),
        ("Eve", "change"),
    ]
