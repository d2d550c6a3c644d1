"""Talent's pure rules, table-driven: every (state, action) pair of every machine, the
claim mode arithmetic, the pipeline and guarantee, and phone/e-mail normalisation."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from services.talent.domain import agencies, candidates, claims, demands, privacy
from services.talent.domain.agencies import AgencyState
from services.talent.domain.candidates import Candidate, PlacementState, Stage
from services.talent.domain.claims import ClaimState
from services.talent.domain.demands import DemandContent, DemandState
from shared.errors import ConflictError, ForbiddenError, InvalidInput
from shared.transitions import InvalidTransition, step

pytestmark = pytest.mark.unit
NOW = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)


def content(**kw: object) -> DemandContent:
    base: dict[str, object] = {
        "title": "算法工程师", "domains": ["ai"], "seniority": "mid",
        "deadline": NOW + dt.timedelta(days=30), "claim_mode": "exclusive",
    }  # fmt: skip
    return DemandContent.model_validate({**base, **kw})


@pytest.mark.parametrize(
    ("table", "states", "actions"),
    [
        (demands.TABLE, DemandState, ("edit", "withdraw", "fill", "close")),
        (agencies.TABLE, AgencyState, ("verify", "reinstate", "suspend", "edit")),
        (claims.TABLE, ClaimState, ("release", "expire", "revoke")),
        (
            candidates.TABLE,
            Stage,
            ("shortlist", "interview", "offer", "hire", "reject", "withdraw"),
        ),
        (candidates.PLACEMENT_TABLE, PlacementState, ("qualify", "report_leaver")),
    ],
)
def test_every_pair_is_allowed_or_refused_by_the_table(table, states, actions) -> None:
    for state, action in itertools.product(states, actions):
        if (state, action) in table:
            assert step(table, state, action, "x") == table[(state, action)]
        else:
            with pytest.raises(InvalidTransition) as err:
                step(table, state, action, "x")
            assert err.value.status == 409 and err.value.field == "state"


def test_claim_mode_sets_capacity_and_days() -> None:
    exclusive = demands.post(
        "d1", "e1", content(exclusive_days=7), NOW, default_k=3, default_days=30
    )
    assert (exclusive.entity.claim_capacity, exclusive.entity.claim_days) == (1, 7)
    assert exclusive.events == ("published",)
    open_default = demands.post(
        "d2", "e1", content(claim_mode="open"), NOW, default_k=3, default_days=30
    )
    assert (open_default.entity.claim_capacity, open_default.entity.claim_days) == (3, 30)
    open_k = demands.post(
        "d3", "e1", content(claim_mode="open", open_k=5), NOW, default_k=3, default_days=30
    )
    assert open_k.entity.claim_capacity == 5
    with pytest.raises(InvalidInput) as err:
        demands.post("d4", "e1", content(open_k=2), NOW, default_k=3, default_days=30)
    assert err.value.field == "open_k"
    with pytest.raises(InvalidInput):
        demands.post("d5", "e1", content(deadline=NOW), NOW, default_k=3, default_days=30)


def test_hires_fill_the_demand_once_and_idempotently() -> None:
    d = demands.post("d", "e", content(count=2), NOW, default_k=3, default_days=30).entity
    one = demands.record_hire(d, "c1", NOW)
    assert one.events == () and one.entity.state is DemandState.published
    assert demands.record_hire(one.entity, "c1", NOW).entity == one.entity
    two = demands.record_hire(one.entity, "c2", NOW)
    assert two.events == ("withdrawn",) and two.entity.state is DemandState.filled
    with pytest.raises(ConflictError):
        demands.edit(two.entity, content(title="新标题", count=2), NOW)


def test_claims_expire_only_when_due_and_only_the_enterprise_revokes() -> None:
    c = claims.grant("c", demand_id="d", demand_title="t", agency_id="a", enterprise_org_id="e",
                     mode="exclusive", days=7, now=NOW).entity  # fmt: skip
    assert c.expires_at == NOW + dt.timedelta(days=7)
    with pytest.raises(ConflictError):
        claims.expire(c, NOW + dt.timedelta(days=6))
    assert claims.expire(c, NOW + dt.timedelta(days=7)).events == ("expired",)
    with pytest.raises(ForbiddenError):
        claims.revoke(c, "someone-else", "因为", NOW)
    revoked = claims.revoke(c, "e", "进度慢", NOW).entity
    assert revoked.state is ClaimState.revoked and revoked.reason == "进度慢"
    with pytest.raises(InvalidTransition):
        claims.expire(revoked, NOW + dt.timedelta(days=8))


def _candidate() -> Candidate:
    personal = candidates.Personal(name="张三", phone="13800000000")
    return Candidate(id="c", demand_id="d", role_title="r", claim_id="cl", agency_id="a",
                     enterprise_org_id="e", person_hash="h", person_keys=["h"], personal=personal,
                     created_at=NOW, updated_at=NOW)  # fmt: skip


def test_pipeline_to_hire_then_guarantee_qualifies_or_ends() -> None:
    c = candidates.submit(_candidate()).entity
    for action in ("shortlist", "interview", "offer"):
        t = candidates.advance(c, action, "e", NOW, 90)
        assert t.events == ("advanced",)
        c = t.entity
    with pytest.raises(ForbiddenError):
        candidates.advance(c, "hire", "a", NOW, 90)
    hired = candidates.advance(c, "hire", "e", NOW, 90)
    assert hired.events == ("advanced", "placement_started")
    placed = hired.entity
    assert placed.placement and placed.placement.guarantee_ends_at == NOW + dt.timedelta(days=90)
    with pytest.raises(ConflictError):
        candidates.qualify(placed, NOW + dt.timedelta(days=89))
    assert candidates.qualify(placed, NOW + dt.timedelta(days=90)).events == (
        "placement_qualified",
    )
    left = candidates.report_leaver(placed, "e", "离职", NOW + dt.timedelta(days=10))
    assert left.events == ("placement_ended",)
    with pytest.raises(ConflictError):
        candidates.report_leaver(placed, "e", "离职", NOW + dt.timedelta(days=91))
    with pytest.raises(InvalidInput):
        candidates.reject(candidates.submit(_candidate()).entity, "e", "  ", NOW)
    with pytest.raises(ForbiddenError):
        candidates.withdraw(_candidate(), "other-agency", "原因", NOW)


@pytest.mark.parametrize(
    "raw", ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678",
            "008613812345678", "8613812345678", "(138)12345678"],
)  # fmt: skip
def test_phones_normalise_to_eleven_digits(raw: str) -> None:
    assert privacy.normalise_phone(raw) == "13812345678"


@pytest.mark.parametrize(
    "raw", ["12812345678", "1381234567", "010-62750000", "abc", "+1 415 555 0100"]
)
def test_malformed_phones_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as err:
        privacy.normalise_phone(raw)
    assert err.value.code == "malformed_phone"


def test_keyed_hashes_depend_on_the_secret_and_not_on_the_spelling() -> None:
    one = privacy.person_keys("s1", "13812345678", privacy.normalise_email(" A.B@Example.CN "))
    assert one == privacy.person_keys("s1", "13812345678", "a.b@example.cn")
    assert one != privacy.person_keys("s2", "13812345678", "a.b@example.cn")
    assert all("138" not in k for k in one) and all(len(k) == 32 for k in one)
    with pytest.raises(InvalidInput):
        privacy.normalise_email("no-at-sign")


def test_a_claim_is_reminded_once_within_the_lead() -> None:
    c = claims.grant("c", demand_id="d", demand_title="t", agency_id="a", enterprise_org_id="e",
                     mode="open", days=10, now=NOW).entity  # fmt: skip
    lead = dt.timedelta(days=3)
    assert claims.remind(c, NOW + dt.timedelta(days=6), lead).events == ()
    first = claims.remind(c, NOW + dt.timedelta(days=7), lead)
    assert first.events == ("reminded",) and first.entity.reminded
    assert claims.remind(first.entity, NOW + dt.timedelta(days=8), lead).events == ()
    ended = claims.release(c, NOW).entity
    assert claims.remind(ended, NOW + dt.timedelta(days=8), lead).events == ()


def test_revoked_agencies_stay_out_and_expired_ones_wait_a_period_on_exclusive_demands() -> None:
    c = claims.grant("c", demand_id="d", demand_title="t", agency_id="a", enterprise_org_id="e",
                     mode="exclusive", days=7, now=NOW).entity  # fmt: skip
    expired = claims.expire(c, NOW + dt.timedelta(days=7)).entity
    with pytest.raises(ConflictError) as err:
        claims.ensure_may_claim_again([expired], "exclusive", 7, NOW + dt.timedelta(days=8))
    assert err.value.code == "cooling_off"
    claims.ensure_may_claim_again([expired], "exclusive", 7, NOW + dt.timedelta(days=14))
    claims.ensure_may_claim_again([expired], "open", 7, NOW + dt.timedelta(days=8))
    revoked = claims.revoke(c, "e", "不再合作", NOW).entity
    with pytest.raises(ConflictError) as err:
        claims.ensure_may_claim_again([revoked], "open", 7, NOW + dt.timedelta(days=400))
    assert err.value.code == "claim_revoked_before"
    claims.ensure_may_claim_again([claims.release(c, NOW).entity], "exclusive", 7, NOW)
