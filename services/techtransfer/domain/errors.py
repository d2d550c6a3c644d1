"""Domain errors: each names the offending field and the reason, plus a stable code.

The HTTP layer maps the class to a status (``status`` below) and renders
``{"code", "field", "reason"}``; nothing here imports a web framework.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import ValidationError


class DomainError(Exception):
    """A rule of the domain was broken; ``field`` says where, ``reason`` says why."""

    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "domain_error"

    def __init__(self, field: str, reason: str, code: str | None = None) -> None:
        self.field = field
        self.reason = reason
        self.code = code or self.default_code
        super().__init__(f"{field}: {reason}")

    def as_dict(self) -> dict[str, str]:
        """The body an API returns for this error."""
        return {"code": self.code, "field": self.field, "reason": self.reason}


class Invalid(DomainError):
    """The input itself is wrong (out of range, inconsistent, in the past)."""

    status = 422
    default_code = "invalid"


class Forbidden(DomainError):
    """The actor may not do this (not the owner, wrong kind of organisation)."""

    status = 403
    default_code = "forbidden"


class NotFound(DomainError):
    """A referenced thing does not exist (or is not visible to the actor)."""

    status = 404
    default_code = "not_found"


class Conflict(DomainError):
    """The request clashes with the current state (duplicate, wrong state, too late)."""

    status = 409
    default_code = "conflict"


class InvalidTransition(Conflict):
    """The entity's state does not allow this action."""

    default_code = "invalid_transition"


def invalid_from_validation(exc: ValidationError) -> Invalid:
    """Turn pydantic's first error into an ``Invalid`` naming the field (dotted path)."""
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "body"
    return Invalid(field, first["msg"].removeprefix("Value error, "))
