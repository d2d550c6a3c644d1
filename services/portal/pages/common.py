"""What every signed-in page shares: the visitor dependency and problem-detail reading."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from services.portal.session import Visitor, signed_in

User = Annotated[Visitor, Depends(signed_in)]


def field_errors(body: Any) -> dict[str, str]:
    """A service's problem details as ``{field: message}`` for a form (already in the
    reader's language: the portal asks with its Accept-Language)."""
    if not isinstance(body, dict):
        return {}
    errors = body.get("errors")
    if isinstance(errors, list):
        return {str(e.get("field", "")): str(e.get("message", "")) for e in errors}
    detail = body.get("detail")
    if isinstance(detail, dict):
        return {str(detail.get("field", "")): str(detail.get("message", ""))}
    return {"": str(detail or "")}
