"""Store the results of routed files in the docflow database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docflow.core.config import Settings
    from docflow.core.models import DocumentResult
    from docflow.watch.finisher import ResultSaver
    from docflow.watch.readiness import FileSnapshot

__all__ = ["store_saver"]


def store_saver(settings: Settings) -> ResultSaver:
    """Return a function that writes results to the store in one transaction.

    Each result's path is the file's destination, and its stat is the stat of
    the file as it was read, so ``docflow process`` on the output folder later
    reuses the stored result instead of reading the file again.
    """
    from docflow.core.config import settings_fingerprint
    from docflow.core.store import FileStat, PendingResult, Store

    store = Store.from_settings(settings)
    fingerprint = settings_fingerprint(settings)

    def save(items: Sequence[tuple[DocumentResult, FileSnapshot | None]]) -> None:
        now = datetime.now(UTC).replace(tzinfo=None)
        pending = []
        for result, snapshot in items:
            stat = None
            if snapshot is not None:
                stat = FileStat(result.path, snapshot.size, snapshot.mtime_ns)
            pending.append(
                PendingResult(
                    result=result,
                    settings_fingerprint=fingerprint,
                    processed_at=now,
                    stat=stat,
                )
            )
        store.write(pending)

    return save
