"""Applications, seats, meetings and the follow-up funnel: every table pair, the ranking
order, conflict-free meeting plans and the funnel's order."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter
from typing import Any

import pytest

from services.roadshows.domain import applications as apps
from services.roadshows.domain import followups as funnel
from services.roadshows.domain import meetings as mt
from services.roadshows.domain import seats
from shared.errors import ConflictError, InvalidInput
from shared.transitions import InvalidTransition
from tests.unit.roadshows.conftest import NOW, pitch, roadshow

pytestmark = pytest.mark.unit


def _walk(table: dict[Any, Any], states: Any, actions: set[str], apply: Any) -> None:
    """Every (state, action): the table's answer, or a refusal naming the state."""
    for state, action in itertools.product(states, sorted(actions)):
        if (state, action) in table:
            new, event = table[(state, action)]
            t = apply(state, action)
            assert t.entity.state is new and t.events == (event,)
        else:
            with pytest.raises(InvalidTransition) as err:
                apply(state, action)
            assert err.value.field == "state"


def test_application_table() -> None:
    base = apps.apply(roadshow(), pitch(), NOW).entity
    _walk(apps.TABLE, apps.ApplicationState, {"select", "decline", "withdraw"},
          lambda s, a: apps.decide(base.model_copy(update={"state": s}), a, NOW))  # fmt: skip


def test_applying_needs_an_open_roadshow_in_the_pitch_domain() -> None:
    with pytest.raises(InvalidInput) as err:
        apps.apply(roadshow(domain="biomed"), pitch(), NOW)
    assert (err.value.field, err.value.code) == ("pitch_id", "outside_domain")
    with pytest.raises(ConflictError, match="started"):
        apps.apply(roadshow(1), pitch(), NOW + dt.timedelta(hours=2))
    withdrawn = pitch().model_copy(update={"state": "withdrawn"})
    with pytest.raises(ConflictError):
        apps.apply(roadshow(), withdrawn, NOW)


def test_rank_puts_tiers_first_then_score_then_first_come() -> None:
    rs = roadshow()
    made = []
    for i, owner in enumerate(["a", "b", "c", "d"]):
        p = pitch(owner).model_copy(update={"id": f"p-{owner}"})
        made.append(apps.apply(rs, p, NOW + dt.timedelta(minutes=i)).entity)
    tiers = {"c": "small_to_scale", "d": "scale_to_strong"}
    scores = {"p-a": 1.0, "p-b": 5.0, "p-c": 2.0}
    ranked = apps.rank(made, tiers, scores)  # type: ignore[arg-type]
    assert [r.application.pitch_id for r in ranked] == ["p-c", "p-d", "p-b", "p-a"]
    assert [r.rank for r in ranked] == [1, 2, 3, 4] and ranked[1].match_score == 0.0


def test_seat_table() -> None:
    rs = roadshow()
    base = seats.book(None, rs, "inv", 0, NOW).entity
    actions = {"book", "wait", "cancel", "promote", "attend", "forfeit"}
    _walk(seats.TABLE, seats.SeatState, actions,
          lambda s, a: seats.move(base.model_copy(update={"state": s}), a, NOW))  # fmt: skip


def test_booking_gives_a_seat_or_a_waitlist_place() -> None:
    rs = roadshow()
    held = seats.book(None, rs, "inv", 4, NOW)
    assert (held.entity.state, held.entity.seat, held.events) == ("held", 5, ("booked",))
    waiting = seats.book(None, rs, "inv", None, NOW)
    assert (waiting.entity.state, waiting.entity.seat) == ("waitlisted", None)
    again = seats.book(seats.move(held.entity, "cancel", NOW).entity, rs, "inv", 0, NOW)
    assert again.entity.state == "held" and again.entity.version == held.entity.version


def test_cancel_cutoff() -> None:
    rs = roadshow(48, cancel_cutoff_hours=24)
    seats.ensure_cancellable(rs, NOW + dt.timedelta(hours=23))
    with pytest.raises(ConflictError) as err:
        seats.ensure_cancellable(rs, NOW + dt.timedelta(hours=24))
    assert err.value.code == "cancel_cutoff_passed"


def _meeting(i: int, investor: str, enterprise: str, state: str = "accepted") -> mt.Meeting:
    return mt.Meeting(id=f"m{i}", roadshow_id="rs-1", investor_org_id=investor,
                      enterprise_org_id=enterprise, pitch_id=f"p-{enterprise}",
                      state=state, created_at=NOW, updated_at=NOW)  # fmt: skip


def test_meeting_table() -> None:
    base = _meeting(0, "i", "e", "requested")
    _walk({k: v for k, v in mt.TABLE.items() if k[1] in {"accept", "decline"}},
          mt.MeetingState, {"accept", "decline"},
          lambda s, a: mt.answer(base.model_copy(update={"state": s}), a, NOW))  # fmt: skip


@pytest.mark.parametrize("seed", range(5))
def test_plans_are_conflict_free_and_only_of_accepted_meetings(seed: int) -> None:
    rng = random.Random(seed)
    rs = roadshow(meeting_slots=4, meeting_tables=3)
    pairs = {(f"i{rng.randrange(6)}", f"e{rng.randrange(4)}") for _ in range(20)}
    found = [_meeting(n, i, e, rng.choice(["accepted", "accepted", "requested", "declined"]))
             for n, (i, e) in enumerate(sorted(pairs))]  # fmt: skip
    result = mt.plan(rs, found)
    accepted = {m.id for m in found if m.state == "accepted"}
    assert set(result.placed) | set(result.unplaced) == accepted
    by_id = {m.id: m for m in found}
    busy = Counter()
    for mid, (slot, table) in result.placed.items():
        assert 1 <= slot <= 4 and 1 <= table <= 3
        busy[(by_id[mid].investor_org_id, slot)] += 1
        busy[(by_id[mid].enterprise_org_id, slot)] += 1
    assert max(busy.values(), default=1) == 1
    assert max(Counter(s for s, _ in result.placed.values()).values(), default=0) <= 3
    for m in found:
        t = mt.place(m, rs, result, NOW)
        if m.id in result.placed:
            assert t is not None and t.entity.starts_at == rs.meeting_start(t.entity.slot)
            assert mt.place(t.entity, rs, result, NOW) is None  # placing again changes nothing
        elif m.id in result.unplaced:
            assert t is not None and t.entity.unplaced_reason == result.unplaced[m.id].value
        else:
            assert t is None


def _followup() -> funnel.Followup:
    m = _meeting(0, "i", "e", "scheduled")
    return funnel.start(m, NOW)


def test_the_funnel_walks_in_order_and_only_confirmed_steps_count() -> None:
    f = _followup()
    today = NOW.date()
    for step in ("met", "due_diligence", "term_sheet"):
        f = funnel.report(f, funnel.StepReport(stage=step), NOW).entity
        assert f.stage != step and f.pending is not None
        f = funnel.confirm(f, True, NOW).entity
        assert f.stage == step
    final = funnel.StepReport(stage="invested", amount_cny=10, invested_on=today)
    t = funnel.confirm(funnel.report(f, final, NOW).entity, True, NOW)
    assert t.events == ("confirmed", "investment") and funnel.outcome(t.entity) == final
    with pytest.raises(ConflictError, match="closed"):
        funnel.report(t.entity, funnel.StepReport(stage="passed", reason="x"), NOW)


@pytest.mark.parametrize(
    ("at", "step"),
    [(None, "due_diligence"), (None, "invested"), (None, "passed"), ("met", "term_sheet"),
     ("met", "met"), ("due_diligence", "invested"), ("term_sheet", "due_diligence")],
)  # fmt: skip
def test_out_of_order_steps_are_refused(at: Any, step: str) -> None:
    f = _followup().model_copy(update={"stage": at})
    with pytest.raises(ConflictError) as err:
        funnel.report(f, funnel.StepReport(stage=step, amount_cny=1, invested_on=NOW.date(),
                                           reason="x"), NOW)  # fmt: skip
    assert err.value.code == "out_of_order"


def test_a_dispute_keeps_the_stage_and_a_meeting_must_be_scheduled_first() -> None:
    f = funnel.report(_followup(), funnel.StepReport(stage="met"), NOW).entity
    t = funnel.confirm(f, False, NOW)
    assert t.entity.stage is None and t.entity.pending is None and t.events == ("disputed",)
    with pytest.raises(ConflictError):
        funnel.confirm(t.entity, True, NOW)
    with pytest.raises(ConflictError):
        funnel.start(_meeting(0, "i", "e", "accepted"), NOW)
