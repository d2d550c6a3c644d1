"""Bounded, control-character-free text types for talent's models (``shared.limits``'
bounds, spelt as plain ``Annotated`` aliases so type checkers accept them as types)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from shared.limits import no_control_chars

_clean = AfterValidator(no_control_chars)
Name = Annotated[str, Field(min_length=1, max_length=200), _clean]
Title = Name
ShortText = Annotated[str, Field(max_length=500), _clean]
Why = Annotated[str, Field(min_length=1, max_length=500), _clean]  # a reason: never blank
Text = Annotated[str, Field(max_length=10_000), _clean]
