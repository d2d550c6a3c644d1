"""Contracts: every old payload still parses; records render as the matching dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.events import Envelope, registry
from shared.events.contracts import load_all
from shared.events.contracts._market import MarketRecord, RecordWithdrawn

pytestmark = pytest.mark.unit
load_all()

FIXTURES = Path(__file__).parents[2] / "fixtures" / "events"
DATASET = Path("/work/shared/data/matching-dev")
MARKET_SERVICES = ("techtransfer", "catalogue", "scenarios", "roadshows", "talent")
RECORD_TOPICS = {
    "techtransfer.offer", "techtransfer.need", "catalogue.product", "catalogue.procurement_need",
    "scenarios.capability", "scenarios.scenario", "roadshows.pitch", "roadshows.mandate",
    "talent.agency", "talent.demand",
}  # fmt: skip
FIXTURE_FILES = sorted(FIXTURES.glob("*/*.json"))


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_payload_still_parses(path: Path) -> None:
    raw = path.read_bytes()
    envelope = Envelope.from_json_bytes(raw)
    assert envelope.type == path.parent.name
    reg = registry.registration(envelope.type)
    # A fixture may be older than the model, never newer.
    assert envelope.schema_version <= reg.schema_version
    payload = envelope.payload()
    assert isinstance(payload, reg.model)
    if isinstance(payload, MarketRecord | RecordWithdrawn):
        assert payload.id == envelope.subject


def _topic(type_: str) -> str:
    return type_.rsplit(".", 1)[0]


def test_every_market_record_has_published_updated_withdrawn() -> None:
    for topic in RECORD_TOPICS:
        for verb in ("published", "updated", "withdrawn"):
            assert f"{topic}.{verb}" in registry.types()


def test_every_market_type_has_a_fixture() -> None:
    market_types = [t for t in registry.types() if t.split(".")[0] in MARKET_SERVICES]
    missing = [t for t in market_types if not (FIXTURES / t / "v1.json").exists()]
    assert missing == []


def _record_models() -> dict[str, type[MarketRecord]]:
    found: dict[str, type[MarketRecord]] = {}
    for t in registry.types():
        model = registry.model_for(t)
        if t.endswith(".published") and issubclass(model, MarketRecord):
            found[model.kind] = model
    return found


def _dataset_lines() -> list[dict]:
    lines = []
    for name in ("documents.jsonl", "queries.jsonl"):
        path = DATASET / name
        if path.exists():
            lines += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return lines


def test_all_ten_kinds_are_covered() -> None:
    assert set(_record_models()) == {
        "tech_offer", "tech_need", "product", "procurement_need", "capability",
        "scenario", "pitch", "investor_mandate", "agency", "talent_demand",
    }  # fmt: skip


@pytest.mark.skipif(not DATASET.exists(), reason="labelled dataset not on this machine")
def test_to_record_reproduces_every_dataset_item_exactly() -> None:
    models = _record_models()
    rename = {"ip": "patent_count"}
    for item in _dataset_lines():
        model = models[item["kind"]]
        fields = {rename.get(k, k): v for k, v in item["attributes"].items()}
        record = model(
            id=item["id"],
            owner_org_id="org-1",
            title=item["title"],
            description=item["description"],
            domains=item["domains"],
            keywords=item["keywords"],
            **fields,
        )
        assert record.to_record() == item, item["id"]


def test_withdrawn_events_are_not_records() -> None:
    withdrawn = [t for t in registry.types() if t.endswith(".withdrawn")]
    assert withdrawn
    for t in withdrawn:
        if _topic(t) in RECORD_TOPICS:
            assert issubclass(registry.model_for(t), RecordWithdrawn)


def test_newer_producers_extra_fields_are_ignored_by_older_models() -> None:
    env = json.loads((FIXTURES / "techtransfer.need.published" / "v1.json").read_text())
    env["data"]["field_from_the_future"] = {"nested": True}
    env["extension_from_the_future"] = "x"
    envelope = Envelope.model_validate(env)
    assert not hasattr(envelope.payload(), "field_from_the_future")


def test_every_contract_field_is_described() -> None:
    for t in registry.types():
        if t.split(".")[0] not in MARKET_SERVICES:
            continue
        model = registry.model_for(t)
        for name, field in model.model_fields.items():
            assert field.description or field.examples, f"{t}.{name} lacks a description"


@given(lo=st.integers(0, 10**9), hi=st.integers(0, 10**9))
def test_ranges_must_be_ordered(lo: int, hi: int) -> None:
    from shared.events.contracts.techtransfer import TechNeed

    kwargs = dict(id="n", owner_org_id="o", title="t", budget_cny=(lo, hi))
    if lo <= hi:
        assert TechNeed(**kwargs).to_record()["attributes"]["budget_cny"] == [lo, hi]
    else:
        with pytest.raises(ValueError, match="min <= max"):
            TechNeed(**kwargs)
