"""Store the results of routed files in the docflow database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docflow.core.config import Settings
    from docflow.core.models import DocumentResult
    from docflow.watch.finisher import ResultSaver
    from docflow.watch.readiness import FileSnapshot

__all__ = ["store_saver"]


def store_saver(settings: Settings) -> ResultSaver:
    """Return a function that adds results to the store in a given transaction.

    Each result's path is the file's destination, and its stat is the stat of
    the file as it was read, so ``docflow process`` on the output folder later
    reuses the stored result instead of reading the file again. The current
    results under the ``replaced`` paths (earlier runs of the same inputs)
    stop being current, as ``docflow process`` does with the old result of a
    path it reads again. The store's tables are created (or migrated) here,
    before the daemon starts.
    """
    # Imported now, before worker threads run: scikit-learn 1.9 (utils/
    # _dataframe.is_pyarrow_data) reads pyarrow.Table from sys.modules, which
    # fails while another thread is still importing pyarrow for the store.
    import pyarrow  # noqa: F401

    from docflow.core.config import settings_fingerprint
    from docflow.core.store import FileStat, PendingResult, Store, display_path

    store = Store.from_settings(settings)
    with store.connect(write=True):
        pass  # creates or migrates the schema now, under the store's own lock
    fingerprint = settings_fingerprint(settings)

    def save(
        connection: Any,
        items: Sequence[tuple[DocumentResult, FileSnapshot | None]],
        replaced: Sequence[str],
    ) -> None:
        if replaced:
            connection.execute(
                "UPDATE documents SET is_current = false WHERE is_current "
                "AND path IN (SELECT unnest(?::VARCHAR[]))",
                [[display_path(path) for path in replaced]],
            )
        now = store.clock()
        pending = {}
        for result, snapshot in items:
            stat = None
            if snapshot is not None:
                stat = FileStat(result.path, snapshot.size, snapshot.mtime_ns)
            pending[display_path(result.path)] = PendingResult(
                result=result,
                settings_fingerprint=fingerprint,
                processed_at=now,
                stat=stat,
            )
        # NOTE: Store.write opens its own connection under the lock the daemon
        # already holds, so the rows go in through the store's insert step on
        # the daemon's connection. This relies on the private
        # Store._insert_results(connection, pending, now, run_id).
        store._insert_results(connection, list(pending.values()), now, None)

    return save
