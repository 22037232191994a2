"""What the first screen's start imports: the App and the Commandes screen, not the libraries
only a later key needs (the benchmark bench/startup.py measures the time; this keeps the
cuts from coming back unnoticed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Loaded later, each by what needs it: the senders when the notifier starts (a second after
# the first paint), the profile's IBAN and mail checks with the order or profile screen,
# the phone numbers with the first search, python-escpos with the first ticket.
LATER = ("aiosmtplib", "email_validator", "schwifty", "phonenumbers", "escpos", "babel")

IMPORTS = (
    "import sys\n"
    "import app.cli, app.tui.factory, app.tui.app, screens.commandes\n"
    "import app.messages.outbox, app.shop.staff, storage.watch\n"
    f"print(sorted(m for m in {LATER!r} if m in sys.modules))\n"
)


def test_the_first_screen_does_not_import_what_later_keys_need(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", IMPORTS],
        capture_output=True,
        text=True,
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "COMPTOIR_HOME": str(tmp_path)},
        check=True,
    )
    assert done.stdout.strip() == "[]"


def test_the_senders_still_raise_the_shared_delivery_errors() -> None:
    # The marketplace raises them without importing the senders; the notifier catches them
    # as raised by either: one class each, wherever it is imported from.
    from app.messages import delivery, marketplace, senders

    assert senders.DeliveryError is delivery.DeliveryError is marketplace.DeliveryError
    assert senders.NotConfigured is delivery.NotConfigured is marketplace.NotConfigured
