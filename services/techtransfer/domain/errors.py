"""Domain errors: each names the offending field and the reason, plus a stable code.

They are :mod:`shared.errors` classes, so ``shared/web.py`` renders them as RFC 9457
problem details (``errors: [{field, code, message}]``) with the class's status; nothing
here imports a web framework.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import ValidationError

from shared.errors import ConflictError, DuijieError, ForbiddenError, InvalidInput, NotFoundError


class DomainError(DuijieError):
    """A rule of the domain was broken; ``field`` says where, ``reason`` says why."""

    default_code: ClassVar[str] = "domain_error"

    def __init__(self, field: str, reason: str, code: str | None = None) -> None:
        super().__init__(field, code or self.default_code, zh=reason, en=reason)
        self.reason = reason

    def as_dict(self) -> dict[str, str]:
        """The error as a plain mapping (CLI output, logs)."""
        return {"code": self.code, "field": self.field, "reason": self.reason}


class Invalid(DomainError, InvalidInput):
    """The input itself is wrong (out of range, inconsistent, in the past)."""

    default_code = "invalid"


class Forbidden(DomainError, ForbiddenError):
    """The actor may not do this (not the owner, wrong kind of organisation)."""

    default_code = "forbidden"


class NotFound(DomainError, NotFoundError):
    """A referenced thing does not exist (or is not visible to the actor)."""

    default_code = "not_found"


class Conflict(DomainError, ConflictError):
    """The request clashes with the current state (duplicate, wrong state, too late)."""

    default_code = "conflict"


class InvalidTransition(Conflict):
    """The entity's state does not allow this action."""

    default_code = "invalid_transition"


def invalid_from_validation(exc: ValidationError) -> Invalid:
    """Turn pydantic's first error into an ``Invalid`` naming the field (dotted path)."""
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "body"
    return Invalid(field, first["msg"].removeprefix("Value error, "))
