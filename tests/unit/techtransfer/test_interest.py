"""Expressions of interest: who may express, who may answer, expiry, contact visibility."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.techtransfer.domain import interest as ei
from services.techtransfer.domain.errors import Conflict, Forbidden, Invalid, InvalidTransition
from services.techtransfer.domain.interest import (
    INTEREST_ACTIONS,
    INTEREST_TRANSITIONS,
    InterestAnswers,
    InterestState,
)

from .conftest import ENT, ENT2, INSTITUTE, NOW, OPERATOR, UNI, published_need, published_offer

pytestmark = pytest.mark.unit

ANSWERS = InterestAnswers(purpose="用于产线质检", how_soon="within_3_months", budget_fit="fits")
SOON = NOW + timedelta(days=1)


def _open(record=None, party=ENT) -> ei.Interest:
    return ei.express_interest("i-1", record or published_offer(), party, ANSWERS, NOW).entity


def _act(action: str, interest: ei.Interest, now=SOON):
    match action:
        case "accept":
            return ei.accept(interest, UNI, now)
        case "decline":
            return ei.decline(interest, UNI, "方向不符", now)
        case "expire":
            return ei.expire(interest, interest.expires_at)
        case "withdraw":
            return ei.withdraw(interest, ENT, now)
    raise AssertionError(action)


@pytest.mark.parametrize("state", list(InterestState))
@pytest.mark.parametrize("action", INTEREST_ACTIONS)
def test_every_transition_is_allowed_or_refused(state: InterestState, action: str) -> None:
    interest = _open().model_copy(update={"state": state})
    if (state, action) in INTEREST_TRANSITIONS:
        new_state, event = INTEREST_TRANSITIONS[(state, action)]
        result = _act(action, interest)
        assert result.entity.state is new_state and result.events == (event,)
    else:
        with pytest.raises(InvalidTransition) as err:
            _act(action, interest)
        assert err.value.field == "state"


def test_expression_opens_with_default_14_day_expiry() -> None:
    result = ei.express_interest("i-1", published_offer(), ENT, ANSWERS, NOW)
    assert result.events == ("expressed",)
    assert result.entity.expires_at == NOW + timedelta(days=14)
    custom = ei.express_interest("i", published_offer(), ENT, ANSWERS, NOW, period=timedelta(3))
    assert custom.entity.expires_at == NOW + timedelta(days=3)
    with pytest.raises(Invalid) as err:
        ei.expiry_time(NOW, timedelta(0))
    assert err.value.field == "expiry_period"


def test_who_may_express_interest() -> None:
    offer, need = published_offer(), published_need(owner=ENT2)
    for party in (UNI, INSTITUTE, OPERATOR):
        with pytest.raises(Forbidden):
            ei.express_interest("i", offer, party, ANSWERS, NOW)
    for party in (UNI, INSTITUTE, ENT):
        assert ei.express_interest("i", need, party, ANSWERS, NOW).entity.owner == ENT2
    with pytest.raises(Forbidden) as err:
        ei.express_interest("i", need, ENT2, ANSWERS, NOW)
    assert "own record" in err.value.reason


def test_only_open_records_take_interest() -> None:
    offer = published_offer().model_copy(update={"state": "withdrawn"})
    with pytest.raises(Conflict) as err:
        ei.express_interest("i", offer, ENT, ANSWERS, NOW)
    assert err.value.field == "record_id"


def test_one_open_expression_per_party_and_record() -> None:
    offer, first = published_offer(), _open()
    with pytest.raises(Conflict) as err:
        ei.express_interest("i-2", offer, ENT, ANSWERS, SOON, existing=[first])
    assert err.value.field == "record_id"
    other = ei.express_interest("i-3", offer, ENT2, ANSWERS, SOON, existing=[first])
    assert other.entity.interested == ENT2
    later = first.expires_at  # the first one has lapsed: a fresh one is fine
    assert ei.express_interest("i-4", offer, ENT, ANSWERS, later, existing=[first]).events


def test_answering_needs_the_owner_a_reason_and_time_left() -> None:
    interest = _open()
    with pytest.raises(Forbidden) as err:
        ei.accept(interest, ENT2, SOON)
    assert err.value.field == "actor"
    with pytest.raises(Forbidden):
        ei.withdraw(interest, UNI, SOON)
    with pytest.raises(Invalid) as err:
        ei.decline(interest, UNI, "   ", SOON)
    assert err.value.field == "reason"
    assert ei.decline(interest, UNI, "方向不符", SOON).entity.decline_reason == "方向不符"
    with pytest.raises(InvalidTransition):
        ei.accept(interest, UNI, interest.expires_at)
    with pytest.raises(Conflict) as err:
        ei.expire(interest, SOON)
    assert err.value.field == "expires_at"


def test_effective_state_counts_lapsed_as_expired() -> None:
    interest = _open()
    assert ei.effective_state(interest, SOON) is InterestState.open
    assert ei.effective_state(interest, interest.expires_at) is InterestState.expired


def test_contacts_hidden_until_accepted_and_only_for_the_two_sides() -> None:
    interest = _open()
    assert not ei.contacts_visible(interest, ENT)
    accepted = ei.accept(interest, UNI, SOON).entity
    assert ei.contacts_visible(accepted, ENT) and ei.contacts_visible(accepted, UNI)
    assert not ei.contacts_visible(accepted, ENT2)
    declined = ei.decline(interest, UNI, "不合适", SOON).entity
    assert not ei.contacts_visible(declined, ENT)
