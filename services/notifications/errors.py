"""The errors notifications raises from its use cases: the shared hierarchy
(``shared/errors.py``), which the web layer turns into problem details."""

from __future__ import annotations

from shared.errors import ConflictError, InvalidInput, NotFoundError


def not_found(field: str, what_zh: str, what_en: str = "record") -> NotFoundError:
    return NotFoundError(field, "not_found", zh=f"{what_zh}不存在", en=f"{what_en} not found")


def conflict(field: str, code: str, zh: str, en: str) -> ConflictError:
    return ConflictError(field, code, zh=zh, en=en)


def invalid(field: str, code: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(field, code, zh=zh, en=en)
