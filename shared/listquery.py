"""The subset of MongoDB's filter language the services' lists use, evaluated in memory
(over the entries of a keyed list, :mod:`shared.keyed_lists`, and to re-check a page's
documents): equality (a scalar against an array field means "contains"; ``None`` matches
a missing field), ``$eq $ne $in $nin $gt $gte $lt $lte $exists``, ``$and``, ``$or``.
Anything else raises :class:`Unsupported`, and the caller reads the collection instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any


class Unsupported(Exception):
    """The filter uses an operator this module does not evaluate."""


COMPARE = {
    "$gt": lambda a, b: a > b,
    "$gte": lambda a, b: a >= b,
    "$lt": lambda a, b: a < b,
    "$lte": lambda a, b: a <= b,
}


def path_get(doc: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` (``None`` when any step is missing)."""
    node: Any = doc
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _norm(value: Any) -> Any:
    # BSON drops the zone of a stored datetime unless the client is tz-aware: compare in UTC
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _equal(actual: Any, wanted: Any) -> bool:
    if isinstance(actual, list) and not isinstance(wanted, list):
        return any(_norm(a) == _norm(wanted) for a in actual)
    return _norm(actual) == _norm(wanted)


def _compare(op: str, actual: Any, bound: Any) -> bool:
    values = actual if isinstance(actual, list) else [actual]
    for value in values:
        if value is None:
            continue
        try:
            if COMPARE[op](_norm(value), _norm(bound)):
                return True
        except TypeError:
            continue  # MongoDB compares only within a type bracket
    return False


def _is_operators(cond: Any) -> bool:
    return isinstance(cond, Mapping) and bool(cond) and all(k.startswith("$") for k in cond)


def _test(actual: Any, cond: Any) -> bool:
    if not _is_operators(cond):
        return _equal(actual, cond)
    for op, arg in cond.items():
        if op == "$eq":
            ok = _equal(actual, arg)
        elif op == "$ne":
            ok = not _equal(actual, arg)
        elif op == "$in":
            ok = any(_equal(actual, a) for a in arg)
        elif op == "$nin":
            ok = not any(_equal(actual, a) for a in arg)
        elif op in COMPARE:
            ok = _compare(op, actual, arg)
        elif op == "$exists":
            ok = (actual is not None) == bool(arg)
        else:
            raise Unsupported(op)
        if not ok:
            return False
    return True


def matches(query: Mapping[str, Any], doc: Mapping[str, Any]) -> bool:
    for key, cond in query.items():
        if key == "$and":
            ok = all(matches(part, doc) for part in cond)
        elif key == "$or":
            ok = any(matches(part, doc) for part in cond)
        elif key.startswith("$"):
            raise Unsupported(key)
        else:
            ok = _test(path_get(doc, key), cond)
        if not ok:
            return False
    return True


def referenced(query: Mapping[str, Any]) -> set[str]:
    """The field paths ``query`` reads (:class:`Unsupported` if it uses an operator
    :func:`matches` cannot evaluate)."""
    found: set[str] = set()
    for key, cond in query.items():
        if key in ("$and", "$or"):
            for part in cond:
                found |= referenced(part)
        elif key.startswith("$"):
            raise Unsupported(key)
        else:
            if _is_operators(cond):
                unknown = set(cond) - {"$eq", "$ne", "$in", "$nin", "$exists", *COMPARE}
                if unknown:
                    raise Unsupported(sorted(unknown)[0])
            found.add(key)
    return found


def _sort_key(value: Any) -> tuple[int, Any]:
    # MongoDB's order within what lists sort on: null first, then numbers, strings, dates
    value = _norm(value)
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (5, value)
    if isinstance(value, int | float):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    if isinstance(value, dt.datetime):
        return (4, value)
    return (3, str(value))


def sort_docs(docs: list[dict[str, Any]], sort: Sequence[tuple[str, int]]) -> list[dict]:
    """``docs`` in ``sort`` order (a list of (path, 1 | -1)); stable."""
    ordered = list(docs)
    for path, direction in reversed(list(sort)):

        def key(doc: dict[str, Any], path: str = path) -> tuple[int, Any]:
            return _sort_key(path_get(doc, path))

        ordered.sort(key=key, reverse=direction < 0)
    return ordered
