"""Identity's inputs are bounded and refuse control characters, and its lists page the
one way ({items, total, limit, offset}, bounded parameters) (issue 17)."""

from __future__ import annotations

import pytest

from shared.paging import MAX_OFFSET
from tests.integration.identity.conftest import Identity, bearer
from tests.support.problems import field_of

pytestmark = pytest.mark.integration
UNIVERSITY = {"type": "university", "name": "测试大学", "kind": "university"}


@pytest.mark.parametrize(
    ("organisation", "admin", "field"),
    [
        ({**UNIVERSITY, "name": "测试\x00大学"}, {}, "organisation.name"),
        ({**UNIVERSITY, "name": "大" * 121}, {}, "organisation.name"),
        ({**UNIVERSITY, "domains": ["ai"] * 15}, {}, "organisation.domains"),
        (UNIVERSITY, {"name": "管理\x07员"}, "admin.name"),
        (UNIVERSITY, {"password": "x" * 300}, "admin.password"),
    ],
)
async def test_registration_is_bounded(
    identity: Identity, organisation: dict, admin: dict, field: str
) -> None:
    _, op = await identity.bootstrap_operator()
    body = {
        "organisation": organisation,
        "admin": {"name": "管理员", "email": "a@test.duijie.local", "password": "Abcdefgh-123"}
        | admin,
    }
    response = await identity.client.post("/organisations", json=body, headers=bearer(op))
    assert response.status_code == 422, response.text
    # the profile union's tag ("university") is no field: organisation.name, not
    # organisation.university.name
    assert field_of(response.json()) == field


async def test_lists_page_the_same_way(identity: Identity) -> None:
    org_id, op = await identity.bootstrap_operator()
    await identity.register(op, UNIVERSITY)
    for path in ("/organisations", f"/organisations/{org_id}/users"):
        page = (await identity.client.get(path, headers=bearer(op), params={"limit": 1})).json()
        assert set(page) == {"items", "total", "limit", "offset"}, page
        assert len(page["items"]) == 1 and page["total"] >= 1
        for offset in (10**30, MAX_OFFSET + 1):
            huge = await identity.client.get(path, headers=bearer(op), params={"offset": offset})
            assert huge.status_code == 422 and field_of(huge.json()) == "offset"
    patch = await identity.client.patch(
        f"/organisations/{org_id}", json={"name": "运\x1b营"}, headers=bearer(op)
    )
    assert patch.status_code == 422 and field_of(patch.json()) == "name"
