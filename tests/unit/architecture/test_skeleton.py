"""One skeleton for every service, enforced: the web framework stays in ``api/`` and the
composition root, database operators stay in ``storage/``, and no service imports
another service (they learn of each other through events only)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
SERVICES = sorted(p for p in (ROOT / "services").iterdir() if (p / "main.py").exists())
WEB = ("fastapi", "starlette")
OPERATOR = re.compile(r"^\$[a-zA-Z]+$")
JSON_SCHEMA = {"$ref", "$defs", "$schema", "$id"}  # not database operators
#: the portal is a web front end with no domain or storage: all of it is the web layer
WEB_ONLY = {"portal"}


def _modules(service: Path) -> list[Path]:
    return sorted(service.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_there_are_services() -> None:
    assert {"identity", "techtransfer", "matching", "notifications"} <= {s.name for s in SERVICES}


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_the_web_framework_stays_in_api_and_the_composition_root(service: Path) -> None:
    if service.name in WEB_ONLY:
        pytest.skip(f"{service.name} is a web front end: no layer below the web")
    allowed = {service / "main.py", service / "__main__.py"}
    offenders = [
        _rel(p)
        for p in _modules(service)
        if "api" not in p.relative_to(service).parts[:1]
        and p not in allowed
        and any(i.split(".")[0] in WEB for i in _imports(p))
    ]
    assert offenders == [], "import fastapi/starlette only in api/ and main.py"


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_database_operators_stay_in_storage(service: Path) -> None:
    offenders = []
    for p in _modules(service):
        if p.relative_to(service).parts[0] == "storage":
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and OPERATOR.match(value) and value not in JSON_SCHEMA:
                offenders.append(f"{_rel(p)}:{getattr(node, 'lineno', 0)} {value}")
    assert offenders == [], "Mongo operators ($set, $or, ...) belong in storage/"


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_no_service_imports_another(service: Path) -> None:
    others = {f"services.{s.name}" for s in SERVICES if s != service}
    offenders = [
        f"{_rel(p)} imports {i}"
        for p in _modules(service)
        for i in _imports(p)
        if any(i == o or i.startswith(o + ".") for o in others)
    ]
    assert offenders == []


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_no_service_writes_with_the_old_outbox_or_guarded_updates(service: Path) -> None:
    banned = {"shared.outbox"}
    offenders = [
        f"{_rel(p)} imports {i}" for p in _modules(service) for i in _imports(p) if i in banned
    ]
    text = "\n".join(p.read_text(encoding="utf-8") for p in _modules(service))
    for call in ("find_one_and_update", "update_one_where", '"$inc"'):
        if call in text:
            offenders.append(f"{service.name} uses {call}")
    assert offenders == [], "change state through shared.store (unique-insert changes)"
