"""What the audit sends and what it expects back: the operations of a service's OpenAPI
document, values for their path parameters, hostile variants of query and body, and the
check that an answer is a problem details body (RFC 9457) in the asked-for language."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from shared.auth import Caller, OrgType, Role
from tests.support.auth import make_caller

PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}
PAGING = {"limit", "offset", "page", "size"}
# Every organisation type, operator first: the first one an operation admits is used.
CALLERS = [OrgType.operator, *[t for t in OrgType if t is not OrgType.operator]]


@dataclass
class Operation:
    method: str
    path: str
    query: dict[str, dict[str, Any]]
    path_params: dict[str, dict[str, Any]]
    body: dict[str, Any] | None
    public: bool

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    return schema


def operations(doc: dict[str, Any]) -> list[Operation]:
    ops = []
    for path, item in doc["paths"].items():
        if path in ("/healthz", "/readyz"):
            continue
        for method, op in item.items():
            params = op.get("parameters", [])
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            ops.append(Operation(
                method.upper(), path,
                {p["name"]: p.get("schema", {}) for p in params if p["in"] == "query"},
                {p["name"]: p.get("schema", {}) for p in params if p["in"] == "path"},
                resolve(doc, body["schema"]) if body else None,
                public=not op.get("security"),
            ))  # fmt: skip
    return ops


def path_value(doc: dict[str, Any], name: str, schema: dict[str, Any]) -> str:
    schema = resolve(doc, schema)
    for option in [schema, *schema.get("anyOf", [])]:
        option = resolve(doc, option)
        if option.get("enum"):
            return str(option["enum"][0])
    if schema.get("type") == "integer" or name in ("year", "index"):
        return "2026" if name == "year" else "0"
    return f"nope-{uuid.uuid4().hex[:8]}"


def url(doc: dict[str, Any], op: Operation, **override: str) -> str:
    path = op.path
    for name, schema in op.path_params.items():
        path = path.replace("{" + name + "}", override.get(name) or path_value(doc, name, schema))
    return path


def minimal_body(doc: dict, schema: dict[str, Any] | None) -> Any:
    """A value with every required field given a plain one (to get past validation)."""
    if schema is None:
        return {}
    schema = resolve(doc, schema)
    schema = resolve(doc, schema.get("anyOf", schema.get("oneOf", [schema]))[0])
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        return {n: minimal_body(doc, schema["properties"][n]) for n in schema.get("required", [])
                if n in schema.get("properties", {})}  # fmt: skip
    if kind == "array" and "prefixItems" in schema:  # a pair such as a budget band
        return [minimal_body(doc, item) for item in schema["prefixItems"]]
    if kind == "array":
        return [minimal_body(doc, schema.get("items", {}))] * schema.get("minItems", 0)
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    return {"email": "a@example.cn", "date-time": "2030-01-01T00:00:00+08:00",
            "date": "2030-01-01", "uri": "https://example.cn"}.get(
        schema.get("format", ""), "audit-1")  # fmt: skip


def caller_of(org_type: OrgType) -> Caller:
    return make_caller(org_type, role=Role.admin)


def problem_fault(response: httpx.Response, lang: str = "zh") -> str | None:
    """Why this 4xx answer is not a proper problem details body (None when it is)."""
    if response.status_code >= 500:
        return f"server error {response.status_code}: {response.text[:200]}"
    if response.status_code < 400:
        return f"accepted ({response.status_code}): {response.text[:200]}"
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return f"{response.status_code} not problem+json: {response.text[:200]}"
    body = response.json()
    if not set(body) >= PROBLEM_KEYS or not body["errors"]:
        return f"{response.status_code} problem without {PROBLEM_KEYS}: {body}"
    for error in body["errors"]:
        if set(error) != {"field", "code", "message"}:
            return f"error entry not {{field, code, message}}: {error}"
    text = body["title"] + "".join(e["message"] for e in body["errors"])
    has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    if lang == "zh" and not has_cjk:
        return f"{response.status_code} not in Chinese by default: {body}"
    if lang == "en" and has_cjk:
        return f"{response.status_code} Chinese for an English reader: {body}"
    if response.status_code == 401 and "www-authenticate" not in response.headers:
        return "401 without WWW-Authenticate"
    return None


def nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


BAD_PAGING: dict[str, list[Any]] = {
    "limit": [0, -1, 10**6, "abc", 1.5],
    "offset": [-1, 10**30, "x"],
    "page": [0, -1, 10**30, "x"],
    "size": [0, -1, 10**6, "x"],
}
