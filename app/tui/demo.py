"""`comptoir --demo`: a throwaway database holding a living shop.

`seed_demo` writes months of realistic orders through the real intake and the real status
rules (so history, invoices and the outbox are what production would hold);
`demo_environment` makes the temporary folder, seeds it and removes it afterwards.
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from app.config import Config
from app.i18n import _
from app.intake.files import import_files, normalise_mobile, parse_document, record_order
from app.messages.states import NotificationState as N
from app.orders.rules import change_status
from app.orders.statuses import OrderStatus
from app.shop.profile import save_profile
from storage.db import open_database, write_transaction
from storage.models import Notification

S = OrderStatus

FIRST_NAMES = (
    "Camille", "Hugo", "Léa", "Lucas", "Chloé", "Louis", "Manon", "Gabriel", "Inès", "Jules",
    "Sarah", "Arthur", "Emma", "Raphaël", "Zoé", "Nathan", "Jeanne", "Théo", "Alice", "Paul",
    "Élodie", "Mathis", "Anaïs", "Noé", "Clémence", "Yanis", "Margaux", "Éloïse", "Bastien",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
)  # fmt: skip
STREETS = (
    "rue des Lilas", "place Bellecour", "cours Gambetta", "rue de la République",
    "montée de la Grande-Côte", "quai Saint-Antoine", "rue Mercière", "avenue Jean-Jaurès",
    "rue du Bât-d'Argent", "boulevard de la Croix-Rousse", "rue Victor-Hugo", "rue Paul-Bert",
)  # fmt: skip
POSTCODES = ("69001", "69002", "69003", "69004", "69005", "69006", "69007", "69008")
# (product, category, unit price, VAT rate)
PRODUCTS = (
    ("Thé de Noël", "Thé", "8.50", "5.50"),
    ("Thé vert Sencha", "Thé", "7.90", "5.50"),
    ("Earl Grey impérial", "Thé", "9.20", "5.50"),
    ("Rooibos vanille", "Thé", "6.80", "5.50"),
    ("Infusion verveine", "Infusion", "5.40", "5.50"),
    ("Tisane tilleul-menthe", "Infusion", "4.90", "5.50"),
    ("Café d'Éthiopie moulu", "Café", "11.50", "5.50"),
    ("Café du Brésil en grains", "Café", "12.90", "5.50"),
    ("Confiture de figues", "Épicerie", "6.20", "5.50"),
    ("Miel de lavande", "Épicerie", "9.80", "5.50"),
    ("Chocolat noir 70 %", "Épicerie", "4.60", "5.50"),
    ("Sablés bretons", "Épicerie", "3.90", "5.50"),
    ("Calissons d'Aix", "Épicerie", "14.50", "5.50"),
    ("Coffret découverte", "Coffrets", "29.90", "5.50"),
    ("Théière en fonte", "Accessoires", "42.00", "20.00"),
    ("Boule à thé inox", "Accessoires", "5.50", "20.00"),
    ("Tasse en grès", "Accessoires", "12.00", "20.00"),
    ("Carte cadeau", "Cartes", "25.00", "0.00"),
    ("Sirop d'orgeat", "Épicerie", "7.40", "5.50"),
    ("Jus de pomme artisanal", "Boissons", "3.80", "5.50"),
    ("Vin chaud aux épices (kit)", "Boissons", "13.90", "20.00"),
)  # fmt: skip
SELLERS = ("Point d'activité", "Boutique Croix-Rousse")
SLOTS = ("samedi 10h-12h", "mercredi 16h-19h", "vendredi 17h-19h", "mardi 9h-12h")
REASONS = (
    "Produit en rupture de stock",
    "Demande du client",
    "Client injoignable",
    "Adresse de livraison incorrecte",
)
STAFF = ("Sophie", "Marc", "Nadia")
SHOP_ID = "c1f882001c"
DEMO_PROFILE = {
    "name": "Thés & Merveilles",
    "address": "12 rue Mercière, 69002 Lyon",
    "email": "boutique@thes-merveilles.example.org",
    "mobile": "+33612345678",
    "point_of_sale": "Boutique de la Presqu'île",
    "siret": "10000000910008",  # made up, with valid check digits
    "vat_number": "FR88100000009",
    "iban": "FR7630006000011234567890189",  # the usual French example IBAN
}


def _mobile(rng: random.Random) -> str:
    while True:  # not every 06 number is allocated; keep those the numbering plan accepts
        candidate = f"+336{rng.randint(10_000_000, 99_999_999)}"
        try:
            return normalise_mobile(candidate)
        except ValueError:
            continue


def _order_doc(rng: random.Random, placed: datetime, index: int) -> dict[str, Any]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    email_name = f"{first}.{last}".lower()
    for accented, plain in (("é", "e"), ("è", "e"), ("ë", "e"), ("ï", "i"), ("ç", "c")):
        email_name = email_name.replace(accented, plain)
    address = f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {rng.choice(POSTCODES)} Lyon"
    lines: list[dict[str, Any]] = []
    for product, category, price, rate in rng.sample(PRODUCTS, rng.choice((1, 1, 2, 2, 3, 4))):
        lines.append(
            {
                "product": product,
                "category": category,
                "seller": rng.choice(SELLERS),
                "unit_price": price,
                "quantity": rng.choice((1, 1, 1, 2, 3)),
                "vat_rate": rate,
            }
        )
    goods = sum((Decimal(line["unit_price"]) * line["quantity"] for line in lines), Decimal(0))
    delivery = rng.random() < 0.45
    fee = Decimal("0.00") if not delivery or goods >= 60 else Decimal("4.90")
    customer: dict[str, Any] = {
        "name": f"{first} {last}",
        "email": f"{email_name}@example.org",
        "address": address,
    }
    if rng.random() < 0.7:
        customer["mobile"] = _mobile(rng)
    return {
        "number": f"{int(placed.timestamp()):08x}-{SHOP_ID}-{rng.randrange(16**6):06x}-"
        f"{index % 1000:03d}",
        "placed_at": placed.isoformat(),
        "customer": customer,
        "fulfilment": {
            "mode": "delivery" if delivery else "pickup",
            "details": address if delivery else f"Retrait en boutique, {rng.choice(SLOTS)}",
            "shipping_fee": str(fee),
        },
        "lines": lines,
        "total": str(goods + fee),
        "payment": "ok",
    }


def _target(rng: random.Random, age_days: int) -> tuple[OrderStatus, str | None]:
    """Where an order of that age stands: old ones are done, recent ones in progress."""
    roll = rng.random()
    if roll < 0.06:
        return S.CANCELLED, rng.choice(REASONS)
    if age_days > 6:
        return (S.FINISHED if roll < 0.97 else S.READY), None
    flow = (S.REGISTERED, S.CONFIRMING, S.PROCESSING, S.READY, S.IN_DELIVERY, S.FINISHED)
    return flow[min(len(flow) - 1, int(rng.random() * (8 - age_days)))], None


def seed_demo(
    config: Config,
    *,
    months: int = 6,
    per_day: tuple[int, int] = (3, 12),
    today: date | None = None,
    seed: int = 2021,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write `months` of orders up to `today` into the open database; the number written.

    Also imports the user's own January 2021 orders (app/data/seed-orders.json).
    """
    rng = random.Random(seed)
    tz = config.tz
    now = datetime.now(tz)
    if today is None:
        today = now.date()
    elif today < now.date():
        now = datetime.combine(today + timedelta(days=1), time(0), tz)  # a past "today": all of it
    start = today - timedelta(days=30 * months)
    docs: list[dict[str, Any]] = []
    day = start
    while day <= today:
        count = rng.randint(*per_day) // (2 if day.weekday() == 6 else 1)
        for _n in range(count):
            hour = rng.randint(8, 21)
            local = datetime.combine(day, time(hour, rng.randint(0, 59), rng.randint(0, 59)), tz)
            if local < now:  # today's orders so far only
                docs.append(_order_doc(rng, local, len(docs)))
        day += timedelta(days=1)
    rng.choice(docs[-40:])["payment"] = "failed"  # one failed payment, recently
    drafts = parse_document(docs)
    # A complete seller first, so that each order's invoice is issued when it was placed (an
    # incomplete one would leave them all waiting, then issue them today: the month's VAT
    # would hold six months of sales). The messages of the past are marked sent below.
    save_profile(**DEMO_PROFILE)
    with write_transaction():  # one commit: seeding takes seconds, not minutes
        _write(config, rng, drafts, today, progress)
    seed_file = resources.files("app") / "data" / "seed-orders.json"
    with resources.as_file(seed_file) as path:
        import_files([Path(path)], config=config)
    return len(drafts)


def _write(
    config: Config,
    rng: random.Random,
    drafts: list[Any],
    today: date,
    progress: Callable[[int, int], None] | None,
) -> None:
    tz = config.tz
    for draft in drafts:
        # Each order arrives when it was placed: its "Commande Enregistrée" comes first in
        # its history, and its registration mail is due before any status mail.
        # (A fresh database: no number is known yet, so no need for import_drafts' checks.)
        record_order(draft, config=config, now=_utc(draft.placed_at))
    flow = (S.CONFIRMING, S.PROCESSING, S.READY, S.IN_DELIVERY, S.FINISHED)
    for done, draft in enumerate(drafts, start=1):
        if progress is not None and (done % 25 == 0 or done == len(drafts)):
            progress(done, len(drafts))
        if draft.payment == "failed":
            continue
        age = (today - draft.placed_at.astimezone(tz).date()).days
        target, reason = _target(rng, age)
        moment = _utc(draft.placed_at)
        steps = [] if target is S.REGISTERED else list(flow)
        if target is S.CANCELLED:
            steps = [*flow[: rng.randint(0, 2)], S.CANCELLED]
        elif target in flow:
            steps = list(flow[: flow.index(target) + 1])
            if target is S.FINISHED and (age > 10 or rng.random() < 0.3):
                # Staff often close old orders in one go (and it keeps seeding quick).
                steps = [S.FINISHED] if age > 10 else [S.PROCESSING, S.FINISHED]
        for status in steps:
            moment += timedelta(
                hours=rng.randint(1, 20) if age > 1 else 0, minutes=rng.randint(5, 50)
            )
            change_status(
                draft.number,
                status,
                config=config,
                by=rng.choice(STAFF),
                reason=reason if status is S.CANCELLED else None,
                now=min(moment, datetime.now(UTC).replace(tzinfo=None)),
            )
    # Messages of the past are long sent; only the last day's still wait in the outbox.
    recent = datetime.combine(today - timedelta(days=1), time(0))
    Notification.update(state=N.SENT, sent_at=Notification.due_at).where(
        (Notification.due_at < recent) & (Notification.state == N.PENDING)
    ).execute()


def _utc(moment: datetime) -> datetime:
    """`moment` as the naive UTC the database stores."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def _show_progress(done: int, total: int) -> None:
    text = _("Préparation de la boutique de démonstration… {done}/{total}", done=done, total=total)
    print(f"\rcomptoir: {text}", end="", file=sys.stderr, flush=True)


def demo_maildir(config: Config) -> Path:
    """Where `demo_environment` captures the demo's mails: a Maildir beside its database."""
    return Path(config.database_url.removeprefix("sqlite:///")).parent / "Maildir"


@contextmanager
def demo_environment(
    config: Config, *, today: date | None = None, months: int = 6
) -> Iterator[Config]:
    """A seeded throwaway database and a local mail capture (aiosmtpd writing a Maildir) in a
    temporary folder; yields the config to run with (its `smtp_url` is the capture's)."""
    from app.messages.capture import MailCapture

    folder = Path(tempfile.mkdtemp(prefix="comptoir-demo-"))
    demo_config = replace(config, database_url=f"sqlite:///{folder / 'demo.sqlite3'}")
    announce = _(
        "base de démonstration dans {folder}, mails capturés dans {maildir} (effacés en sortant)",
        folder=folder,
        maildir=folder / "Maildir",
    )
    print(f"comptoir: {announce}", file=sys.stderr)
    try:
        with MailCapture(demo_maildir(demo_config)) as smtp_url:
            demo_config = replace(demo_config, smtp_url=smtp_url)
            open_database(demo_config.resolved_database_url, timezone=demo_config.timezone)
            seed_demo(demo_config, today=today, months=months, progress=_show_progress)
            print(file=sys.stderr)
            yield demo_config
    finally:
        shutil.rmtree(folder, ignore_errors=True)
