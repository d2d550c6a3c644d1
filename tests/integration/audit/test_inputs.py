"""Every operation of every service, as a user with hostile input (issue 17): paging
extremes, bodies that are null, an array, not JSON, deeply nested, too big or
mistyped, path ids that are huge or carry NUL, and bad tokens. Each answer must be a
4xx problem details body (Chinese by default, English on request), never a 500 and
never an acceptance. Faults are collected per service and reported together."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.audit.conftest import MINT, SERVICES, Service
from tests.integration.audit.probes import (
    BAD_PAGING,
    CALLERS,
    PAGING,
    Operation,
    caller_of,
    minimal_body,
    nested,
    operations,
    problem_fault,
    url,
)
from tests.support.auth import bearer

pytestmark = [pytest.mark.integration, pytest.mark.slow]
JSON = {"content-type": "application/json"}
EN = {"accept-language": "en"}


async def _admitted(svc: Service, doc: dict, op: Operation, body: Any) -> Any:
    """The first caller this operation lets through to validation (not 401/403)."""
    for org_type in CALLERS:
        caller = caller_of(org_type)
        response = await svc.call(caller, op.method, url(doc, op), body)
        if response.status_code not in (401, 403):
            return caller, response
    return None, None


async def _paging(svc: Service, doc: dict, op: Operation, faults: list[str]) -> None:
    names = PAGING & set(op.query)
    if op.method != "GET" or not names:
        return
    caller, baseline = await _admitted(svc, doc, op, None)
    if caller is None or baseline.status_code != 200:
        return  # a list needing a real parent: its paging is probed where one exists
    page = baseline.json()
    if not isinstance(page, dict) or "items" not in page:
        faults.append(f"{op}: list is not a page {{items, ...}}: {str(page)[:120]}")
    for name in sorted(names):
        for value in BAD_PAGING[name]:
            r = await svc.call(caller, "GET", url(doc, op), params={name: value}, headers=EN)
            if fault := problem_fault(r, "en"):
                faults.append(f"{op} ?{name}={value}: {fault}")


BODIES: list[tuple[str, bytes, dict[str, str]]] = [
    ("empty", b"", JSON),
    ("null", b"null", JSON),
    ("array", b"[]", JSON),
    ("string", b'"x"', JSON),
    ("malformed", b'{"a": ', JSON),
    ("text/plain", b"hello", {"content-type": "text/plain"}),
    ("nested 100000", nested(100_000).encode(), JSON),
    ("NaN", b'{"a": NaN}', JSON),
    ("lone surrogate", b'{"a": "\\ud800"}', JSON),
    ("2 MB", b'{"a": "' + b"x" * 2_000_000 + b'"}', JSON),
]


async def _bodies(svc: Service, doc: dict, op: Operation, faults: list[str]) -> None:
    if op.body is None:
        return
    caller, _ = await _admitted(svc, doc, op, {})
    if caller is None:
        return
    target = url(doc, op)
    for name, content, headers in BODIES:
        r = await svc.call(caller, op.method, target, content=content, headers=headers)
        if fault := problem_fault(r):
            faults.append(f"{op} body {name}: {fault}")
    for name in _string_props(op.body):
        if "password" in name:
            continue  # a secret: hashed at once, never stored or shown as given
        body = minimal_body(doc, op.body) | {name: "测试\x00"}
        r = await svc.call(caller, op.method, target, body, headers=EN)
        named = r.status_code == 422 and any(e["field"] == name for e in r.json()["errors"])
        if not named and r.status_code not in (401, 403, 404, 409):
            faults.append(f"{op} {name} with NUL: {r.status_code} {r.text[:200]}")


def _string_props(schema: dict[str, Any]) -> dict[str, str]:
    """Top-level free-text properties (no enum, no format), with a plausible value."""
    out = {}
    for name, prop in schema.get("properties", {}).items():
        options = prop.get("anyOf", [prop])
        if any(o.get("type") == "string" and "enum" not in o and "format" not in o
               and "pattern" not in o for o in options):  # fmt: skip
            out[name] = "测试"
    return out


async def _ids(svc: Service, doc: dict, op: Operation, faults: list[str]) -> None:
    free = [n for n, s in op.path_params.items() if s.get("type") == "string" and "enum" not in s]
    if not free:
        return
    caller = caller_of(CALLERS[0])
    for label, value in (("5000-char id", "x" * 5000), ("NUL id", "a%00b"),
                         ("emoji id", "😀\u202e１２")):  # fmt: skip
        r = await svc.call(caller, op.method, url(doc, op, **{free[0]: value}), {})
        if r.status_code >= 500 or (r.status_code < 400 and op.method != "GET"):
            faults.append(f"{op} {label}: {r.status_code} {r.text[:200]}")
    # an unknown id, as every org type: the refusal (403/404/409/422) in each language
    for org_type in CALLERS:
        for lang, headers in (("en", EN), ("zh", {})):
            r = await svc.call(caller_of(org_type), op.method, url(doc, op),
                               minimal_body(doc, op.body) if op.body else None,
                               headers=headers)  # fmt: skip
            if r.status_code >= 400 and (fault := problem_fault(r, lang)):
                faults.append(f"{op} as {org_type} ({lang}): {fault}")


async def _auth(svc: Service, doc: dict, op: Operation, faults: list[str]) -> None:
    if op.public:
        return
    tokens = MINT.bad_tokens(caller_of(CALLERS[1]))
    tokens["alg none"] = _alg_none()
    for label, token in tokens.items():
        r = await svc.call(None, op.method, url(doc, op), {}, headers=bearer(token))
        if r.status_code != 401 or (fault := problem_fault(r)):
            faults.append(f"{op} token {label}: {r.status_code} {fault or r.text[:200]}")


def _alg_none() -> str:
    import base64

    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    claims = caller_of(CALLERS[0]).to_claims() | {"iss": MINT.issuer, "aud": MINT.audience,
                                                  "exp": 4102444800, "iat": 1700000000}  # fmt: skip
    return f"{part({'alg': 'none', 'typ': 'at+jwt', 'kid': MINT.key.kid})}.{part(claims)}."


@pytest.mark.parametrize("name", SERVICES)
async def test_every_operation_refuses_hostile_input_cleanly(
    services: dict[str, Service], name: str
) -> None:
    svc = services[name]
    doc = svc.app.openapi()
    faults: list[str] = []
    for op in operations(doc):
        for probe in (_paging, _bodies, _ids, _auth):
            try:
                await probe(svc, doc, op, faults)
            except Exception as exc:  # a dropped connection is a fault too
                faults.append(f"{op} {probe.__name__}: raised {type(exc).__name__}: {exc}"[:300])
    for method, path in (("GET", "/no-such-route"), ("PATCH", "/healthz")):
        r = await svc.call(caller_of(CALLERS[0]), method, path)
        if fault := problem_fault(r):
            faults.append(f"{method} {path}: {fault}")
    assert not faults, f"{len(faults)} faults:\n" + "\n".join(faults)


@pytest.mark.parametrize("name", SERVICES)
async def test_the_openapi_document_names_the_problem_body(
    services: dict[str, Service], name: str
) -> None:
    doc = (await services[name].client.get("/openapi.json")).json()
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for op in operations(doc):
        responses = doc["paths"][op.path][op.method.lower()]["responses"]
        assert responses.get("4XX", {}).get("content") == problem, op
        assert all(r["content"] == problem for c, r in responses.items() if c.startswith("4")), op
