"""A 404 names the missing thing in the reader's language (issue 17): the markets passed
"路演 / roadshow" and answered "no such 路演 / roadshow" to an English reader and
"未找到路演 / roadshow" to a Chinese one."""

from __future__ import annotations

import pytest

from shared.errors import NotFoundError, not_found

pytestmark = pytest.mark.unit


def test_each_language_gets_its_own_noun() -> None:
    err = not_found("roadshow_id", "路演 / roadshow")()
    assert isinstance(err, NotFoundError) and err.status == 404
    (problem,) = err.problems
    assert (problem.field, problem.code) == ("roadshow_id", "not_found")
    assert problem.message("zh") == "未找到路演" and problem.message("en") == "no such roadshow"


@pytest.mark.parametrize("service", ["talent", "scenarios", "roadshows", "catalogue"])
def test_every_market_uses_it(service: str) -> None:
    import importlib

    module = importlib.import_module(f"services.{service}.usecases")
    (problem,) = module.not_found("x_id", "场景 / scenario")().problems
    assert problem.message("en") == "no such scenario" and problem.message("zh") == "未找到场景"
