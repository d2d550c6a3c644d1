"""Validation field paths name request fields only: a discriminated union's tag
(``organisation.university.name``) is dropped like pydantic's type tags, wherever the
union sits, and a missing field is never mistaken for a tag (issue 17)."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field, ValidationError

from shared.problems import field_path, validation_problems
from shared.web import install_error_handlers

pytestmark = pytest.mark.unit


class Cat(BaseModel):
    type: Literal["cat"]
    name: str = Field(max_length=5)


class Dog(BaseModel):
    type: Literal["dog"]
    name: str = Field(max_length=5)
    kind: Literal["big", "small"]


Pet = Annotated[Cat | Dog, Field(discriminator="type")]


class Owner(BaseModel):
    pet: Pet
    pets: list[Pet] = Field(default_factory=list)
    nick: str | int | None = None


def paths(body: dict) -> list[str]:
    try:
        Owner.model_validate(body)
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        return [p.field for p in validation_problems(errors, body)]
    raise AssertionError("valid")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"pet": {"type": "cat", "name": "toolong"}}, ["pet.name"]),
        ({"pet": {"type": "dog", "name": "rex"}}, ["pet.kind"]),  # missing: kept
        ({"pet": {"type": "cat"}}, ["pet.name"]),
        ({"pet": {"type": "dog", "name": "r", "kind": "huge"}}, ["pet.kind"]),
        (
            {"pet": {"type": "cat", "name": "a"}, "pets": [{"type": "dog", "name": "abcdefg"}]},
            ["pets.0.name", "pets.0.kind"],
        ),
    ],
)
def test_union_tags_are_not_fields(body: dict, expected: list[str]) -> None:
    assert paths(body) == expected


def test_a_missing_field_named_like_a_value_stays() -> None:
    # the member's "name" is the string "kind": the missing "kind" is still a field
    assert paths({"pet": {"type": "dog", "name": "kind"}}) == ["pet.kind"]


def test_without_a_body_the_old_rule_holds() -> None:
    assert field_path(("query", "offset")) == "offset"
    assert field_path(("body", "a", "function-after[x()]", 3)) == "a.3"


def test_through_the_http_layer() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/owners")
    async def create(body: Owner) -> dict:
        return {}

    response = TestClient(app).post(
        "/owners", json={"pet": {"type": "dog", "name": "toolong", "kind": "big"}}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["pet.name"]
