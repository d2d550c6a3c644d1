"""A moment or a day in a request lies in 2000-2099 and a moment carries its zone (issue
17): year 9999 overflowed to a 500 in roadshows (Beijing's month of 9999-12-31T23:00Z
is in year 10000), and a deadline without a zone was read as UTC, 8 hours off for a
Beijing user."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from shared.limits import Day, Moment

pytestmark = pytest.mark.unit


class Form(BaseModel):
    at: Moment  # type: ignore[valid-type]
    on: Day | None = None  # type: ignore[valid-type]


@pytest.mark.parametrize(
    "value",
    ["9999-12-31T23:00:00Z", "0001-01-01T00:00:00Z", "1999-12-31T23:59:59Z",
     "2100-01-01T12:00:00+08:00", "2027-03-01T09:00:00"],
)  # fmt: skip
def test_an_implausible_or_zoneless_moment_is_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        Form(at=value)


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "2100-01-01"])
def test_an_implausible_day_is_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        Form(at="2027-03-01T09:00:00+08:00", on=value)


@given(st.datetimes(min_value=dt.datetime(2000, 1, 2), max_value=dt.datetime(2099, 12, 30),
                    timezones=st.just(dt.UTC)))  # fmt: skip
def test_any_moment_of_the_century_passes_and_shifts_safely(moment: dt.datetime) -> None:
    form = Form(at=moment.isoformat(), on=moment.date().isoformat())
    assert form.at == moment and form.on == moment.date()
    # what the services do with it (a Beijing month, a day later) never overflows
    form.at.astimezone(dt.timezone(dt.timedelta(hours=8))) + dt.timedelta(days=366)
