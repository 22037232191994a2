"""The trigram index of the search (schema version 3) finds what LIKE finds, on both engines."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.config import Config
from app.intake.files import import_drafts, parse_document
from storage import migrations, queries
from storage.db import is_sqlite, open_database
from storage.models import ALL_MODELS, Meta, Order, Staff, database
from tests.factories import order_doc


def _orders(config: Config) -> None:
    docs = []
    for i, (name, product) in enumerate(
        [
            ("Léa Dubois", "Miel de lavande"),
            ("Hugo Bernard", "Thé vert Sencha"),
            ("Zoé O'Neil", "Miel de châtaignier"),
            ("Jean Dupont", "Savon au lait d'ânesse"),
        ]
    ):
        doc = order_doc(number=f"S-{i:04d}", placed_at=f"2021-01-{10 + i}T10:00:00+01:00")
        doc["customer"]["name"] = name
        doc["customer"]["email"] = f"client{i}@example.org"
        doc["lines"][0]["product"] = product
        docs.append(doc)
    import_drafts(parse_document(docs), config=config)


def _numbers(*words: str, **kwargs: object) -> list[str]:
    return [row.number for row in queries.list_orders(words=words, **kwargs)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("few", "json_each"),
    [(2000, True), (2000, False), (1, True)],
    ids=["by-index", "by-index-without-json", "by-scan"],
)
def test_search_finds_any_part_of_a_word(
    db: str, config: Config, few: int, json_each: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both ways of answering (few matches read by id, many read newest first) agree, and so
    # do both ways of passing the ids (json_each, or a list for SQLite without JSON).
    monkeypatch.setattr(queries, "FEW_MATCHES", few)
    monkeypatch.setattr(queries, "JSON_EACH", json_each)
    _orders(Config(database_url=db))
    assert _numbers("ubois") == ["S-0000"]  # the middle of a name
    assert _numbers("miel") == ["S-0002", "S-0000"]  # newest first
    assert _numbers("miel", "lavande") == ["S-0000"]
    assert _numbers("miel", "de", "chat") == ["S-0002"]  # a two-letter word as well
    assert _numbers("de") == ["S-0002", "S-0000"]  # under three letters: LIKE
    assert _numbers("o'neil") == ["S-0002"]
    assert _numbers('du"pont') == []  # a quote is text, never FTS syntax
    assert _numbers("introuvable") == []
    assert _numbers("miel", limit=1, offset=1) == ["S-0000"]


def test_the_index_follows_changes_and_deletions(db: str) -> None:
    _orders(Config(database_url=db))
    Order.update(search_text="nouveau texte").where(Order.number == "S-0001").execute()
    assert _numbers("sencha") == []
    assert _numbers("nouveau") == ["S-0001"]
    Order.get(Order.number == "S-0001").delete_instance(recursive=True)
    assert _numbers("nouveau") == []


def test_a_version_2_database_gets_the_index_with_its_orders(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite3"
    url = f"sqlite:///{path}"
    open_database(url)
    _orders(Config(database_url=url))
    # Back to version 2 as it was: no trigram table, no triggers.
    for name in migrations.SEARCH_TRIGGER_NAMES:
        database.obj.execute_sql(f"DROP TRIGGER {name}")
    database.obj.execute_sql(f"DROP TABLE {migrations.SEARCH_TABLE}")
    Meta.update(value="2").where(Meta.key == "schema_version").execute()
    database.close()
    open_database(url)
    assert migrations.schema_version(database.obj) == migrations.LATEST  # from version 2
    assert _numbers("lavande") == ["S-0000"]
    database.close()
    tables = {r[0] for r in sqlite3.connect(path).execute("select name from sqlite_master")}
    assert migrations.SEARCH_TABLE in tables
    assert {"orders_search_insert", "orders_search_delete", "orders_search_update"} <= tables


def test_postgresql_searches_through_a_trigram_index(db: str) -> None:
    handle = database.obj
    if is_sqlite(handle):
        (count,) = handle.execute_sql(f"select count(*) from {migrations.SEARCH_TABLE}").fetchone()
        assert count == 0
        return
    names = {r[0] for r in handle.execute_sql("select indexname from pg_indexes").fetchall()}
    assert "orders_search_trgm" in names


def test_first_schema_database_still_migrates_to_the_latest(tmp_path: Path) -> None:
    from peewee import SqliteDatabase

    path = tmp_path / "v1.sqlite3"
    first = SqliteDatabase(str(path))
    database.initialize(first)
    first.create_tables([m for m in ALL_MODELS if m is not Staff])
    Meta.create(key="schema_version", value="1")
    Meta.create(key="timezone", value="Europe/Paris")
    first.close()
    open_database(f"sqlite:///{path}")
    _orders(Config(database_url=f"sqlite:///{path}"))
    assert _numbers("sencha") == ["S-0001"]
    database.close()
