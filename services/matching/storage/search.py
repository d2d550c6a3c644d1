"""OpenSearch side of matching: one index per record kind behind an alias, the
saved-search percolator index, versioned writes, searches and the alias swap.

Every write carries the record's aggregate version with ``version_type=external``,
so a replayed or reordered event never overwrites a newer state. The concrete
index behind an alias is ``<alias>-<suffix>``; ``reindex`` builds a new one and
swaps the alias atomically (one ``update_aliases`` call).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from opensearchpy import AsyncOpenSearch
from opensearchpy.exceptions import (
    HTTP_EXCEPTIONS,
    ConflictError,
    NotFoundError,
    RequestError,
    TransportError,
)
from opensearchpy.helpers import async_bulk

from services.matching.ranking import index_definition, index_name
from services.matching.ranking.kinds import ALL_KINDS
from shared.coalescing import Coalescer

log = logging.getLogger(__name__)

Doc = dict[str, Any]


class WriteOutcome(StrEnum):
    applied = "applied"  # the index now holds this version
    same = "same"  # this exact version was already there (a replay)
    stale = "stale"  # a newer version is there; the event is older
    rejected = "rejected"  # the index refused the document (its owner is told)


def saved_search_definition() -> dict[str, Any]:
    """The percolator index of saved searches: every kind's fields plus the query."""
    body = index_definition("tech_offer")
    props = body["mappings"]["properties"]
    for kind in ALL_KINDS:  # all kinds share one field set; be explicit anyway
        props |= index_definition(kind)["mappings"]["properties"]
    props.pop("standing_query", None)
    props |= {
        "query": {"type": "percolator"},
        "search_id": {"type": "keyword"},
        "user_id": {"type": "keyword"},
        "organisation_id": {"type": "keyword"},
        "target_kind": {"type": "keyword"},
    }
    return body


class SearchProjection:
    """Index management and versioned projection writes over one OpenSearch client."""

    def __init__(self, client: AsyncOpenSearch, prefix: str, *, batch: int = 64) -> None:
        self.client = client
        self.prefix = prefix
        # concurrent handlers share round trips: one _bulk (one refresh), one _msearch
        self.writes: Coalescer[tuple[str, Doc, int], WriteOutcome | None] = Coalescer(
            self._bulk_put, max_items=batch
        )
        self.searches: Coalescer[tuple[str, Doc], Doc] = Coalescer(self._msearch, max_items=batch)

    # ---- names -------------------------------------------------------------------------

    def alias(self, kind: str) -> str:
        return index_name(kind, self.prefix)

    @property
    def saved_alias(self) -> str:
        return f"{self.prefix}-matching-saved-searches"

    # ---- index lifecycle ---------------------------------------------------------------

    async def _create_behind_alias(self, alias: str, body: dict[str, Any]) -> None:
        if await self.client.indices.exists_alias(name=alias):
            await self._update_mapping(alias, body)
            return
        concrete = f"{alias}-v1"
        try:
            await self.client.indices.create(index=concrete, body=body)
        except RequestError as exc:  # another replica created it first
            if "already_exists" not in str(exc.error):
                raise
        await self.client.indices.put_alias(index=concrete, name=alias)

    async def _update_mapping(self, alias: str, body: dict[str, Any]) -> None:
        """Bring an existing index's mapping up to date where OpenSearch allows it in place
        (new fields, keyword bounds); anything else needs ``reindex`` and is logged."""
        properties = body.get("mappings", {}).get("properties")
        if not properties:
            return
        try:
            await self.client.indices.put_mapping(index=alias, body={"properties": properties})
        except RequestError as exc:
            log.warning("mapping of %s not updated in place (reindex it): %s", alias, exc.error)

    async def ensure_indexes(self, kinds: Iterable[str] = ALL_KINDS) -> None:
        """Create each kind's first index and alias, and the saved-search index, if absent."""
        for kind in sorted(kinds):
            await self._create_behind_alias(self.alias(kind), index_definition(kind))
        await self._create_behind_alias(self.saved_alias, saved_search_definition())

    async def concrete_indexes(self, alias: str) -> list[str]:
        try:
            found = await self.client.indices.get_alias(name=alias)
        except NotFoundError:
            return []
        return sorted(found)

    async def create_new_index(self, kind: str) -> str:
        """A fresh, empty index for ``kind`` (not behind the alias yet)."""
        name = f"{self.alias(kind)}-{uuid.uuid4().hex[:10]}"
        body = index_definition(kind)
        body["settings"]["index"]["refresh_interval"] = "-1"  # bulk load, refresh at the end
        await self.client.indices.create(index=name, body=body)
        return name

    async def swap_alias(self, kind: str, new_index: str) -> list[str]:
        """Point ``kind``'s alias at ``new_index`` in one atomic call; delete the old ones."""
        alias = self.alias(kind)
        await self.client.indices.put_settings(
            index=new_index, body={"index": {"refresh_interval": "1s"}}
        )
        await self.client.indices.refresh(index=new_index)
        old = [i for i in await self.concrete_indexes(alias) if i != new_index]
        actions: list[dict[str, Any]] = [{"add": {"index": new_index, "alias": alias}}]
        actions += [{"remove": {"index": i, "alias": alias}} for i in old]
        await self.client.indices.update_aliases(body={"actions": actions})
        for index in old:
            await self.client.indices.delete(index=index, ignore_unavailable=True)
        return old

    async def drop_all(self) -> None:
        """Delete every index of this prefix (tests)."""
        await self.client.indices.delete(
            index=f"{self.prefix}-matching-*", ignore_unavailable=True, expand_wildcards="all"
        )

    # ---- projection writes --------------------------------------------------------------

    async def put(
        self, kind: str, doc: Doc, version: int, *, index: str | None = None, refresh: bool = True
    ) -> WriteOutcome:
        """Index ``doc`` at ``version`` unless the index already holds this or a newer one.

        The default write (the alias, refreshed) rides in a shared ``_bulk`` with the
        writes of concurrent handlers (:mod:`.batching`); a refused document raises
        ``RequestError`` to its own caller only."""
        target = index or self.alias(kind)
        if index is None and refresh:
            outcome = await self.writes.submit((target, doc, version))
        else:
            try:
                await self.client.index(
                    index=target, id=doc["id"], body=doc, version=version,
                    version_type="external", refresh="true" if refresh else "false",
                )  # fmt: skip
                outcome = WriteOutcome.applied
            except ConflictError:
                outcome = None
        if outcome is None:  # a version conflict: this one again, or a newer one
            current = await self.version_of(kind, doc["id"], index=target)
            return WriteOutcome.same if current == version else WriteOutcome.stale
        return outcome

    async def _bulk_put(
        self, items: list[tuple[str, Doc, int]]
    ) -> list[WriteOutcome | BaseException | None]:
        """One ``_bulk`` (refreshed once) for concurrent ``put`` calls; None = conflict."""
        lines: list[Doc] = []
        for target, doc, version in items:
            meta = {"_index": target, "_id": doc["id"], "version": version,
                    "version_type": "external"}  # fmt: skip
            lines += [{"index": meta}, doc]
        response = await self.client.bulk(body=lines, refresh="true")
        out: list[WriteOutcome | BaseException | None] = []
        for entry in response["items"]:
            result = entry["index"]
            status = int(result.get("status", 500))
            if status < 300:
                out.append(WriteOutcome.applied)
            elif status == 409:
                out.append(None)
            else:
                out.append(item_error(status, result.get("error")))
        return out

    async def bulk_put(self, index: str, items: list[tuple[Doc, int]]) -> tuple[int, int]:
        """Versioned bulk load (reindex); returns (written, skipped as not newer)."""
        actions = [
            {
                "_op_type": "index",
                "_index": index,
                "_id": doc["id"],
                "_source": doc,
                "version": version,
                "version_type": "external",
            }
            for doc, version in items
        ]
        ok, errors = await async_bulk(
            self.client, actions, raise_on_error=False, raise_on_exception=True
        )
        conflicts = [e for e in errors if next(iter(e.values())).get("status") == 409]
        if len(conflicts) != len(errors):
            raise RuntimeError(f"bulk load failed: {errors[:3]}")
        return ok, len(conflicts)

    async def version_of(
        self, kind: str, record_id: str, *, index: str | None = None
    ) -> int | None:
        try:
            found = await self.client.get(
                index=index or self.alias(kind), id=record_id, _source=False
            )
        except NotFoundError:
            return None
        return found.get("_version")

    async def get(self, kind: str, record_id: str) -> Doc | None:
        """The projected document (with its segmented fields), or None."""
        try:
            found = await self.client.get(index=self.alias(kind), id=record_id)
        except NotFoundError:
            return None
        return {**found["_source"], "_version": found.get("_version")}

    # ---- reads --------------------------------------------------------------------------

    async def search(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        return await self.client.search(index=self.alias(kind), body=body)

    async def msearch(self, requests: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
        """Several searches; they share one ``_msearch`` with concurrent callers. A failed
        one raises (to this caller only)."""
        if not requests:
            return []
        found = await asyncio.gather(
            *(self.searches.submit((self.alias(kind), body)) for kind, body in requests),
            return_exceptions=True,
        )
        for response in found:
            if isinstance(response, BaseException):
                raise response
        return list(found)  # type: ignore[arg-type]

    async def _msearch(self, items: list[tuple[str, Doc]]) -> list[Doc | BaseException]:
        lines: list[Doc] = []
        for index, body in items:
            lines += [{"index": index}, body]
        result = await self.client.msearch(body=lines)
        return [
            RuntimeError(f"msearch failed: {r['error']}") if "error" in r else r
            for r in result["responses"]
        ]

    async def refresh(self, kinds: Iterable[str] = ALL_KINDS) -> None:
        names = [self.alias(k) for k in kinds] + [self.saved_alias]
        await self.client.indices.refresh(index=",".join(names))

    # ---- saved searches (percolator) ----------------------------------------------------

    async def put_saved_search(self, search_id: str, doc: Doc) -> None:
        await self.client.index(index=self.saved_alias, id=search_id, body=doc, refresh="true")

    async def delete_saved_search(self, search_id: str) -> None:
        with contextlib.suppress(NotFoundError):
            await self.client.delete(index=self.saved_alias, id=search_id, refresh="true")

    async def percolate_saved(self, kind: str, doc: Doc, size: int = 200) -> list[Doc]:
        """Saved searches on ``kind`` whose query admits ``doc``."""
        body = {
            "size": size,
            "_source": ["search_id", "user_id", "organisation_id", "target_kind"],
            "query": {
                "bool": {
                    "filter": [{"term": {"target_kind": kind}}],
                    "must": [{"percolate": {"field": "query", "document": doc}}],
                }
            },
        }
        result = await self.searches.submit((self.saved_alias, body))
        return [h["_source"] for h in result["hits"]["hits"]]


def item_error(status: int, error: Any) -> Exception:
    """The exception the client would have raised for one item of a bulk or msearch."""
    kind = error.get("type", "error") if isinstance(error, dict) else str(error)
    return HTTP_EXCEPTIONS.get(status, TransportError)(status, kind, {"error": error})
