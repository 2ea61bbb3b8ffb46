"""Retire the current results of files that are gone or named (docflow forget).

A retired row keeps its data and gets ``forgotten_at``. It stops being
current, as the old row of a path stored again does, so results, stats,
review and the report leave it out, and the next run on the file stores a
fresh current result.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from docflow.core.store._rows import display_path, display_text, path_from_display

if TYPE_CHECKING:
    from datetime import datetime

    from docflow.core.store._store import Store, StoredResult

__all__ = ["ForgetReport", "forget_results", "stored_path_candidates"]


@dataclass
class ForgetReport:
    """The results ``forget_results`` retired, or would retire with ``dry_run``.

    ``unmatched`` contains the paths given that name no current result, as
    they were given. ``already_forgotten`` maps those of them that name a
    result forgotten before to its document id, its ``forgotten_at`` and
    whether it is stored at the path itself rather than under it.
    ``unchecked`` maps the stored paths whose existence could not be
    checked (a folder without read permission) to the reason; they are kept
    current.
    """

    forgotten: list[StoredResult] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    already_forgotten: dict[str, tuple[int, datetime, bool]] = field(
        default_factory=dict
    )
    unchecked: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False


def stored_path_candidates(path: str) -> list[str]:
    """Return the texts under which a result of ``path`` may be stored, best first.

    Processing commands store the absolute path (``os.path.abspath``, no
    symlinks resolved) as ``display_path`` writes it. The text that results
    print for a name that is not UTF-8 comes second, as ``docflow report``
    accepts it. That text can also be the real name of another file
    (``a\\xffb.txt`` for ``a<byte 0xFF>b.txt``), so a caller takes the
    second text only when the first names no stored result.
    """
    absolute = os.path.abspath(path)
    return list(dict.fromkeys([display_path(absolute), display_text(absolute)]))


def forget_results(
    store: Store,
    paths: Sequence[str],
    *,
    missing: bool = False,
    dry_run: bool = False,
) -> ForgetReport:
    """Retire the current results of ``paths``, or of the files that are gone.

    A path names the result stored under it and, as a folder, the results
    stored under it, whether or not it exists now. With ``missing`` only
    the results of files that no longer exist are retired: all of them
    when ``paths`` is empty, else those at or under ``paths``. With
    ``dry_run`` nothing is written.
    """
    report = ForgetReport(dry_run=dry_run)
    if paths:
        ids = _ids_of_paths(store, paths, report)
    else:
        ids = {id_: path for id_, path, _ in store.current_paths()}
    if missing:
        ids = {id_: path for id_, path in ids.items() if _is_gone(path, report)}
    chosen = sorted(ids)
    if not dry_run:
        chosen = store.forget(chosen)
    report.forgotten = store.results_by_id(chosen)
    return report


def _ids_of_paths(
    store: Store, paths: Sequence[str], report: ForgetReport
) -> dict[int, str]:
    """Return the current results at or under ``paths``, noting unmatched paths.

    Each path uses only its first candidate text that names a stored result,
    current or forgotten, so the real name of one file never also retires
    another file that results print under the same text.
    """
    candidates_by_path = {
        path: stored_path_candidates(path) for path in dict.fromkeys(paths)
    }
    all_candidates = list(
        dict.fromkeys(
            c for candidates in candidates_by_path.values() for c in candidates
        )
    )
    current: dict[str, dict[int, str]] = {}
    for id_, stored, candidate in store.current_paths(all_candidates):
        if candidate is not None:
            current.setdefault(candidate, {})[id_] = stored
    forgotten = store.forgotten_paths(all_candidates)

    ids: dict[int, str] = {}
    for path, candidates in candidates_by_path.items():
        candidate = next(
            (c for c in candidates if c in current or c in forgotten), None
        )
        if candidate in current:
            ids.update(current[candidate])
            continue
        report.unmatched.append(path)
        if candidate is not None:
            report.already_forgotten[path] = forgotten[candidate]
    return ids


def _is_gone(stored: str, report: ForgetReport) -> bool:
    """Return whether the file stored as ``stored`` no longer exists.

    A dangling symbolic link still exists, and its stored result records why
    it cannot be read. A path that cannot be checked counts as existing.
    """
    try:
        os.lstat(path_from_display(stored))
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError as exc:
        report.unchecked[stored] = exc.strerror or str(exc)
        return False
    return False
