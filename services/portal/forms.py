"""Forms built from the services' own OpenAPI documents.

Every market's create endpoint already states its fields, types, bounds and choices in
its request schema; the portal reads that (once per service, cached) and renders the
form, so a field added to a market shows up without a template change. Submitted
values are turned back into the JSON the endpoint expects; what it refuses comes back
as problem details and is shown beside each field.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from services.portal.vocab import choices

Schema = dict[str, Any]


@dataclass
class FormField:
    name: str
    kind: (
        str  # text | textarea | int | number | bool | enum | multi | list | range | date | datetime
    )
    required: bool = False
    options: list[str] = field(default_factory=list)
    max_length: int | None = None
    description: str = ""
    labels: dict[str, str] = field(default_factory=dict)  # option -> catalogue msgid


def _resolve(doc: Schema, schema: Schema) -> Schema:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc.get("components", {}).get("schemas", {}).get(name, {})
    return schema


def _strip_null(doc: Schema, schema: Schema) -> Schema:
    schema = _resolve(doc, schema)
    options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    if len(options) == 1:
        return {**_resolve(doc, options[0]), **{k: v for k, v in schema.items() if k != "anyOf"}}
    return schema


def _field(doc: Schema, name: str, prop: Schema, required: bool) -> FormField | None:
    found = _schema_field(doc, name, prop, required)
    return with_choices(found) if found is not None else None


def with_choices(found: FormField) -> FormField:
    """An open code list (domains, districts, qualifications) offered as choices in words."""
    vocab = choices(found.name)
    if vocab and found.kind in ("text", "textarea", "list", "enum", "multi"):
        found.kind = "multi" if found.kind in ("list", "multi") else "enum"
        found.options, found.labels = [v for v, _ in vocab], dict(vocab)
    return found


def _schema_field(doc: Schema, name: str, prop: Schema, required: bool) -> FormField | None:
    s = _strip_null(doc, prop)
    kind, options = s.get("type"), [str(o) for o in s.get("enum", [])]
    common = {"required": required, "description": str(s.get("description", ""))[:200]}
    if options:
        return FormField(name, "enum", options=options, **common)
    if kind == "string":
        fmt = s.get("format")
        if fmt in ("date-time", "date"):
            return FormField(name, "datetime" if fmt == "date-time" else "date", **common)
        limit = s.get("maxLength")
        return FormField(
            name, "textarea" if (limit or 0) > 300 else "text", max_length=limit, **common
        )
    if kind == "integer":
        return FormField(name, "int", **common)
    if kind == "number":
        return FormField(name, "number", **common)
    if kind == "boolean":
        return FormField(name, "bool", **common)
    if kind == "array":
        items = _strip_null(doc, s.get("items") or {})
        if s.get("prefixItems") or (s.get("minItems") == 2 and s.get("maxItems") == 2):
            return FormField(name, "range", **common)
        if items.get("enum"):
            return FormField(name, "multi", options=[str(o) for o in items["enum"]], **common)
        if items.get("type") in ("string", "integer", "number"):
            return FormField(name, "list", **common)
    return None  # nested objects are not offered in a generic form


def request_fields(doc: Schema, method: str, path: str) -> list[FormField]:
    op = doc.get("paths", {}).get(path, {}).get(method.lower(), {})
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    schema = _resolve(doc, body.get("schema", {}))
    required = set(schema.get("required", []))
    found = [
        _field(doc, name, prop, name in required)
        for name, prop in schema.get("properties", {}).items()
    ]
    return [f for f in found if f is not None]


def _number(text: str) -> int | float | str:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text  # the service names it in a 422


def to_json(fields: list[FormField], form: Any) -> dict[str, Any]:
    """The submitted form as the endpoint's JSON (empty optional fields left out)."""
    out: dict[str, Any] = {}
    for f in fields:
        if f.kind == "multi":
            values = form.getlist(f.name)
            if values or f.required:
                out[f.name] = values
            continue
        if f.kind == "bool":
            out[f.name] = form.get(f.name) == "1"
            continue
        if f.kind == "range":
            low, high = str(form.get(f"{f.name}.0", "")), str(form.get(f"{f.name}.1", ""))
            if low or high:
                out[f.name] = [_number(low), _number(high)]
            continue
        raw = str(form.get(f.name, "")).strip()
        if not raw and not f.required:
            continue
        if f.kind in ("int", "number"):
            out[f.name] = _number(raw)
        elif f.kind == "list":
            out[f.name] = [p.strip() for p in raw.replace("，", ",").split(",") if p.strip()]
        elif f.kind == "datetime" and raw and len(raw) == 16:
            out[f.name] = f"{raw}:00+08:00"  # datetime-local is Beijing time
        else:
            out[f.name] = raw
    return out


def rows_shown(form: Any, filled: list[int], low: int, high: int) -> int:
    """How many rows a form of repeatable rows (criteria, experts) shows again: as many as
    it showed (its hidden ``rows``), at least up to the last filled one, within low..high."""
    shown = str(form.get("rows", ""))
    rows = max(int(shown) if shown.isdigit() else low, (filled[-1] + 1) if filled else 0)
    return min(max(rows, low), high)


def place_errors(errors: dict[str, str], group: str, rows: list[int]) -> dict[str, str]:
    """The service names ``<group>.<sent index>.<field>`` (blank rows are not sent): each
    error pointed at the form row it came from (``rows[sent index]``)."""
    placed = {}
    for key, message in errors.items():
        parts = key.split(".")
        sent = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else len(rows)
        if parts[0] == group and sent < len(rows):
            parts[1] = str(rows[sent])
        placed[".".join(parts)] = message
    return placed


class SchemaCache:
    """Each service's OpenAPI document, fetched when first needed and kept 5 minutes."""

    def __init__(self, ttl: float = 300.0) -> None:
        self.ttl = ttl
        self._docs: dict[str, tuple[float, Schema]] = {}

    async def get(self, backend: Any, service: str) -> Schema:
        hit = self._docs.get(service)
        if hit and time.monotonic() - hit[0] < self.ttl:
            return hit[1]
        doc = await backend.get_json(service, "/openapi.json", token=None) or {}
        self._docs[service] = (time.monotonic(), doc)
        return doc
