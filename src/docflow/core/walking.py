"""A folder walk that works however deep the folders go.

``os.walk`` calls itself once per folder level (Python 3.11), so a tree a
thousand or more folders deep raises RecursionError. ``walk`` yields the
same tuples in the same order with a stack instead.
"""

from __future__ import annotations

import os

# A constant of its own, not typing's: the replay check at start-up uses this
# module and imports as little as it can (see docflow.cli._replay).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ["walk"]


def walk(
    top: str, onerror: Callable[[OSError], object] | None = None
) -> Iterator[tuple[str, list[str], list[str]]]:
    """Yield ``(folder, subfolders, files)`` as ``os.walk(top, onerror=onerror)`` does.

    The walk is top-down and does not enter links to folders. As with
    ``os.walk``, the caller may remove names from ``subfolders`` to keep the
    walk out of them.
    """
    pending = [top]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as scanned:
                entries = list(scanned)
        except OSError as error:
            if onerror is not None:
                onerror(error)
            continue
        subfolders: list[str] = []
        files: list[str] = []
        for entry in entries:
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            (subfolders if is_folder else files).append(entry.name)
        yield folder, subfolders, files
        # Reversed, so the first subfolder is walked first, as os.walk does.
        for name in reversed(subfolders):
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                pending.append(path)
