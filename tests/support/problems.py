"""Reading the house error body (RFC 9457 problem details) in tests."""

from __future__ import annotations

from typing import Any


def fields_of(body: dict[str, Any]) -> list[str]:
    """Every field a problem body names (problem details, or the auth layer's detail)."""
    if "errors" in body:
        return [e["field"] for e in body["errors"]]
    detail = body.get("detail")
    if isinstance(detail, dict):
        return [detail["field"]]
    return []


def field_of(body: dict[str, Any]) -> str:
    found = fields_of(body)
    assert found, f"no field named in {body}"
    return found[0]


def code_of(body: dict[str, Any]) -> str:
    """The first stable code (``errors[].code``, or the auth layer's ``detail.reason``)."""
    if "errors" in body:
        return str(body["errors"][0]["code"])
    return str(body["detail"]["reason"])
