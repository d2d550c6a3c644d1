"""Offer/need content rules and the draft → published → withdrawn/closed lifecycle."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from services.techtransfer.domain import records
from services.techtransfer.domain.errors import Forbidden, Invalid, InvalidTransition
from services.techtransfer.domain.records import RECORD_ACTIONS, RECORD_TRANSITIONS, RecordState

from .conftest import ENT, INSTITUTE, NOW, OPERATOR, UNI, need_content, offer_content

pytestmark = pytest.mark.unit

LATER = NOW + timedelta(hours=1)


def _offer_in(state: RecordState, deadline_passed: bool = False) -> records.TechOffer:
    content = offer_content(deadline=NOW + timedelta(days=30))
    offer = records.create_offer("o", UNI, content, NOW)
    if deadline_passed:
        offer = offer.model_copy(update={"content": offer_content(deadline=NOW)})
    return offer.model_copy(update={"state": state})


def _act(action: str, record: records.TechOffer):
    match action:
        case "edit":
            return records.edit(record, UNI, {"trl": 8}, LATER)
        case "publish":
            return records.publish(record, UNI, LATER)
        case "withdraw":
            return records.withdraw(record, UNI, LATER)
        case "close":
            return records.close(record, UNI, LATER)
    raise AssertionError(action)


@pytest.mark.parametrize("state", list(RecordState))
@pytest.mark.parametrize("action", RECORD_ACTIONS)
def test_every_transition_is_allowed_or_refused(state: RecordState, action: str) -> None:
    record = _offer_in(state)
    if (state, action) in RECORD_TRANSITIONS:
        new_state, event = RECORD_TRANSITIONS[(state, action)]
        result = _act(action, record)
        assert result.entity.state is new_state
        assert result.events == ((event,) if event else ())
        assert result.entity.version == record.version + 1
        assert result.entity.updated_at == LATER
    else:
        with pytest.raises(InvalidTransition) as err:
            _act(action, record)
        assert err.value.field == "state" and err.value.status == 409


def test_the_table_names_the_issue_lifecycle() -> None:
    events = {event for _, event in RECORD_TRANSITIONS.values() if event}
    assert events == {"published", "updated", "withdrawn", "closed"}


def test_draft_edit_emits_nothing_and_noop_edit_changes_nothing() -> None:
    draft = _offer_in(RecordState.draft)
    assert records.edit(draft, UNI, {"trl": 8}, LATER).events == ()
    published = _offer_in(RecordState.published)
    same = records.edit(published, UNI, {"trl": published.content.trl}, LATER)
    assert same.events == () and same.entity is published


@pytest.mark.parametrize("trl", [0, 10, -1])
def test_trl_outside_1_to_9_names_the_field(trl: int) -> None:
    with pytest.raises(Invalid) as err:
        records.edit(_offer_in(RecordState.draft), UNI, {"trl": trl}, LATER)
    assert err.value.field == "trl" and err.value.status == 422
    with pytest.raises(ValidationError) as exc:
        offer_content(trl=trl)
    assert exc.value.errors()[0]["loc"] == ("trl",)


def test_min_trl_of_a_need_is_checked_too() -> None:
    with pytest.raises(ValidationError) as exc:
        need_content(min_trl=12)
    assert exc.value.errors()[0]["loc"] == ("min_trl",)


def test_budget_min_above_max_names_the_field() -> None:
    need = records.create_need("n", ENT, need_content(), NOW)
    with pytest.raises(Invalid) as err:
        records.edit(need, ENT, {"budget_cny": (5_000_000, 1_000_000)}, LATER)
    assert err.value.field == "budget_cny"
    assert "greater than maximum" in err.value.reason


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(Invalid) as err:
        records.edit(_offer_in(RecordState.draft), UNI, {"colour": "red"}, LATER)
    assert err.value.field == "colour"


def test_deadline_in_the_past_is_refused_on_create_edit_and_publish() -> None:
    past = NOW - timedelta(days=1)
    with pytest.raises(Invalid) as err:
        records.create_offer("o", UNI, offer_content(deadline=past), NOW)
    assert err.value.field == "deadline"
    with pytest.raises(Invalid) as err:
        records.edit(_offer_in(RecordState.draft), UNI, {"deadline": past}, NOW)
    assert err.value.field == "deadline"
    stale = _offer_in(RecordState.draft, deadline_passed=True)
    with pytest.raises(Invalid) as err:
        records.publish(stale, UNI, LATER)
    assert err.value.field == "deadline"


def test_owners_by_kind() -> None:
    for owner in (UNI, INSTITUTE, ENT):
        assert records.create_offer("o", owner, offer_content(), NOW).owner == owner
    with pytest.raises(Forbidden) as err:
        records.create_offer("o", OPERATOR, offer_content(), NOW)
    assert err.value.field == "owner"
    with pytest.raises(Forbidden):
        records.create_need("n", UNI, need_content(), NOW)


@pytest.mark.parametrize("action", RECORD_ACTIONS)
def test_only_the_owner_acts(action: str) -> None:
    record = _offer_in(RecordState.published)
    stranger = ENT
    with pytest.raises(Forbidden) as err:
        match action:
            case "edit":
                records.edit(record, stranger, {"trl": 8}, LATER)
            case "publish":
                records.publish(record.model_copy(update={"state": "draft"}), stranger, LATER)
            case "withdraw":
                records.withdraw(record, stranger, LATER)
            case "close":
                records.close(record, stranger, LATER)
    assert err.value.field == "actor" and err.value.status == 403


def test_the_system_closes_only_after_the_deadline() -> None:
    record = _offer_in(RecordState.published)
    with pytest.raises(Invalid):
        records.close(record, None, LATER)
    after = record.content.deadline + timedelta(seconds=1)
    assert records.close(record, None, after).events == ("closed",)


def test_is_open_follows_state_and_deadline() -> None:
    record = _offer_in(RecordState.published)
    assert records.is_open(record, LATER)
    assert not records.is_open(record, record.content.deadline)
    assert not records.is_open(_offer_in(RecordState.draft), LATER)


def test_fields_follow_the_matching_data_set() -> None:
    data = Path("/work/shared/data/matching-dev")
    if not data.exists():
        pytest.skip("handbook data set not present")
    kinds = {"tech_offer": records.OfferContent, "tech_need": records.NeedContent}
    for name in ("documents.jsonl", "queries.jsonl"):
        for line in (data / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if item["kind"] not in kinds:
                continue
            fields = {k: item[k] for k in ("title", "description", "domains", "keywords")}
            content = kinds[item["kind"]](**fields, **item["attributes"])
            assert content.matching_attributes() == item["attributes"]


def test_domains_are_lower_case_codes():
    """Domain codes travel in the record events, whose contract accepts codes only."""
    with pytest.raises(ValidationError) as info:
        offer_content(domains=["人工智能"])
    assert info.value.errors()[0]["loc"][0] == "domains"
    assert offer_content(domains=["ai", "new_energy2"]).domains == ["ai", "new_energy2"]
