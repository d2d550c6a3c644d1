"""Every engine version the local stack uses, pinned in one place."""

from __future__ import annotations

# Kafka 4.x: aiokafka 0.14 produces, consumes and commits against it (tests/integration/stack).
KAFKA_VERSION = "4.1.1"
# The slf4j binding Kafka's own distribution ships, so the broker logs through log4j2.
LOG4J_VERSION = "2.24.3"

# OpenSearch's integ-test zip carries only transport-netty4; the modules we need are
# published as jars under org.opensearch.plugin and assembled beside it.
OPENSEARCH_VERSION = "2.19.4"
# (module folder, Maven artifact, plugin class)
OPENSEARCH_MODULES = (
    ("analysis-common", "analysis-common", "org.opensearch.analysis.common.CommonAnalysisPlugin"),
    ("percolator", "percolator-client", "org.opensearch.percolator.PercolatorPlugin"),
    ("mapper-extras", "mapper-extras-client", "org.opensearch.index.mapper.MapperExtrasPlugin"),
)

# FerretDB 1.x: v2 needs a PostgreSQL extension we do not have; SQLite backend is embedded.
FERRETDB_MODULE = "github.com/FerretDB/FerretDB"
FERRETDB_VERSION = "v1.24.2"
# Source edits applied before the build (see deploy/local/engines/ferretdb.py), named in
# the cache folder so a changed set rebuilds: per file of the module, old -> new texts.
_TRACK_OFF = "\n\tif !debugbuild.Enabled {\n\t\treturn\n\t}\n"
FERRETDB_PATCHES: dict[str, tuple[tuple[str, str], ...]] = {
    # The SQLite backend looks documents up by ``_id`` with ``_ferretdb_sjson->'$._id'``,
    # but its unique ``_id`` index is on ``_ferretdb_sjson->"_id"``: SQLite uses an
    # expression index only for the same expression, so every find, update and delete by
    # ``_id`` scanned the table up to the document (EXPLAIN QUERY PLAN: SCAN vs SEARCH
    # USING INDEX; 40 ms per lookup at 6,000 documents). Both extract the same value.
    "internal/backends/sqlite/metadata/metadata.go": (
        ("IDColumn = DefaultColumn + \"->'$._id'\"", 'IDColumn = DefaultColumn + `->"_id"`'),
    ),
    # Leak tracking of iterators and transactions: every Track records the caller's stack
    # into a pprof profile and sets a finalizer, on every command. A Go profile (debug
    # port) put it at 9.7 % of FerretDB's CPU under load; it only finds FerretDB's own
    # leaks, so it stays on in FerretDB's debug builds only (as its stack capture does).
    "internal/util/resource/resource.go": tuple(
        (head, head + _TRACK_OFF)
        for head in (
            "func Track(obj any, token *Token) {\n\tcheckArgs(obj, token)\n",
            "func Untrack(obj any, token *Token) {\n\tcheckArgs(obj, token)\n",
        )
    ),
}
FERRETDB_BUILD = f"{FERRETDB_VERSION}-idindex-notrack"
