"""Move files out of an inbox without ever overwriting one.

``move_no_clobber`` hard-links the source to the destination name (``link``
fails with EEXIST instead of replacing a file) and then unlinks the source.
A crash between the two steps leaves both names on the same inode, which
recovery recognises. Across file systems (EXDEV) or where hard links are not
supported, the file is copied to a hidden partial name in the destination
folder, flushed to disk, linked into place and only then removed from the
inbox. Name clashes get a numbered suffix: ``scan.pdf``, ``scan-1.pdf``, ...
A name too long to leave room for those hidden names is shortened.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
from pathlib import Path
from typing import Any

__all__ = [
    "free_name",
    "move_no_clobber",
    "partial_name",
    "sidecar_path",
    "write_sidecar",
]

_NO_HARDLINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK}
# Bytes a file name may have on Linux file systems (NAME_MAX), and the most
# that docflow adds to a destination name for its partial copy
# (".NAME.docflow-partial") or its error report (".NAME.error.json.tmp").
_NAME_MAX = 255
_ADDED_BYTES = 17


def free_name(folder: Path, name: str, reserved: set[str] | None = None) -> Path:
    """Return ``folder/name``, or the first ``stem-N.suffix`` that is free.

    A name in ``reserved`` (destinations chosen but not yet written) counts
    as used. A name whose error sidecar exists also counts as used, so a
    quarantined file never inherits another file's error report.
    """
    reserved = reserved or set()
    stem, suffix = _split_name(name)
    candidate = folder / _fitted(stem, "", suffix)
    number = 0
    while (
        os.path.lexists(candidate)
        or str(candidate) in reserved
        or os.path.lexists(sidecar_path(candidate))
    ):
        number += 1
        candidate = folder / _fitted(stem, f"-{number}", suffix)
    return candidate


def _fitted(stem: str, counter: str, suffix: str) -> str:
    """Join a name, shortening ``stem`` so the name and docflow's additions fit.

    A name of up to 238 bytes stays as it is. A longer one would make the
    partial copy or the error report exceed the file system's limit on
    names, so its stem loses characters from the end.
    """
    limit = _NAME_MAX - _ADDED_BYTES
    name = f"{stem}{counter}{suffix}"
    while len(os.fsencode(name)) > limit and stem:
        stem = stem[:-1]
        name = f"{stem}{counter}{suffix}"
    return name


def _split_name(name: str) -> tuple[str, str]:
    # "report.tar.gz" keeps ".gz" as its suffix; a dot file keeps its name.
    path = Path(name)
    if path.stem and path.suffix:
        return path.stem, path.suffix
    return name, ""


def sidecar_path(destination: Path) -> Path:
    """Return the path of the error report written next to a quarantined file."""
    return destination.with_name(destination.name + ".error.json")


def partial_name(destination: Path) -> Path:
    """Return the hidden name a cross-device copy is written under first."""
    return destination.with_name(f".{destination.name}.docflow-partial")


def write_sidecar(destination: Path, report: dict[str, Any]) -> None:
    """Write ``<destination>.error.json`` atomically (temporary file, rename)."""
    target = sidecar_path(destination)
    _make_folder(target.parent)
    temporary = target.with_name(f".{target.name}.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    os.replace(temporary, target)


def move_no_clobber(source: Path, destination: Path) -> None:
    """Move ``source`` to ``destination``; FileExistsError if the name is taken.

    Raises OSError (FileNotFoundError when the source vanished) on failure,
    and then the source is still in place unless it had vanished.
    """
    _make_folder(destination.parent)
    try:
        os.link(source, destination, follow_symlinks=False)
    except OSError as exc:
        if exc.errno == errno.EXDEV or exc.errno in _NO_HARDLINKS:
            _copy_then_remove(source, destination)
            return
        raise
    _unlink_source(source)


def _make_folder(folder: Path) -> None:
    # mkdir reports a regular file in the way as FileExistsError, which the
    # callers reserve for a name clash of the file itself.
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise NotADirectoryError(
            errno.ENOTDIR, "a file is in the way of the folder", str(folder)
        ) from exc


def _copy_then_remove(source: Path, destination: Path) -> None:
    partial = partial_name(destination)
    try:
        if os.path.islink(source):
            os.symlink(os.readlink(source), partial)
        else:
            shutil.copy2(source, partial)
            _flush_to_disk(partial)
        os.link(partial, destination, follow_symlinks=False)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        if exc.errno in _NO_HARDLINKS:
            _rename_if_free(source, destination)
            return
        raise
    os.unlink(partial)
    _unlink_source(source)


def _rename_if_free(source: Path, destination: Path) -> None:
    # NOTE: without hard links the check and the rename are two steps, so a
    # file created at ``destination`` between them by another program would
    # be replaced. docflow itself never writes there concurrently.
    if os.path.lexists(destination):
        raise FileExistsError(errno.EEXIST, "destination exists", str(destination))
    shutil.move(source, destination)


def _flush_to_disk(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _unlink_source(source: Path) -> None:
    # The destination already contains the file, so a source that vanished in
    # the meantime means the move is complete.
    with contextlib.suppress(FileNotFoundError):
        os.unlink(source)
