"""The catalogue's rules without I/O: every (state, action) pair of every table, the
review rounds, edition diffs and carry-forward, idempotent edition application, the
first-purchase rule, FIFO-free parts of registrations, leads, and bounded input."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from pydantic import ValidationError

from services.catalogue.domain import applications as apps
from services.catalogue.domain import dockings as dk
from services.catalogue.domain import editions as ed
from services.catalogue.domain import launches as ln
from services.catalogue.domain import needs as nd
from services.catalogue.domain import products as pr
from services.catalogue.domain.common import FieldReason
from shared.errors import ConflictError, InvalidInput, NotFoundError
from shared.transitions import InvalidTransition, step

pytestmark = pytest.mark.unit
NOW = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=365)


def spec(**kw: object) -> apps.ProductSpec:
    base = {"title": "巡检机器人", "domains": ["manufacturing"], "price_band": (1, 2)}
    return apps.ProductSpec.model_validate({**base, **kw})


TABLES = [
    (apps.TABLE, apps.ApplicationState, ["edit", "submit", "approve", "reject", "return"]),
    (ed.TABLE, ed.EditionState, ["edit", "freeze", "publish"]),
    (pr.TABLE, pr.ProductState, ["list", "update", "delist", "expire"]),
    (nd.TABLE, nd.NeedState, ["update", "withdraw"]),
    (dk.TABLE, dk.DockingState, ["accept", "decline", "close", "purchase"]),
    (ln.LAUNCH_TABLE, ln.LaunchState, ["cancel", "hold"]),
    (ln.SEAT_TABLE, ln.SeatState, ["book", "wait", "cancel", "promote", "attend"]),
]
PAIRS = [
    (table, state, action)
    for table, states, actions in TABLES
    for state, action in itertools.product(states, actions)
]


@pytest.mark.parametrize(("table", "state", "action"), PAIRS, ids=lambda v: str(v)[:20])
def test_every_pair_is_allowed_or_refused_naming_the_state(table, state, action) -> None:
    if (state, action) in table:
        assert step(table, state, action, "x") == table[(state, action)]
    else:
        with pytest.raises(InvalidTransition) as err:
            step(table, state, action, "x")
        assert err.value.field == "state" and state.value in err.value.code


def test_review_rounds_are_kept() -> None:
    a = apps.draft("app-1", "org-1", "prod-1", spec(), NOW).entity
    a = apps.submit(a, NOW).entity
    why = [FieldReason(field="price_band", reason="缺依据")]
    a = apps.review(a, "return", why, NOW).entity
    assert a.state is apps.ApplicationState.returned
    a = apps.edit(a, spec(price_band=(1, 3)), NOW).entity
    t = apps.submit(a, NOW)
    a = apps.review(t.entity, "approve", [], NOW).entity
    assert [r.decision for r in a.rounds] == ["return", "approve"]
    assert a.rounds[0].spec.price_band == (1, 2) and a.rounds[1].spec.price_band == (1, 3)
    with pytest.raises(InvalidInput):
        apps.review(
            apps.submit(
                apps.edit(apps.draft("a", "o", "p", spec(), NOW).entity, spec(), NOW).entity, NOW
            ).entity,
            "reject",
            [],
            NOW,
        )


@pytest.mark.parametrize(
    "bad",
    [
        {"price_band": (5, 1)},
        {"first_of_kind": True},
        {"domains": ["nowhere"]},
        {"keywords": ["k"] * 31},
        {"title": "x" * 201},
        {"title": "a\x00b"},
        {"price_band": (True, 2)},
    ],
)
def test_product_spec_bounds(bad: dict) -> None:
    with pytest.raises(ValidationError):
        spec(**bad)


def _entry(pid: str, title: str = "t") -> ed.Entry:
    s = spec(title=title)
    return ed.Entry(
        product_id=pid, owner_org_id="o", application_id="a", spec=s, digest=ed.digest(s)
    )


def _published(code: str, *entries: ed.Entry, base: str | None = None) -> ed.Edition:
    e = ed.Edition(id=code, title=code, base_edition_id=base, opened_at=NOW,
                   entries={x.product_id: x for x in entries})  # fmt: skip
    return ed.publish(ed.freeze(e).entity, ed.Current(edition_id=base), NOW).entity


def test_editions_carry_forward_diff_and_refuse_edits_once_frozen() -> None:
    first = _published("E1", _entry("p1"), _entry("p2"), _entry("p3"))
    e2 = ed.open_edition(ed.EditionIn(code="E2", title="二"), first, {"p1", "p2"}, NOW).entity
    assert set(e2.entries) == {"p1", "p2"}  # p3 is no longer listed: not carried
    e2 = ed.add(e2, _entry("p2", "新版")).entity
    e2 = ed.add(e2, _entry("p4")).entity
    e2 = ed.remove(e2, "p1", "退出").entity
    with pytest.raises(NotFoundError):
        ed.remove(e2, "p9", "x")
    frozen = ed.freeze(e2).entity
    with pytest.raises(ConflictError) as err:
        ed.add(frozen, _entry("p5"))
    assert err.value.code == "edition_frozen"
    diff = ed.diff(first, frozen)
    assert (diff.added, diff.changed, diff.removed) == (["p4"], ["p2"], ["p1", "p3"])
    with pytest.raises(ConflictError) as stale:
        ed.publish(frozen, ed.Current(edition_id="E0"), NOW)
    assert stale.value.code == "edition_stale"


def test_applying_an_edition_twice_changes_nothing_and_a_delisting_stands() -> None:
    entry = _entry("p1")
    t = pr.apply_entry(None, entry, "E1", LATER, NOW)
    assert t is not None and t.events == ("published",)
    assert pr.apply_entry(t.entity, entry, "E1", LATER, NOW) is None
    delisted = pr.withdraw(t.entity, "delist", "违规", NOW).entity
    assert pr.apply_entry(delisted, entry, "E1", LATER, NOW) is None
    carried = pr.apply_entry(t.entity, entry, "E2", LATER, NOW)
    assert carried is not None and carried.events == () and carried.entity.edition_id == "E2"
    changed = pr.apply_entry(t.entity, _entry("p1", "新"), "E2", LATER, NOW)
    assert changed is not None and changed.events == ("updated",)
    relisted = pr.apply_entry(delisted, entry, "E2", LATER, NOW)
    assert relisted is not None and relisted.events == ("published",)
    assert [h.action for h in relisted.entity.history] == ["listed", "delisted", "relisted"]
    assert pr.is_listed(t.entity, NOW) and not pr.is_listed(t.entity, LATER)


def _docking(first_of_kind: bool = True) -> dk.Docking:
    return dk.Docking(id="n:p", need_id="n", need_title="n", product_id="p", product_title="p",
                      first_of_kind=first_of_kind, soe_org_id="s", supplier_org_id="e",
                      created_at=NOW, updated_at=NOW)  # fmt: skip


def test_docking_outcomes_and_the_first_purchase_rule() -> None:
    d = _docking()
    with pytest.raises(InvalidInput):
        dk.accept(d, dk.AcceptIn(meeting_at=NOW - dt.timedelta(hours=1)), NOW)
    acc = dk.accept(d, dk.AcceptIn(meeting_at=NOW + dt.timedelta(days=1)), NOW).entity
    bought = dk.outcome(acc, dk.OutcomeIn(purchased=True, amount_cny=10), NOW).entity
    record = dk.first_purchase(bought)
    assert record is not None and record.id == "first:p" and record.amount_cny == 10
    assert (
        dk.first_purchase(dk.outcome(acc, dk.OutcomeIn(purchased=False, reason="预算"), NOW).entity)
        is None
    )
    plain = dk.accept(
        _docking(False), dk.AcceptIn(meeting_at=NOW + dt.timedelta(days=1)), NOW
    ).entity
    assert (
        dk.first_purchase(dk.outcome(plain, dk.OutcomeIn(purchased=True, amount_cny=1), NOW).entity)
        is None
    )
    for bad in ({"purchased": True}, {"purchased": False}, {"purchased": 1, "amount_cny": 1}):
        with pytest.raises(ValidationError):
            dk.OutcomeIn.model_validate(bad)


def test_needs_refuse_past_deadlines() -> None:
    s = nd.NeedSpec(title="采购", domains=["ai"], deadline=NOW - dt.timedelta(minutes=1))
    with pytest.raises(InvalidInput) as err:
        nd.post("n", "s", s, NOW)
    assert err.value.field == "deadline"
    with pytest.raises(ValidationError):
        nd.NeedSpec(title="采购", domains=["ai"], deadline=LATER, budget_cny=(9, 1))


def _launch(**kw: object) -> ln.Launch:
    start = NOW + dt.timedelta(days=1)
    body = {"title": "首发", "domain": "ai", "venue": "v", "starts_at": start, "capacity": 2,
            "ends_at": start + dt.timedelta(hours=2), "product_ids": ["p1", "p2"]}  # fmt: skip
    s = ln.LaunchIn.model_validate({**body, **kw})
    return ln.schedule("L", "op", s, {"p1": "e1", "p2": "e2"}, "E1", NOW).entity


def test_launch_registration_check_in_and_leads() -> None:
    e = _launch()
    reg = ln.register(None, e.id, "s1", "soe", 0, NOW).entity
    assert reg.state is ln.SeatState.registered and reg.seat == 1
    wait = ln.register(None, e.id, "s2", "soe", None, NOW).entity
    assert wait.state is ln.SeatState.waitlisted and wait.seat is None
    promoted = ln.move(wait, "promote", NOW, seat=2)
    assert promoted.events == ("promoted",)
    attended = ln.move(reg, "attend", NOW).entity
    presenter = ln.register(None, e.id, "e1", "enterprise", 1, NOW).entity
    presenter = ln.move(presenter, "attend", NOW).entity
    with pytest.raises(ConflictError):
        ln.hold(e, NOW)
    held = ln.hold(e, e.spec.starts_at).entity
    leads = ln.leads(held, [attended, promoted.entity, presenter], NOW)
    # s1 attended: one lead per presenter; s2 only holds a seat; e1 presents, so it is
    # a lead only for e2's product.
    assert sorted((x.buyer_org_id, x.presenter_org_id) for x in leads) == [
        ("e1", "e2"), ("s1", "e1"), ("s1", "e2"),
    ]  # fmt: skip
    with pytest.raises(ConflictError):
        ln.ensure_open(held, NOW)
    with pytest.raises(InvalidInput):
        ln.schedule("L2", "op", e.spec, {}, None, e.spec.starts_at)


@pytest.mark.parametrize(
    "bad",
    [{"ends_at": NOW}, {"product_ids": ["p1", "p1"]}, {"capacity": 0}, {"capacity": "2"},
     {"product_ids": []}, {"format": "gala"}],
)  # fmt: skip
def test_launch_input_bounds(bad: dict) -> None:
    with pytest.raises(ValidationError):
        _launch(**bad)
