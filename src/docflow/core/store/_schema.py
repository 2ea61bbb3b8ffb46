"""Tables of the docflow database and the migrations that create them.

JSON values are kept in VARCHAR columns so no DuckDB extension has to be
loaded (or downloaded) to open the database; DuckDB's built-in ``json_*``
functions still read them. Timestamps are UTC.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import TYPE_CHECKING

from docflow.core.store._rows import escape_controls
from docflow.errors import StoreError

if TYPE_CHECKING:
    import duckdb

__all__ = ["SCHEMA_VERSION", "check_version", "first_row", "migrate", "read_version"]

_VERSION_1 = [
    """
    CREATE TABLE runs (
        id BIGINT PRIMARY KEY,
        command VARCHAR NOT NULL,
        args VARCHAR NOT NULL,          -- JSON object of the options given
        pid INTEGER,
        status VARCHAR NOT NULL,        -- running, finished, interrupted, failed
        started_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        total INTEGER NOT NULL DEFAULT 0,   -- documents the run was given
        done INTEGER NOT NULL DEFAULT 0,    -- documents with a stored result
        cache_hits INTEGER NOT NULL DEFAULT 0,
        status_counts VARCHAR NOT NULL DEFAULT '{}',  -- JSON: status -> count
        stats VARCHAR NOT NULL DEFAULT '{}'           -- JSON: orchestrator stats
    )
    """,
    """
    CREATE TABLE documents (
        id BIGINT NOT NULL,
        path VARCHAR NOT NULL,
        content_hash VARCHAR,
        size BIGINT,
        detected_type VARCHAR,
        extension_mismatch BOOLEAN NOT NULL DEFAULT false,
        pages INTEGER NOT NULL DEFAULT 0,
        status VARCHAR NOT NULL,
        error VARCHAR,
        review_status VARCHAR,
        warnings VARCHAR NOT NULL DEFAULT '[]',
        duration_ms DOUBLE NOT NULL DEFAULT 0,
        cached BOOLEAN NOT NULL DEFAULT false,
        model_version VARCHAR,
        settings_fingerprint VARCHAR,
        has_classification BOOLEAN NOT NULL DEFAULT false,
        has_quality BOOLEAN NOT NULL DEFAULT false,
        run_id BIGINT,
        processed_at TIMESTAMP NOT NULL,
        stored_at TIMESTAMP NOT NULL,
        is_current BOOLEAN NOT NULL
    )
    """,
    """
    CREATE TABLE classifications (
        document_id BIGINT NOT NULL,
        category VARCHAR NOT NULL,
        confidence DOUBLE NOT NULL,
        processing_method VARCHAR NOT NULL,
        keywords VARCHAR NOT NULL,   -- JSON list
        evidence VARCHAR NOT NULL,   -- JSON list of Evidence
        facts VARCHAR NOT NULL,      -- JSON list of Fact
        metadata VARCHAR NOT NULL,   -- JSON ClassificationMetadata
        model_version VARCHAR NOT NULL
    )
    """,
    """
    CREATE TABLE quality_results (
        document_id BIGINT NOT NULL,
        overall_score DOUBLE NOT NULL,
        readability_score DOUBLE NOT NULL,
        structure_score DOUBLE NOT NULL,
        content_quality_score DOUBLE NOT NULL,
        issues VARCHAR NOT NULL,           -- JSON list of QualityIssue
        recommendations VARCHAR NOT NULL,  -- JSON list
        metrics VARCHAR NOT NULL           -- JSON object
    )
    """,
    """
    CREATE TABLE facts (
        document_id BIGINT NOT NULL,
        kind VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        normalized VARCHAR,
        currency VARCHAR,
        page INTEGER,
        span_start INTEGER,
        span_end INTEGER
    )
    """,
    """
    CREATE TABLE file_stats (
        path VARCHAR NOT NULL,
        size BIGINT NOT NULL,
        mtime_ns BIGINT NOT NULL,
        content_hash VARCHAR NOT NULL,
        seen_at TIMESTAMP NOT NULL
    )
    """,
    """
    CREATE TABLE labels (
        id BIGINT PRIMARY KEY,
        document_id BIGINT,
        path VARCHAR NOT NULL,
        content_hash VARCHAR,
        category VARCHAR NOT NULL,
        labeled_at TIMESTAMP NOT NULL,
        labeled_by VARCHAR NOT NULL
    )
    """,
    "CREATE INDEX documents_status ON documents (status)",
    "CREATE INDEX documents_processed_at ON documents (processed_at)",
    "CREATE INDEX documents_path ON documents (path)",
    "CREATE INDEX documents_hash ON documents (content_hash)",
    "CREATE INDEX classifications_category ON classifications (category)",
    "CREATE INDEX classifications_document ON classifications (document_id)",
    "CREATE INDEX quality_document ON quality_results (document_id)",
]

# Views for people who query the database directly (duckdb docflow.duckdb).
_VERSION_2 = [
    """
    CREATE VIEW current_results AS
    SELECT d.id, d.path, d.status, d.error, d.review_status, d.detected_type,
           d.pages, d.processed_at, d.run_id, c.category, c.confidence,
           c.model_version, q.overall_score, q.readability_score,
           q.structure_score, q.content_quality_score
    FROM documents d
    LEFT JOIN classifications c ON c.document_id = d.id
    LEFT JOIN quality_results q ON q.document_id = d.id
    WHERE d.is_current
    """,
    """
    CREATE VIEW review_queue AS
    SELECT r.* FROM current_results r JOIN documents d ON d.id = r.id
    WHERE (r.category = 'unknown' OR r.review_status = 'needs_review')
      AND NOT EXISTS (
        SELECT 1 FROM labels l WHERE l.document_id = r.id
        OR (l.content_hash IS NOT NULL AND l.content_hash = d.content_hash)
      )
    """,
]

# How many pages were read: classify alone stops once it has enough text.
# Rows stored before this column existed read every page.
_VERSION_3 = [
    "ALTER TABLE documents ADD COLUMN pages_read INTEGER",
    "UPDATE documents SET pages_read = pages",
]

# The reasons a document needs review, as a JSON list of sentences. Rows stored
# before this column existed have none, even when they need review.
_VERSION_4 = [
    "ALTER TABLE documents ADD COLUMN review_reasons VARCHAR DEFAULT '[]'",
    """
    CREATE OR REPLACE VIEW current_results AS
    SELECT d.id, d.path, d.status, d.error, d.review_status, d.detected_type,
           d.pages, d.processed_at, d.run_id, c.category, c.confidence,
           c.model_version, q.overall_score, q.readability_score,
           q.structure_score, q.content_quality_score, d.review_reasons
    FROM documents d
    LEFT JOIN classifications c ON c.document_id = d.id
    LEFT JOIN quality_results q ON q.document_id = d.id
    WHERE d.is_current
    """,
    """
    CREATE OR REPLACE VIEW review_queue AS
    SELECT r.* FROM current_results r JOIN documents d ON d.id = r.id
    WHERE (r.category = 'unknown' OR r.review_status = 'needs_review')
      AND NOT EXISTS (
        SELECT 1 FROM labels l WHERE l.document_id = r.id
        OR (l.content_hash IS NOT NULL AND l.content_hash = d.content_hash)
      )
    """,
]

# Readability and structure are NULL when the text gives them nothing to
# judge. DuckDB 2.0.1 rejects ALTER TABLE on a table with an index, so the index
# is dropped and made again.
_VERSION_5 = [
    "DROP INDEX quality_document",
    "ALTER TABLE quality_results ALTER COLUMN readability_score DROP NOT NULL",
    "ALTER TABLE quality_results ALTER COLUMN structure_score DROP NOT NULL",
    "CREATE INDEX quality_document ON quality_results (document_id)",
]

# A label settles a document's classification only, so the view keeps a
# labeled document whose stored reasons include a quality reason, as
# ``docflow review`` does (``docflow.core.review`` names those reasons).
_VERSION_6 = [
    """
    CREATE OR REPLACE VIEW review_queue AS
    SELECT r.* FROM current_results r JOIN documents d ON d.id = r.id
    WHERE (r.category = 'unknown' OR r.review_status = 'needs_review')
      AND (
        NOT EXISTS (
          SELECT 1 FROM labels l WHERE l.document_id = r.id
          OR (l.content_hash IS NOT NULL AND l.content_hash = d.content_hash)
        )
        OR EXISTS (
          SELECT 1 FROM (
            SELECT unnest(json_extract_string(d.review_reasons, '$[*]')) AS reason
          )
          WHERE starts_with(reason, 'quality ')
             OR starts_with(reason, 'garbage text')
        )
      )
    """,
]

# The time ``docflow forget`` retired the row, NULL for other rows. A retired
# row is no longer current, so the default views omit it, and it stays in the
# table as history.
_VERSION_7 = [
    "ALTER TABLE documents ADD COLUMN forgotten_at TIMESTAMP",
]

# The host name of a run's process. Its pid shows whether the run still runs
# only on the host that started it. Runs stored before this column existed
# have NULL and are taken to be of the host that reads them.
_VERSION_8 = [
    "ALTER TABLE runs ADD COLUMN host VARCHAR",
]

#: Statements that bring a database from version ``index`` to ``index + 1``.
#: Append a list for each change; never edit a list that has shipped.
_MIGRATIONS: list[list[str]] = [
    _VERSION_1,
    _VERSION_2,
    _VERSION_3,
    _VERSION_4,
    _VERSION_5,
    _VERSION_6,
    _VERSION_7,
    _VERSION_8,
]

SCHEMA_VERSION = len(_MIGRATIONS)


def first_row(cursor: duckdb.DuckDBPyConnection) -> tuple | None:
    """Return the first row of a query result and consume the rest.

    DuckDB 2 rejects further statements on a connection whose last result was
    not read to the end, which ``fetchone()`` leaves it in.
    """
    rows = cursor.fetchall()
    return rows[0] if rows else None


def read_version(connection: duckdb.DuckDBPyConnection) -> int:
    """Return the schema version of an open database, 0 when it is new."""
    exists = first_row(
        connection.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_name = 'schema_info' AND table_schema = 'main'"
        )
    )
    if not exists or not exists[0]:
        return 0
    row = first_row(connection.execute("SELECT max(version) FROM schema_info"))
    return int(row[0]) if row and row[0] is not None else 0


def check_version(version: int, database: str) -> None:
    """Raise StoreError when the database was written by a newer docflow."""
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{escape_controls(database)}: schema version {version} is newer "
            f"than this docflow supports ({SCHEMA_VERSION}); upgrade docflow or use "
            "another --db"
        )


def _check_empty(connection: duckdb.DuckDBPyConnection, database: str) -> None:
    row = first_row(
        connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main'"
        )
    )
    if row and row[0]:
        raise StoreError(
            f"{escape_controls(database)}: a DuckDB database that docflow did not "
            "create; give another file with --db or store.database"
        )


def migrate(connection: duckdb.DuckDBPyConnection, database: str, now: datetime) -> int:
    """Apply the pending migrations in one transaction; return the old version.

    The caller holds the exclusive database lock, so two processes never
    migrate the same file at once.
    """
    version = read_version(connection)
    check_version(version, database)
    if version == SCHEMA_VERSION:
        return version
    if version == 0:
        _check_empty(connection, database)
    connection.execute("BEGIN TRANSACTION")
    try:
        if version == 0:
            connection.execute(
                "CREATE TABLE schema_info (version INTEGER NOT NULL, "
                "migrated_at TIMESTAMP NOT NULL)"
            )
        for statements in _MIGRATIONS[version:]:
            for statement in statements:
                connection.execute(statement)
        connection.execute(
            "INSERT INTO schema_info VALUES (?, ?)", [SCHEMA_VERSION, now]
        )
        connection.execute("COMMIT")
    except BaseException:
        # A failed or interrupted statement may have ended the transaction
        # already; the original error is the one to report.
        with contextlib.suppress(Exception):
            connection.execute("ROLLBACK")
        raise
    return version
