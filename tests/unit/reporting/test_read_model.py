"""The read model on a known year: every figure of the city and a district report, the
same facts whatever the order or how often events arrive, snapshots that round-trip."""

from __future__ import annotations

import random

import pytest

from services.reporting.domain.model import ReadModel
from services.reporting.domain.report import annual_report
from services.reporting.handlers import Rejected, translate
from services.reporting.storage.snapshots import pack, unpack
from tests.support.reporting import YEAR, check_report, known_events

pytestmark = pytest.mark.unit


def model_of(events) -> ReadModel:  # type: ignore[no-untyped-def]
    model = ReadModel()
    for env in events:
        incoming = translate(env.to_json_bytes())
        assert incoming is not None
        model.apply(incoming)
    return model


def test_city_report_reconciles_with_the_story() -> None:
    assert check_report(annual_report(model_of(known_events()), YEAR)) == []


def test_district_report_keeps_to_the_district() -> None:
    report = annual_report(model_of(known_events()), YEAR, "haidian")
    assert check_report(report, district="haidian") == []
    assert report["breakdown"] == "domain"


def test_another_year_is_empty() -> None:
    report = annual_report(model_of(known_events()), YEAR + 1)
    assert all(v == 0 for f in report["funnels"].values() for v in f["total"].values())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_order_and_duplicates_do_not_change_a_figure(seed: int) -> None:
    events = known_events()
    shuffled = events * 2
    random.Random(seed).shuffle(shuffled)
    a = annual_report(model_of(events), YEAR)
    b = annual_report(model_of(shuffled), YEAR)
    a.pop("generated_at"), b.pop("generated_at")
    assert a == b


def test_snapshot_rows_round_trip() -> None:
    model = model_of(known_events())
    copy = ReadModel()
    for kind in ("org", "case", "item", "roadshow"):
        rows = model.shard_rows(kind, set(range(128)))
        for shard_rows in rows.values():
            copy.load_rows(kind, unpack(pack(shard_rows)))
    a, b = annual_report(model, YEAR), annual_report(copy, YEAR)
    a.pop("generated_at"), b.pop("generated_at")
    assert a == b
    assert copy.items_of("ent-a") == model.items_of("ent-a")


def test_dirty_shards_are_only_those_touched() -> None:
    model = model_of(known_events())
    model.take_dirty()
    model.apply(translate(known_events()[-1].to_json_bytes()))  # type: ignore[arg-type]
    dirty = model.take_dirty()
    assert sum(len(s) for s in dirty.values()) == 1


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{not json", "malformed"),
        (b'{"id": "x"}', "malformed"),
        (b'{"specversion":"1.0","id":"1","source":"/x","type":"nobody.thing.happened",'
         b'"subject":"s","time":"2025-01-01T00:00:00Z","data":{},"version":1}', "unknown_type"),
        (b'{"specversion":"1.0","id":"1","source":"/x","type":"techtransfer.need.published",'
         b'"subject":"s","time":"2025-01-01T00:00:00Z","data":{"id":"n"},"version":1}',
         "invalid_payload"),
    ],
)  # fmt: skip
def test_poison_is_rejected_with_its_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(Rejected) as caught:
        translate(raw)
    assert caught.value.reason == reason


def test_known_types_without_an_effect_are_skipped_and_their_topics_not_read() -> None:
    from services.reporting.handlers import base_topics
    from shared.events import new_event
    from shared.events.contracts.identity import UserRegistered

    user = UserRegistered(user_id="u1", organisation_id="ent-a", name="张伟", role="member")
    assert translate(new_event(user, subject="u1", version=1, source="identity")
                     .to_json_bytes()) is None  # fmt: skip
    assert "identity.user" not in base_topics()
    assert {"roadshows.followup", "techtransfer.meeting", "scenarios.application"} <= set(
        base_topics()
    )
