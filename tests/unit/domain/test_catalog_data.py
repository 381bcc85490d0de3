"""The bundled model catalog is well-formed: ids, dates, categories, aliases, sources."""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from device_intake.domain.catalog import CatalogModel, DeviceCategory, ModelCatalog


@pytest.fixture(scope="module")
def catalog() -> ModelCatalog:
    return ModelCatalog.load()


def _raw_rows() -> list[dict[str, str]]:
    text = resources.files("device_intake.domain").joinpath("data/models.csv").read_text("utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def test_load_is_cached(catalog: ModelCatalog) -> None:
    assert ModelCatalog.load() is catalog


def test_catalog_ids_are_unique() -> None:
    ids = [row["id"] for row in _raw_rows()]
    assert len(ids) == len(set(ids))


def test_every_category_has_at_least_three_models(catalog: ModelCatalog) -> None:
    counts = {c: len(catalog.list(category=c)) for c in DeviceCategory}
    assert all(n >= 3 for n in counts.values()), counts


def test_release_dates_are_japanese_release_dates_within_2015_to_2026(
    catalog: ModelCatalog,
) -> None:
    for row in _raw_rows():
        released = date.fromisoformat(row["released_on"])
        assert date(2015, 1, 1) <= released <= date(2026, 12, 31), row["id"]


def test_every_row_says_where_its_date_came_from(catalog: ModelCatalog) -> None:
    for model in catalog:
        assert model.source.strip(), model.id
        if not model.verified:
            assert model.source.startswith("unverified: "), model.id


def test_no_alias_names_two_models(catalog: ModelCatalog) -> None:
    collisions = {k: ids for k, ids in catalog.alias_keys().items() if len(ids) > 1}
    assert collisions == {}


def test_every_model_matches_its_own_name_and_aliases(catalog: ModelCatalog) -> None:
    wrong = []
    for model in catalog:
        for name in model.all_names():
            found = catalog.match(name)
            if found is None or found.model.id != model.id:
                wrong.append((model.id, name, found.model.id if found else None))
    assert wrong == []


def test_get_and_list_and_makers(catalog: ModelCatalog) -> None:
    iphone = catalog.get("iphone-15")
    assert iphone is not None and iphone.released_on == date(2023, 9, 22)
    assert catalog.get("no-such-model") is None
    apple_phones = catalog.list(category="smartphone", maker="アップル")
    assert apple_phones and all(m.maker == "Apple" for m in apple_phones)
    assert apple_phones == sorted(apple_phones, key=lambda m: m.released_on, reverse=True)
    assert {"Apple", "Google", "Samsung", "Sony", "Sharp"} <= set(catalog.makers("smartphone"))


def test_a_catalog_rejects_duplicate_ids() -> None:
    row = CatalogModel(
        id="x-1", maker="X", name="X 1", category=DeviceCategory.SMARTPHONE,
        released_on=date(2020, 1, 1), source="test",
    )
    with pytest.raises(ValueError, match="duplicate"):
        ModelCatalog([row, row])


def test_aliases_column_splits_on_pipes() -> None:
    model = CatalogModel.model_validate(
        {"id": "a-b", "maker": "A", "name": "A B", "category": "tablet",
         "released_on": "2020-01-02", "aliases": "A-1 | A-2|", "source": "test"}
    )
    assert model.aliases == ("A-1", "A-2")


def test_docs_list_every_unverified_row(catalog: ModelCatalog) -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "catalog.md"
    text = docs.read_text("utf-8")
    missing = [m.id for m in catalog if not m.verified and f"`{m.id}`" not in text]
    assert missing == []
