"""DuckDB store of results, runs, the result cache and corrections.

Several docflow processes may use one database file: each opens it only for
a short transaction, taking turns in arrival order through the lock queue in
``<database>.lock.d/`` (``_lock``), and a processing command stores its
results in batches from one writer thread (``_writer``). Tables and
migrations are in ``_schema``, and ``docflow forget`` is in ``_forget``.
"""

from docflow.core.store._forget import (
    ForgetReport,
    forget_results,
    stored_path_candidates,
)
from docflow.core.store._rows import (
    FileStat,
    PendingResult,
    display_path,
    display_text,
)
from docflow.core.store._schema import SCHEMA_VERSION
from docflow.core.store._store import (
    CACHEABLE_STATUSES,
    CacheHit,
    CacheLookup,
    Correction,
    RunProgress,
    RunRecord,
    Store,
    StoredAnalysis,
    StoredResult,
    database_failure,
    database_origin,
    open_failure,
    prepare_database_folder,
)
from docflow.core.store._writer import ResultWriter

__all__ = [
    "CACHEABLE_STATUSES",
    "SCHEMA_VERSION",
    "CacheHit",
    "CacheLookup",
    "Correction",
    "FileStat",
    "ForgetReport",
    "PendingResult",
    "ResultWriter",
    "RunProgress",
    "RunRecord",
    "Store",
    "StoredAnalysis",
    "StoredResult",
    "database_failure",
    "database_origin",
    "display_path",
    "display_text",
    "forget_results",
    "open_failure",
    "prepare_database_folder",
    "stored_path_candidates",
]
