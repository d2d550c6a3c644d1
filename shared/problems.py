"""RFC 9457 problem details for every error a client sees, in Simplified Chinese by
default and English by ``Accept-Language``.

One body shape for all of them: ``{type, title, status, detail, errors: [{field, code,
message}]}`` with ``application/problem+json``. ``field`` is a dotted path into the
request (``content.trl``, ``keywords.3``); ``code`` is stable (pydantic's error type for
validation, the domain's own code otherwise). Validation messages are translated here
from pydantic's error types; the domain's come with both languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi.responses import JSONResponse

from shared.errors import DuijieError, Problem

MEDIA_TYPE = "application/problem+json"
_TAG = re.compile(r"^(str|int|float|bool|bytes|none|list\[.*\]|dict\[.*\]|.*[\[\-].*)$")
_SOURCES = {"body", "query", "path", "header", "cookie"}

#: pydantic error type -> (zh, en) with {ctx} placeholders
_ZH_EN: dict[str, tuple[str, str]] = {
    "missing": ("必填", "required"),
    "string_too_long": ("长度不能超过 {max_length} 个字符", "at most {max_length} characters"),
    "string_too_short": ("长度不能少于 {min_length} 个字符", "at least {min_length} characters"),
    "too_long": ("最多 {max_length} 项", "at most {max_length} items"),
    "too_short": ("至少 {min_length} 项", "at least {min_length} items"),
    "greater_than_equal": ("不能小于 {ge}", "must be at least {ge}"),
    "greater_than": ("必须大于 {gt}", "must be greater than {gt}"),
    "less_than_equal": ("不能大于 {le}", "must be at most {le}"),
    "less_than": ("必须小于 {lt}", "must be less than {lt}"),
    "int_type": ("必须是整数", "must be an integer"),
    "int_parsing": ("必须是整数", "must be an integer"),
    "int_from_float": ("必须是整数", "must be a whole number"),
    "float_type": ("必须是数字", "must be a number"),
    "float_parsing": ("必须是数字", "must be a number"),
    "bool_type": ("必须是布尔值", "must be true or false"),
    "bool_parsing": ("必须是布尔值", "must be true or false"),
    "string_type": ("必须是字符串", "must be a string"),
    "list_type": ("必须是列表", "must be a list"),
    "dict_type": ("必须是对象", "must be an object"),
    "model_type": ("必须是对象", "must be an object"),
    "literal_error": ("取值必须是 {expected} 之一", "must be one of {expected}"),
    "enum": ("取值必须是 {expected} 之一", "must be one of {expected}"),
    "string_pattern_mismatch": ("格式不正确", "does not match the expected format"),
    "datetime_parsing": ("不是有效的日期时间", "not a valid date-time"),
    "datetime_type": ("不是有效的日期时间", "not a valid date-time"),
    "date_parsing": ("不是有效的日期", "not a valid date"),
    "date_from_datetime_parsing": ("不是有效的日期", "not a valid date"),
    "timezone_aware": ("需要带时区的时间", "needs a time zone"),
    "extra_forbidden": ("不允许的字段", "unknown field"),
    "json_invalid": ("请求体不是合法的 JSON", "the body is not valid JSON"),
    "url_parsing": ("不是有效的网址", "not a valid URL"),
    "uuid_parsing": ("不是有效的标识", "not a valid id"),
    "finite_number": ("必须是有限数字", "must be a finite number"),
}


def field_path(loc: Sequence[Any], body: Any = None, *, missing: bool = False) -> str:
    """``("body", "content", "keywords", 3)`` -> ``content.keywords.3``. Union-member tags
    pydantic inserts are not fields and are dropped: type tags (``str``,
    ``function-after[...]``) always, and a discriminated union's tag (``organisation.
    university.name`` -> ``organisation.name``) when the request ``body`` shows it: a
    segment that is no key of the object it indexes but the value of one of its members
    (the discriminator's) is the tag; ``missing``: the last segment names an absent field,
    never a tag."""
    parts = list(loc)
    from_body = bool(parts) and parts[0] == "body"
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    kept: list[str] = []
    here = body if from_body else None
    for i, part in enumerate(parts):
        last_missing = missing and i == len(parts) - 1
        if isinstance(part, str) and not last_missing and _is_union_tag(here, part):
            continue  # stay on the same object: the tag only names its union member
        if not isinstance(part, int) and _TAG.match(str(part)):
            continue
        kept.append(str(part))
        here = _step(here, part)
    return ".".join(kept) or "body"


def _is_union_tag(obj: Any, part: str) -> bool:
    if not isinstance(obj, Mapping) or part in obj:
        return False
    return any(isinstance(v, str) and v == part for v in obj.values())


def _step(obj: Any, part: Any) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(part)
    if isinstance(obj, list) and isinstance(part, int) and 0 <= part < len(obj):
        return obj[part]
    return None


def _value_error(message: str) -> tuple[str, str]:
    text = re.sub(r"^(Value|Assertion) error, ", "", message)
    zh, sep, en = text.partition(" / ")
    return (zh, en) if sep else (text, text)


def validation_problems(errors: Iterable[Mapping[str, Any]], body: Any = None) -> list[Problem]:
    """pydantic/FastAPI validation errors as problems (field, code, zh, en); ``body`` (the
    parsed request body, when there is one) lets union tags be told from fields."""
    out = []
    for err in errors:
        code = str(err.get("type", "value_error"))
        loc = err.get("loc", ())
        ctx = {k: _show(v) for k, v in (err.get("ctx") or {}).items()}
        if code == "json_invalid":
            at = next((p for p in loc if isinstance(p, int)), None)
            zh, en = _ZH_EN[code]
            if at is not None:
                zh, en = f"{zh}（第 {at} 个字符附近）", f"{en} (near character {at})"
            out.append(Problem("body", code, zh, en))
            continue
        if code in _ZH_EN:
            zh, en = (t.format(**ctx) if ctx else t for t in _ZH_EN[code])
        else:
            zh, en = _value_error(str(err.get("msg", "invalid")))
        out.append(Problem(field_path(loc, body, missing=code == "missing"), code, zh, en))
    return out


def _show(value: Any) -> str:
    return str(value).replace("'", "")


def problem_response(
    status: int,
    problems: list[Problem],
    *,
    lang: str,
    title: tuple[str, str],
    code: str,
    headers: dict[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """The problem details of ``problems``; ``extensions`` are added members (RFC 9457
    3.2), e.g. a 5xx's ``correlationid``."""
    errors = [{"field": p.field, "code": p.code, "message": p.message(lang)} for p in problems]
    return JSONResponse(
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers,
        content={
            "type": f"urn:duijie:problem:{code}",
            "title": title[1] if lang == "en" else title[0],
            "status": status,
            "detail": "; ".join(f"{e['field']}: {e['message']}" for e in errors),
            "errors": errors,
            **(extensions or {}),
        },
    )


def error_response(exc: DuijieError, lang: str) -> JSONResponse:
    return problem_response(
        exc.status,
        exc.problems,
        lang=lang,
        title=(exc.title_zh, exc.title_en),
        code=exc.code,
        headers=exc.headers,
    )
