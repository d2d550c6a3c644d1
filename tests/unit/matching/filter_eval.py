"""A tiny evaluator of the filter clauses the ranking core emits, for pure tests."""

from __future__ import annotations

from typing import Any


def _values(doc: dict[str, Any], field: str) -> list[Any]:
    v = doc.get(field)
    if v is None or v == []:
        return []
    return v if isinstance(v, list) else [v]


def matches(clause: dict[str, Any], doc: dict[str, Any]) -> bool:
    ((kind, arg),) = clause.items()
    if kind == "match_all":
        return True
    if kind == "term":
        ((field, value),) = ((k, v) for k, v in arg.items() if k != "boost")
        return value in _values(doc, field)
    if kind == "terms":
        ((field, values),) = ((k, v) for k, v in arg.items() if k != "boost")
        return bool(set(values) & set(_values(doc, field)))
    if kind == "exists":
        return bool(_values(doc, arg["field"]))
    if kind == "range":
        ((field, bounds),) = arg.items()
        vals = _values(doc, field)
        ops = {"gte": lambda a, b: a >= b, "lte": lambda a, b: a <= b}
        return any(all(ops[op](v, b) for op, b in bounds.items()) for v in vals)
    if kind == "terms_set":
        ((field, spec),) = arg.items()
        need = doc.get(spec["minimum_should_match_field"], 0)
        held = set(spec["terms"])
        return sum(1 for v in _values(doc, field) if v in held) >= need
    if kind == "bool":
        if not all(matches(c, doc) for c in arg.get("filter", []) + arg.get("must", [])):
            return False
        if any(matches(c, doc) for c in arg.get("must_not", [])):
            return False
        should = arg.get("should", [])
        if should and arg.get("minimum_should_match", 0):
            return sum(matches(c, doc) for c in should) >= arg["minimum_should_match"]
        return True
    raise AssertionError(f"unexpected clause {kind}")


def all_match(clauses: list[dict[str, Any]], doc: dict[str, Any]) -> bool:
    return all(matches(c, doc) for c in clauses)
