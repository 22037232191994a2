"""SPEC §8 intake: strict validation, all or nothing per file, no doubles."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config import Config
from app.errors import IntakeError
from app.i18n import set_language
from app.intake.files import import_files, load_file
from app.orders.statuses import OrderStatus
from app.shop.profile import save_profile
from storage.models import Document, Notification, Order, OrderLine, StatusChange
from tests.docs_fixtures import PROFILE
from tests.factories import BASE, order_doc, write_json


def _snapshot() -> tuple[int, ...]:
    return tuple(
        m.select().count() for m in (Order, OrderLine, StatusChange, Notification, Document)
    )


def test_the_seed_imports_with_its_statuses_and_money(
    db: str, config: Config, seed_path: Path
) -> None:
    result = import_files([seed_path], config=config)
    assert len(result.imported) == 4
    assert result.failed_payment == ["601127e4-c1f882001c-63cc24-001"]
    assert (
        result.summary() == "4 commande(s) importée(s), 0 déjà connue(s), 1 en erreur de paiement."
    )
    first = Order.get(Order.number == "5fec417c-c1f882001c-318c84-001")
    assert first.total == Decimal("1.00") and first.shipping_fee == Decimal("0.00")
    assert first.fulfilment_mode == "pickup"
    assert first.placed_at.isoformat() == "2020-12-30T08:39:40"  # stored in UTC
    assert str(first.placed_day) == "2020-12-30"
    line = first.lines.get()
    assert (line.product, line.category, line.seller) == ("Thé de Noël", "Thé", "Point d'activité")
    assert (line.unit_price, line.quantity, line.rate, line.total) == (
        Decimal("1.00"),
        1,
        Decimal("20.00"),
        Decimal("1.00"),
    )
    assert Order.get(Order.number == "601127e4-c1f882001c-63cc24-001").status == OrderStatus.ERROR


def test_intake_owes_the_seller_and_the_customer_their_messages(
    db: str, config: Config, seed_path: Path
) -> None:
    import_files([seed_path], config=config)
    first = Order.get(Order.number == "5fec417c-c1f882001c-318c84-001")
    owed = {(n.audience, n.channel, n.template) for n in first.notifications}
    assert owed == {
        ("seller", "mail", "new_order"),
        ("customer", "mail", "status"),
        ("customer", "sms", "status"),
    }
    failed = Order.get(Order.number == "601127e4-c1f882001c-63cc24-001")
    assert failed.notifications.count() == 0  # "Erreur": no mail (SPEC §3)


def test_invoices_are_numbered_per_year_of_issue(db: str, config: Config, seed_path: Path) -> None:
    # Issued the day the orders reach Comptoir (05/01/2021), whatever their date of sale.
    save_profile(**PROFILE)
    import_files([seed_path], config=config, now=datetime(2021, 1, 5, 9))
    numbers = [d.number for d in Document.select().order_by(Document.id)]
    assert numbers == ["F2021-000001", "F2021-000002", "F2021-000003"]


def test_a_known_number_is_skipped_and_said(db: str, config: Config, seed_path: Path) -> None:
    import_files([seed_path], config=config)
    before = _snapshot()
    result = import_files([seed_path], config=config)
    assert result.imported == [] and len(result.skipped) == 4
    assert "déjà connue" in result.messages[0]
    assert _snapshot() == before


def test_one_object_or_a_list(db: str, config: Config, tmp_path: Path) -> None:
    single = write_json(tmp_path / "one.json", order_doc(number="A-1"))
    several = write_json(tmp_path / "many.json", [order_doc(number="A-2"), order_doc(number="A-3")])
    assert len(import_files([single, several], config=config).imported) == 3


def test_a_bad_file_changes_nothing_even_after_a_good_one(
    db: str, config: Config, tmp_path: Path
) -> None:
    good = write_json(tmp_path / "good.json", order_doc(number="G-1"))
    bad = write_json(
        tmp_path / "bad.json", [order_doc(number="B-1"), order_doc(number="B-2", total="9.99")]
    )
    with pytest.raises(IntakeError) as err:
        import_files([good, bad], config=config)
    assert str(err.value) == (
        f"{bad} : commande B-2 : champ total : vaut 9.99 mais les lignes et la livraison font 1.00"
    )
    assert _snapshot() == (0, 0, 0, 0, 0)


def test_the_refusal_is_said_in_english_with_lang_en(
    db: str, config: Config, tmp_path: Path
) -> None:
    bad = write_json(tmp_path / "bad.json", order_doc(number="B-2", total="9.99"))
    set_language("en")
    with pytest.raises(IntakeError) as err:
        import_files([bad], config=config)
    assert str(err.value) == (
        f"{bad}: order B-2: field total: is 9.99 but the lines and shipping add up to 1.00"
    )
    with pytest.raises(IntakeError) as err:
        load_file(write_json(tmp_path / "x.json", [order_doc(number="B-3", total="1,00")]))
    assert str(err.value).endswith(
        "order B-3: field total: amount must use a dot as decimal separator, like 12.50"
    )


def _bad(path: str, value: Any) -> dict[str, Any]:
    doc = json.loads(json.dumps(BASE))
    target = doc
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    last = keys[-1]
    if value is KeyError:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return doc


REFUSALS = [
    ("total", 1.0, "champ total : doit être un montant écrit en chaîne"),
    ("total", "1,00", "champ total : le séparateur décimal doit être un point"),
    ("total", "-1.00", "champ total : montant négatif"),
    ("total", "1.001", "champ total : plus de 2 décimales"),
    ("lines.0.unit_price", "NaN", "champ lines[0].unit_price : pas un nombre décimal simple"),
    ("lines.0.quantity", 0, "champ lines[0].quantity : doit être un nombre entier de 1 à"),
    ("lines.0.quantity", "1", "champ lines[0].quantity : doit être un nombre entier"),
    ("lines.0.quantity", True, "champ lines[0].quantity : doit être un nombre entier"),
    (
        "lines.0.vat_rate",
        "19.60",
        "champ lines[0].vat_rate : le taux de TVA 19.60 n'est pas l'un de",
    ),
    ("lines.0.vat_rate", 20, "champ lines[0].vat_rate : doit être une chaîne"),
    ("lines.0.product", "", "champ lines[0].product : ne doit pas être vide"),
    ("lines.0.color", "red", "champ lines[0].color : n'est pas un champ connu"),
    ("lines", [], "champ lines : doit être une liste non vide"),
    ("customer.email", "not-an-email", "champ customer.email : n'est pas une adresse mail valide"),
    ("customer.mobile", "+33 1 23 45 67 89", "champ customer.mobile : pas un numéro de mobile"),
    ("customer.mobile", "06 12", "champ customer.mobile : pas un numéro de téléphone"),
    ("customer.name", KeyError, "champ customer.name : manque"),
    ("fulfilment.mode", "drone", "champ fulfilment.mode : doit être « pickup » ou « delivery »"),
    ("fulfilment.shipping_fee", "abc", "champ fulfilment.shipping_fee : pas un nombre décimal"),
    ("placed_at", "2021-01-18T16:05:12", "champ placed_at : doit donner son décalage UTC"),
    ("placed_at", "yesterday", "champ placed_at : doit être une date et une heure ISO 8601"),
    ("payment", "maybe", "champ payment : doit être « ok » ou « failed »"),
    ("extra", 1, "champ extra : n'est pas un champ connu"),
]


@pytest.mark.parametrize(
    ("path", "value", "message"), REFUSALS, ids=[f"{p}={v!r}" for p, v, _ in REFUSALS]
)
def test_each_bad_field_is_refused_with_file_order_and_field(
    db: str, config: Config, tmp_path: Path, path: str, value: Any, message: str
) -> None:
    file = write_json(tmp_path / "in.json", [order_doc(number="OK-1"), _bad(path, value)])
    with pytest.raises(IntakeError) as err:
        import_files([file], config=config)
    text = str(err.value)
    assert text.startswith(f"{file} : commande T-0001 : ")
    assert message in text
    assert "\n" not in text
    assert _snapshot() == (0, 0, 0, 0, 0)


def test_a_number_twice_in_one_file_is_refused(db: str, config: Config, tmp_path: Path) -> None:
    file = write_json(tmp_path / "dup.json", [order_doc(), order_doc()])
    with pytest.raises(IntakeError, match="commande T-0001 : figure deux fois dans le fichier"):
        import_files([file], config=config)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "JSON invalide (ligne 1, colonne 2 : un nom de champ entre guillemets est attendu)"),
        ("", "JSON invalide (ligne 1, colonne 1 : une valeur est attendue)"),
        ("[]", "le document est une liste vide"),
        ("42", "commande #1 : doit être un objet JSON"),
        ('{"number": 1.5}', "commande #1 : champ number : doit être une chaîne"),
        ("[" * 100_000, "le document est imbriqué trop profondément"),
    ],
    ids=["truncated", "empty", "empty-list", "scalar", "float-number", "deep"],
)
def test_unreadable_documents_are_refused(tmp_path: Path, content: str, message: str) -> None:
    file = tmp_path / "x.json"
    file.write_text(content, encoding="utf-8")
    with pytest.raises(IntakeError) as err:
        load_file(file)
    assert str(err.value).startswith(f"{file} : ")
    assert message in str(err.value)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IntakeError, match=r"absent\.json : fichier introuvable"):
        load_file(tmp_path / "absent.json")


def test_shipping_counts_in_the_total(db: str, config: Config, tmp_path: Path) -> None:
    doc = order_doc(number="S-1", total="5.90")
    doc["fulfilment"] = {"mode": "delivery", "details": "27 cours Gambetta", "shipping_fee": "4.90"}
    import_files([write_json(tmp_path / "s.json", doc)], config=config)
    order = Order.get(Order.number == "S-1")
    assert (order.total, order.shipping_fee, order.fulfilment_mode) == (
        Decimal("5.90"),
        Decimal("4.90"),
        "delivery",
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=8)
    | st.sampled_from(
        ["1.00", "0.00", "20.00", "pickup", "delivery", "ok", "failed", "T-1", "a@b.fr"]
    ),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "number",
                    "placed_at",
                    "customer",
                    "fulfilment",
                    "lines",
                    "total",
                    "payment",
                    "name",
                    "email",
                    "address",
                    "mobile",
                    "mode",
                    "details",
                    "shipping_fee",
                    "product",
                    "unit_price",
                    "quantity",
                    "vat_rate",
                    "x",
                ]
            ),
            children,
            max_size=8,
        )
    ),
    max_leaves=25,
)


def _mutations(draw: st.DrawFn) -> Any:
    doc = json.loads(json.dumps(BASE))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(
            st.sampled_from(
                [
                    "number",
                    "placed_at",
                    "total",
                    "payment",
                    "customer",
                    "fulfilment",
                    "lines",
                    "customer.email",
                    "customer.mobile",
                    "fulfilment.mode",
                    "fulfilment.shipping_fee",
                    "lines.0",
                    "lines.0.quantity",
                    "lines.0.unit_price",
                    "lines.0.vat_rate",
                ]
            )
        )
        doc = _bad(path, draw(json_values))
    return doc


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_malformed_documents_never_change_the_database_nor_escape_as_tracebacks(
    sqlite_db: None, config: Config, tmp_path: Path, data: st.DataObject
) -> None:
    doc = data.draw(
        st.one_of(
            json_values, st.builds(lambda: None).flatmap(lambda _: st.composite(_mutations)())
        )
    )
    file = tmp_path / "fuzz.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    before = _snapshot()
    try:
        import_files([file], config=config)
    except IntakeError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(file))
        assert _snapshot() == before
    else:
        # A mutation that is still a valid order imports whole; nothing else does.
        assert _snapshot()[0] in (before[0], before[0] + 1)


@pytest.fixture
def sqlite_db(sqlite_url: str, config: Config) -> None:
    from storage.db import open_database

    open_database(sqlite_url, timezone=config.timezone)
