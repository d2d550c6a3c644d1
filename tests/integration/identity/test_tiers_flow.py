"""Tier lists end to end: automatic cultivation at the two-year boundary, manual changes by
a district government, append-only history, and the events that go with each change."""

from __future__ import annotations

import datetime as dt

import pytest

from services.identity.domain.credit_code import check_character
from tests.integration.identity.conftest import Identity, bearer
from tests.integration.identity.events import stored_events
from tests.support.problems import code_of

pytestmark = pytest.mark.integration


def code(first17: str) -> str:
    return first17 + check_character(first17)


def beijing_today(identity: Identity) -> dt.date:
    return identity.deps.today()


async def tiers(identity: Identity, token: str, enterprise_id: str) -> list[str]:
    response = await identity.client.get(
        f"/enterprises/{enterprise_id}/tiers", headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    return [t["tier"] for t in response.json()["tiers"]]


async def history(identity: Identity, token: str, enterprise_id: str) -> list[dict]:
    response = await identity.client.get(
        f"/enterprises/{enterprise_id}/tiers/history", headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def outbox_types(identity: Identity, org_id: str) -> list[tuple[str, int]]:
    """Events saved with the organisation's changes (what the change relay publishes)."""
    return [(e.get("type"), e.get("version")) for e in await stored_events(identity, [org_id])]


async def test_cultivation_rule_at_the_two_year_boundary(identity: Identity) -> None:
    _, op = await identity.bootstrap_operator()
    today = beijing_today(identity)
    founded = today.replace(year=today.year - 2) + dt.timedelta(days=3)  # turns two in 3 days
    enterprise_id, admin_email = await identity.register(
        op,
        {
            "type": "enterprise", "name": "边界测试企业", "credit_code": code("91110108MA01BND01"),
            "district": "haidian", "founding_date": founded.isoformat(), "domains": ["ai"],
        },
    )  # fmt: skip
    enterprise_token = await identity.token(admin_email)
    assert await tiers(identity, op, enterprise_id) == ["cultivation"]
    first = await history(identity, enterprise_token, enterprise_id)
    assert [(h["tier"], h["action"], h["automatic"]) for h in first] == [
        ("cultivation", "added", True)
    ]
    try:
        identity.clock.offset = dt.timedelta(days=2)  # the last day before turning two
        assert await tiers(identity, op, enterprise_id) == ["cultivation"]
        identity.clock.offset = dt.timedelta(days=3)  # second anniversary: 已满两年
        assert await tiers(identity, op, enterprise_id) == []
        later = await history(identity, op, enterprise_id)
    finally:
        identity.clock.offset = dt.timedelta()
    assert later[: len(first)] == first  # append-only: the old entry is untouched
    assert [(h["seq"], h["action"], h["automatic"]) for h in later] == [
        (1, "added", True),
        (2, "removed", True),
    ]
    types = await outbox_types(identity, enterprise_id)
    assert ("identity.organisation.registered", 1) in types or types == []
    assert all(t.startswith("identity.") for t, _ in types)


async def test_district_government_manages_its_own_district_only(identity: Identity) -> None:
    _, op = await identity.bootstrap_operator()
    certified = {"number": "GR202311004321", "expires_on": "2030-01-01"}
    base = {"type": "enterprise", "founding_date": "2016-01-01", "high_tech_certificate": certified}
    haidian_id, _ = await identity.register(
        op,
        {
            **base,
            "name": "海淀高企",
            "district": "haidian",
            "credit_code": code("91110108MA01HDQ01"),
        },
    )
    chaoyang_id, _ = await identity.register(
        op,
        {
            **base,
            "name": "朝阳高企",
            "district": "chaoyang",
            "credit_code": code("91110105MA01CYQ01"),
        },
    )
    _, gov_email = await identity.register(
        op, {"type": "government", "name": "海淀区政府", "kind": "district", "district": "haidian"}
    )
    gov = await identity.token(gov_email)
    add = {"tier": "small_to_scale", "action": "add", "reason": "海淀区推荐"}
    ok = await identity.client.post(
        f"/enterprises/{haidian_id}/tier-changes", json=add, headers=bearer(gov)
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["by"]["organisation_id"] is not None
    again = await identity.client.post(
        f"/enterprises/{haidian_id}/tier-changes", json=add, headers=bearer(gov)
    )
    assert again.status_code == 409 and code_of(again.json()) == "already_on_list"
    other = await identity.client.post(
        f"/enterprises/{chaoyang_id}/tier-changes", json=add, headers=bearer(gov)
    )
    assert other.status_code == 403
    remove = {"tier": "small_to_scale", "action": "remove", "reason": "不再符合条件"}
    gone = await identity.client.post(
        f"/enterprises/{haidian_id}/tier-changes", json=remove, headers=bearer(gov)
    )
    assert gone.status_code == 201
    assert await tiers(identity, gov, haidian_id) == []
    entries = await history(identity, op, haidian_id)
    assert [(e["action"], e["reason"]) for e in entries] == [
        ("added", "海淀区推荐"),
        ("removed", "不再符合条件"),
    ]


async def test_scale_lists_need_certification_and_certification_ends_cultivation(
    identity: Identity,
) -> None:
    _, op = await identity.bootstrap_operator()
    founded = (beijing_today(identity) - dt.timedelta(days=200)).isoformat()
    young_id, _ = await identity.register(
        op,
        {"type": "enterprise", "name": "年轻企业", "district": "bda", "founding_date": founded,
         "credit_code": code("91110302MA01YNG01")},
    )  # fmt: skip
    refused = await identity.client.post(
        f"/enterprises/{young_id}/tier-changes",
        json={"tier": "scale_to_strong", "action": "add", "reason": "推荐"},
        headers=bearer(op),
    )
    assert refused.status_code == 422 and code_of(refused.json()) == "not_certified"
    patched = await identity.client.patch(
        f"/organisations/{young_id}",
        json={"high_tech_certificate": {"number": "GR202411009999", "expires_on": "2027-11-30"}},
        headers=bearer(op),
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["tiers"] == []
    entries = await history(identity, op, young_id)
    assert [(e["action"], e["automatic"]) for e in entries] == [("added", True), ("removed", True)]
    assert "高新技术企业" in entries[-1]["reason"]


async def test_credit_code_with_wrong_check_character_is_a_clear_422(identity: Identity) -> None:
    _, op = await identity.bootstrap_operator()
    response = await identity.client.post(
        "/organisations",
        json={
            "organisation": {
                "type": "enterprise", "name": "校验位错误企业", "district": "haidian",
                "founding_date": "2020-01-01", "credit_code": "91110108551385082R",
            },
            "admin": {"name": "管理员", "email": "x@test.duijie.local", "password": "Abcdefgh-123"},
        },
        headers=bearer(op),
    )  # fmt: skip
    assert response.status_code == 422
    assert "校验位" in response.text and "credit_code" in response.text
