"""Property tests on the shared input limits (shared/limits.py) and paging
(shared/paging.py): whatever a client sends, a bounded type either accepts a value that
keeps its promise (length, count, no control characters, exact integer type) or refuses
it with a validation error naming the field, never anything else (issue 17)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from shared.limits import Cny, Codes, Count, Keywords, Text, Title, Url
from shared.paging import MAX_LIMIT, MAX_OFFSET, Page, PageParams

pytestmark = pytest.mark.unit
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Body(BaseModel):
    title: Title | None = None
    text: Text | None = None
    codes: Codes | None = None
    keywords: Keywords | None = None
    url: Url | None = None
    cny: Cny | None = None
    count: Count | None = None


def _check(field: str, value: object) -> object | None:
    """The accepted value, or None when refused (the error names exactly this field)."""
    try:
        return getattr(Body.model_validate({field: value}), field)
    except ValidationError as exc:
        assert {err["loc"][0] for err in exc.errors()} == {field}
        return None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_title_is_bounded_and_clean(value: str) -> None:
    kept = _check("title", value)
    fits = 1 <= len(value) <= 200 and not CONTROL.search(value)
    assert (kept == value) if fits else kept is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=40))
def test_keywords_count_and_length(values: list[str]) -> None:
    kept = _check("keywords", values)
    fits = len(values) <= 30 and all(1 <= len(v) <= 50 and not CONTROL.search(v) for v in values)
    assert (kept == values) if fits else kept is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=70), max_size=25))
def test_codes_are_plain_identifiers(values: list[str]) -> None:
    kept = _check("codes", values)
    if kept is not None:
        assert len(kept) <= 20
        assert all(re.fullmatch(r"[A-Za-z0-9_.:\-]{1,64}", v) for v in kept)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.booleans(), st.text(max_size=5), st.integers(), st.floats(allow_nan=True)))
def test_numbers_are_strict(value: object) -> None:
    for field in ("cny", "count"):
        kept = _check(field, value)
        if kept is not None:
            assert type(kept) in (int, float) and not isinstance(kept, bool)
            assert type(kept) is type(value)  # never coerced from a string or a bool
            assert kept >= 0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=100))
def test_text_never_keeps_control_characters(value: str) -> None:
    kept = _check("text", value)
    assert kept is None or not CONTROL.search(str(kept))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(2**70), max_value=2**70), st.integers(-(2**70), 2**70))
def test_paging_is_bounded(limit: int, offset: int) -> None:
    try:
        params = PageParams(limit=limit, offset=offset)
    except ValidationError:
        assert not (1 <= limit <= MAX_LIMIT and 0 <= offset <= MAX_OFFSET)
        return
    items = list(range(50))
    page = Page.slice(items, params)
    assert page.total == 50 and len(page.items) <= params.limit
    assert page.items == items[offset : offset + limit]
