"""Turn the domain's errors into HTTP answers of the house shape.

Bodies look like every other error in Duijie (``shared.auth`` and identity):
``{"detail": {"field", "reason", "message"}}`` where ``reason`` is the domain's stable code
(``invalid``, ``forbidden``, ``conflict``, ``invalid_transition``, ``not_found``) and
``message`` says why in words. The status comes from the error class.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from services.techtransfer.domain.errors import DomainError


def error_body(exc: DomainError) -> dict[str, dict[str, str]]:
    return {"detail": {"field": exc.field, "reason": exc.code, "message": exc.reason}}


async def handle_domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return JSONResponse(error_body(exc), status_code=exc.status)
