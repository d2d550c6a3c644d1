"""Which database commands scan a collection on the local engine (FerretDB 1.x, SQLite).

Measured here at 20,000 documents: only ``{_id: <value>}`` is answered from an index
(0.5-1.3 ms); ``{_id: {$in: [20 ids]}}`` and an ``_id`` range took 350-750 ms, a find by
another field with limit 20 about 100 ms, its count about 450 ms: each of those read the
whole collection. So a read is *keyed* only when its filter pins ``_id`` to one value.

:class:`ScanWatch` is a PyMongo command listener for benches and tests: it records every
read or write whose filter is not keyed, by database, collection, command and the
filter's field names (values are never kept: they may carry personal data).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo import monitoring

#: commands that select documents by a filter, and where their filter(s) are
READS = {"find": "filter", "count": "query", "distinct": "query", "findAndModify": "query"}
WRITES = {"update": ("updates", "q"), "delete": ("deletes", "q")}


def is_keyed(flt: Mapping[str, Any] | None) -> bool:
    """True when the filter pins ``_id`` to one value (the only indexed shape here)."""
    if not flt or "_id" not in flt:
        return False
    value = flt["_id"]
    if isinstance(value, Mapping):
        return set(value) == {"$eq"}
    return not isinstance(value, list)


def fields_of(flt: Mapping[str, Any] | None) -> str:
    """The filter's shape: its field names (nested ``$and``/``$or`` flattened), no values."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key in ("$and", "$or", "$nor"):
                    for part in value:
                        walk(part)
                elif not key.startswith("$"):
                    names.add(key)
        # anything else (a value) is not looked at

    walk(flt)
    return ",".join(sorted(names)) or "{}"


@dataclass(frozen=True)
class Scan:
    database: str
    collection: str
    command: str
    fields: str


def scans_in(command_name: str, command: Mapping[str, Any], database: str) -> Iterator[Scan]:
    """The collection scans one command makes (none for keyed ones)."""
    target = command.get(command_name)
    collection = target if isinstance(target, str) else "-"
    if command_name in READS:
        flt = command.get(READS[command_name])
        if not is_keyed(flt):
            yield Scan(database, collection, command_name, fields_of(flt))
    elif command_name == "aggregate":
        stages = command.get("pipeline") or [{}]
        first = stages[0].get("$match") if stages else None
        if not is_keyed(first):
            yield Scan(database, collection, command_name, fields_of(first))
    elif command_name in WRITES:
        many, key = WRITES[command_name]
        for statement in command.get(many) or ():
            if not is_keyed(statement.get(key)):
                yield Scan(database, collection, command_name, fields_of(statement.get(key)))


class ScanWatch(monitoring.CommandListener):
    """Counts the scans of every client in the process (``monitoring.register`` it before
    the clients are made); only while :attr:`on`, only in databases starting ``prefix``."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.on = True
        self.seen: Counter[Scan] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self.on and event.database_name.startswith(self.prefix):
            for scan in scans_in(event.command_name, event.command, event.database_name):
                self.seen[scan] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None: ...

    def failed(self, event: monitoring.CommandFailedEvent) -> None: ...

    def total(self) -> int:
        return sum(self.seen.values())

    def clear(self) -> None:
        self.seen.clear()
