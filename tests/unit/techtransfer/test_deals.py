"""Deals: report by either side, confirm/dispute by the other, 9(4) eligibility."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.techtransfer.domain import deals
from services.techtransfer.domain import interest as ei
from services.techtransfer.domain.deals import DEAL_ACTIONS, DEAL_TRANSITIONS, DealReport, DealState
from services.techtransfer.domain.errors import Conflict, Forbidden, Invalid, InvalidTransition

from .conftest import ENT, ENT2, NOW, UNI, published_need, published_offer

pytestmark = pytest.mark.unit

ANSWERS = ei.InterestAnswers(purpose="产线升级", how_soon="within_1_month", budget_fit="fits")
REPORT = DealReport(mode="license", contract_value_cny=800_000, signed_on=date(2025, 3, 1),
                    in_beijing=True)  # fmt: skip
LATER = NOW + timedelta(days=2)


def _accepted(record=None, party=ENT) -> ei.Interest:
    record = record or published_offer()
    opened = ei.express_interest("i-1", record, party, ANSWERS, NOW).entity
    return ei.accept(opened, record.owner, NOW).entity


def _reported(report: DealReport = REPORT, reporter=UNI, interest=None) -> deals.Deal:
    return deals.report_deal("d-1", interest or _accepted(), reporter, report, NOW).entity


def _act(action: str, deal: deals.Deal):
    if action == "confirm":
        return deals.confirm_deal(deal, ENT, LATER)
    return deals.dispute_deal(deal, ENT, "金额不符", LATER)


@pytest.mark.parametrize("state", list(DealState))
@pytest.mark.parametrize("action", DEAL_ACTIONS)
def test_every_transition_is_allowed_or_refused(state: DealState, action: str) -> None:
    deal = _reported().model_copy(update={"state": state})
    if (state, action) in DEAL_TRANSITIONS:
        new_state, event = DEAL_TRANSITIONS[(state, action)]
        result = _act(action, deal)
        assert result.entity.state is new_state and result.events == (event,)
    else:
        with pytest.raises(InvalidTransition):
            _act(action, deal)


def test_report_needs_an_accepted_expression_and_a_side() -> None:
    opened = ei.express_interest("i", published_offer(), ENT, ANSWERS, NOW).entity
    with pytest.raises(Conflict) as err:
        deals.report_deal("d", opened, ENT, REPORT, NOW)
    assert err.value.field == "interest_id"
    with pytest.raises(Forbidden):
        deals.report_deal("d", _accepted(), ENT2, REPORT, NOW)
    assert deals.report_deal("d", _accepted(), ENT, REPORT, NOW).events == ("reported",)


def test_report_validation_names_fields() -> None:
    future = REPORT.model_copy(update={"signed_on": date(2025, 3, 2)})
    with pytest.raises(Invalid) as err:
        deals.report_deal("d", _accepted(), UNI, future, NOW)
    assert err.value.field == "signed_on"
    with pytest.raises(Conflict):
        deals.report_deal("d-2", _accepted(), ENT, REPORT, NOW, existing=[_reported()])
    disputed = _reported().model_copy(update={"state": DealState.disputed})
    assert deals.report_deal("d-2", _accepted(), ENT, REPORT, NOW, existing=[disputed]).events


def test_only_the_other_side_confirms_or_disputes() -> None:
    deal = _reported(reporter=UNI)
    with pytest.raises(Forbidden):
        deals.confirm_deal(deal, UNI, LATER)
    with pytest.raises(Forbidden):
        deals.confirm_deal(deal, ENT2, LATER)
    with pytest.raises(Invalid) as err:
        deals.dispute_deal(deal, ENT, "", LATER)
    assert err.value.field == "reason"


def test_confirmed_in_beijing_transfer_from_a_university_is_eligible() -> None:
    confirmed = deals.confirm_deal(_reported(), ENT, LATER).entity
    record = deals.support_eligibility(confirmed, LATER)
    assert record is not None
    assert record.beneficiary == ENT and record.supplier == UNI
    assert record.policy_clause == "9(4)" and record.contract_value_cny == 800_000


def test_not_eligible_unless_confirmed_in_beijing_from_research() -> None:
    assert deals.support_eligibility(_reported(), LATER) is None  # not confirmed yet
    elsewhere = _reported(REPORT.model_copy(update={"in_beijing": False}))
    assert deals.support_eligibility(deals.confirm_deal(elsewhere, ENT, LATER).entity, NOW) is None
    licence_out = _accepted(published_offer(owner=ENT2))
    deal = _reported(reporter=ENT2, interest=licence_out)
    assert deals.support_eligibility(deals.confirm_deal(deal, ENT, LATER).entity, NOW) is None


def test_on_a_need_the_university_supplies_and_the_enterprise_receives() -> None:
    interest = _accepted(published_need(owner=ENT), party=UNI)
    deal = _reported(reporter=ENT, interest=interest)
    assert (deal.supplier, deal.recipient) == (UNI, ENT)
    record = deals.support_eligibility(deals.confirm_deal(deal, UNI, LATER).entity, LATER)
    assert record is not None and record.beneficiary == ENT
