"""Turn command-line paths into the list of files to process.

Folders are walked recursively, skipping hidden files and folders (which
include ``.docflow/``). ``-`` reads paths from standard input, one per line,
or separated by NUL bytes when the input contains one (``find -print0``);
blank lines are skipped.
A path is kept whatever it is, so a FIFO, a socket, a missing file or a
symlink loop ends as a row with a status, whether it was given explicitly or
found in a walked folder. Nothing here opens an
input path, because opening a FIFO for reading blocks until a writer appears.
A symbolic link to a folder inside a walked folder is not followed, because a
link back to an enclosing folder would loop. When it points to a walked
folder or into one, its files get rows under their own paths, so the link is
left out and ``skipped_links_into_walked_folders`` lists it. When it points
elsewhere, it gets an ``unreadable`` row whose message names the folder to
give instead. A link to a folder named on the command line or on stdin is
walked like the folder, unless the run walks that folder already, and then it
gets an ``unreadable`` row of its own.
A file reached by more than one name in a run, through a link to a folder,
a link to the file or a hard link, is kept once, under the name found first.
But a symbolic link found in a walk gives way to its target found later. So
``find . -print0 | docflow classify -`` with a link back to ``.`` gives each
file one row.
The folders given as ``own_folders`` (docflow's cache and log folders) are
not entered, and a path inside one of them is left out even when it is
named on the command line or on stdin, as the results database is. So is a
symbolic link to a file or folder inside one of them, wherever it is found.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from collections.abc import Collection, Iterable, Iterator
from typing import TYPE_CHECKING, BinaryIO

from docflow.cli._descriptors import names_descriptor
from docflow.core.walking import walk

if TYPE_CHECKING:
    from docflow.core.models import DocumentResult

__all__ = [
    "collect_paths",
    "collected_path_result",
    "given_paths_in_own_folders",
    "read_stdin_paths",
    "skipped_links_into_own_folders",
    "skipped_duplicates",
    "skipped_links_into_walked_folders",
    "skipped_own_folders",
]

log = logging.getLogger(__name__)

STDIN = "-"

#: Folders inside walked folders that could not be listed, with the reason.
_UNLISTED: dict[str, str] = {}
#: Absolute paths given on the command line or on stdin that did not exist.
_MISSING: set[str] = set()
#: Paths given that name an input of this process that is not a file.
_DESCRIPTORS: set[str] = set()
#: Real paths of the folders given on the command line or on stdin, which the
#: run walks.
_WALKED: list[str] = []
#: Docflow's own folders, under the path given to ``collect_paths`` and under
#: their real path, each mapped to the path given.
_OWN: dict[str, str] = {}
#: The own folders (as given) that the walk did not enter or that contained a
#: path given on the command line or on stdin.
_SKIPPED_OWN: dict[str, None] = {}
#: Absolute paths of the symbolic links left out because they point to an own
#: folder or into one, each mapped to that own folder (as given).
_SKIPPED_LINKS: dict[str, str] = {}
#: Paths given on the command line or on stdin that were left out, each mapped
#: to the own folder (as given) that contains them or their target.
_GIVEN_OWN: dict[str, str] = {}
#: Paths left out because they name the same file as a path kept, each mapped
#: to the path kept.
_SKIPPED_DUPLICATES: dict[str, str] = {}
#: Absolute paths given on the command line or on stdin.
_GIVEN: set[str] = set()
#: Absolute paths of the symbolic links to folders that a walk found.
_FOUND_FOLDER_LINKS: set[str] = set()
#: Symbolic links to folders found in a walk and left out because they point
#: to a walked folder or into one, each mapped to that walked folder.
_SKIPPED_LOOPS: dict[str, str] = {}


def collect_paths(
    arguments: Iterable[str],
    stdin: BinaryIO | None = None,
    *,
    own_folders: Collection[str] = (),
) -> list[str]:
    """Return absolute file paths for ``arguments``, without duplicates, in order.

    Two paths are duplicates when they are equal, name the same regular file
    (device and inode, which also covers links and hard links), or name
    another entry at the same real path (``_real_path``). The first one is
    kept, unless it is a symbolic link found in a walk and the other is not a
    link, and ``skipped_duplicates`` lists the others. A folder inside a
    walked folder that cannot be listed, and a given path that does not
    exist, are returned as paths too, and ``collected_path_result`` gives
    them their rows. Paths in ``own_folders`` (absolute), and links to
    entries in them, are left out. ``skipped_own_folders`` lists the folders
    that left out any, ``skipped_links_into_own_folders`` the links left
    out, and ``given_paths_in_own_folders`` the given paths left out.
    """
    _UNLISTED.clear()
    _MISSING.clear()
    _DESCRIPTORS.clear()
    _WALKED.clear()
    _OWN.clear()
    _SKIPPED_OWN.clear()
    _SKIPPED_LINKS.clear()
    _GIVEN_OWN.clear()
    _GIVEN.clear()
    _FOUND_FOLDER_LINKS.clear()
    _SKIPPED_LOOPS.clear()
    _SKIPPED_DUPLICATES.clear()
    for folder in own_folders:
        _OWN[folder] = folder
        _OWN.setdefault(os.path.realpath(folder), folder)
    seen: dict[str, None] = {}
    # The path kept for each regular file (device, inode) and for each real
    # path of another entry.
    first_paths: dict[tuple[int, int] | str, str] = {}
    real_folders: dict[str, str] = {}
    for argument in arguments:
        sources = _read_stdin(stdin) if argument == STDIN else [argument]
        for source in sources:
            _GIVEN.add(os.path.abspath(source))
            for found in _expand(source, real_folders):
                path = _file_behind_descriptor(os.path.abspath(found))
                if path in seen:
                    continue
                key = _file_inode(path) or _real_path(path, real_folders)
                first = first_paths.setdefault(key, path)
                if first == path:
                    seen[path] = None
                    continue
                if _prefers_target(first, path):
                    # The file replaces the link to it that the walk found first.
                    del seen[first]
                    seen[path] = None
                    first_paths[key] = path
                    first, path = path, first
                log.info("skipped %s: it is the same file as %s", path, first)
                _SKIPPED_DUPLICATES[path] = first
    return [path for path in seen if not _skips_loop(path)]


def _prefers_target(kept: str, duplicate: str) -> bool:
    """Return whether ``duplicate``, the same file as the ``kept`` path, should
    replace it: ``kept`` is a symbolic link found in a walk and ``duplicate``
    is not a link."""
    return kept not in _GIVEN and os.path.islink(kept) and not os.path.islink(duplicate)


def _skips_loop(path: str) -> bool:
    """Return whether ``path`` is a link to a folder found in a walk that
    points to a walked folder or into one, and record it as skipped.

    Its files get rows under their paths in the walked folder, so the link
    is not a document. A link given on the command line or on stdin is kept,
    and ``collected_path_result`` gives it a row.
    """
    if path not in _FOUND_FOLDER_LINKS or path in _GIVEN:
        return False
    walked = _walked_folder_of(os.path.realpath(path))
    if walked is None:
        return False
    _SKIPPED_LOOPS[path] = walked
    return True


def _file_inode(path: str) -> tuple[int, int] | None:
    """Return the (device, inode) of the regular file ``path``, or None."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):  # ValueError: a NUL byte in the path
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return info.st_dev, info.st_ino


def _real_path(path: str, real_folders: dict[str, str]) -> str:
    """Return the real location of the entry ``path``, for finding duplicates.

    It is called for entries that are not regular files, and a link keeps
    its own location, so two links to one folder or one missing file stay
    two rows. ``real_folders`` caches the real path of each folder, because
    ``os.path.realpath`` calls ``lstat`` on every part of a path.
    """
    folder, name = os.path.split(path)
    return os.path.join(_real_folder(folder, real_folders), name)


def _real_folder(folder: str, real_folders: dict[str, str]) -> str:
    """Return ``os.path.realpath(folder)`` for an absolute, normalized path.

    The real path of the parent comes from ``real_folders``, so a folder
    costs one ``lstat`` unless it is a link.
    """
    # A loop, not recursion: a path may have thousands of parts.
    below: list[tuple[str, str]] = []  # (folder, name) under the known one
    current = folder
    while (real := real_folders.get(current)) is None:
        parent, name = os.path.split(current)
        if not name:  # the root
            real = current
        elif os.path.islink(current):
            real = os.path.realpath(current)
        else:
            below.append((current, name))
            current = parent
            continue
        real_folders[current] = real
        break
    for path, name in reversed(below):
        real = os.path.join(real, name)
        real_folders[path] = real
    return real


def read_stdin_paths(stdin: BinaryIO | None = None) -> list[str]:
    """Read the paths on stdin as ``-`` does: one per line, or NUL-separated."""
    return _read_stdin(stdin)


def _read_stdin(stdin: BinaryIO | None) -> list[str]:
    stream = stdin if stdin is not None else sys.stdin.buffer
    data = stream.read()
    separator = b"\0" if b"\0" in data else b"\n"
    paths = []
    for raw in data.split(separator):
        if separator == b"\n":
            raw = raw.rstrip(b"\r")
        if raw.strip():
            # fsdecode keeps undecodable bytes, so the name still opens.
            paths.append(os.fsdecode(raw))
    return paths


def _expand(path: str, real_folders: dict[str, str]) -> Iterator[str]:
    try:
        is_folder = stat.S_ISDIR(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        if not os.path.lexists(path):  # a broken link gets its own message
            _MISSING.add(os.path.abspath(path))
        is_folder = False
    except (OSError, ValueError):  # ValueError: a NUL byte in the path
        is_folder = False
    real = os.path.realpath(path) if is_folder else None
    if _OWN:
        own = _own_folder_containing(os.path.abspath(path), real_folders)
        if own is None and real is not None:
            own = _own_folder_containing(real, real_folders)
        if own is not None:
            _record_skipped(os.path.abspath(path), own)
            _GIVEN_OWN[path] = own
            return
    if real is None:
        yield path
        return
    if os.path.islink(path) and _walked_folder_of(real) is not None:
        yield path  # its files are read already; it gets a row of its own
        return
    _WALKED.append(real)
    yield from _walk(path, real)


def _own_folder_containing(path: str, real_folders: dict[str, str]) -> str | None:
    """Return the own folder (as given) that contains the absolute ``path``.

    Checks ``path``, the real location of its parent folder and, for a
    symbolic link, its target. So a link to an own folder or into one is
    recognized, and so is a link inside one. Returns None when none does.
    """
    candidates = [path, _real_folder(os.path.dirname(path), real_folders)]
    if os.path.islink(path):
        candidates.append(os.path.realpath(path))
    for candidate in candidates:
        own = _own_folder_of(candidate)
        if own is not None:
            return own
    return None


def _own_folder_of(path: str) -> str | None:
    """Return the own folder (as given) that is ``path`` or one of its parents."""
    while True:
        own = _OWN.get(path)
        if own is not None:
            return own
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def _walk(top: str, real_top: str) -> Iterator[str]:
    failed: list[str] = []
    # The real path of each folder to enter. The walk does not follow links
    # to folders, so a subfolder's real path is its parent's plus its name.
    real_paths = {top: real_top}

    def report(error: OSError) -> None:
        reason = error.strerror or str(error)
        log.info("cannot list %s: %s", error.filename, reason)
        if error.filename is not None:
            folder = os.path.abspath(os.fsdecode(error.filename))
            _UNLISTED[folder] = reason
            failed.append(folder)

    for folder, subfolders, files in walk(top, onerror=report):
        # A folder that cannot be listed gets a row, as a file would.
        yield from failed
        failed.clear()
        real_folder = real_paths.pop(folder)
        visible = sorted(name for name in subfolders if not name.startswith("."))
        # os.walk lists links to folders among the subfolders but does not
        # enter them, so they are taken out and yielded as paths instead.
        links = [name for name in visible if _is_link(folder, name)]
        _FOUND_FOLDER_LINKS.update(
            os.path.abspath(os.path.join(folder, name)) for name in links
        )
        if _OWN:
            visible = [
                name
                for name in visible
                if not _is_own_folder(folder, real_folder, name, is_link=name in links)
            ]
            links = [name for name in links if name in visible]
        subfolders[:] = [name for name in visible if name not in links]
        for name in subfolders:
            real_paths[os.path.join(folder, name)] = os.path.join(real_folder, name)
        # os.walk puts every entry that is neither a folder nor a link to one in
        # ``files``, special files and broken links included. The run rejects
        # those, and the links to folders, with a status.
        for name in sorted([*files, *links]):
            if name.startswith("."):
                continue
            path = os.path.join(folder, name)
            if _OWN and _links_into_own_folder(path):
                continue
            yield path
    yield from failed


def _is_link(folder: str, name: str) -> bool:
    return os.path.islink(os.path.join(folder, name))


def _is_own_folder(folder: str, real_folder: str, name: str, *, is_link: bool) -> bool:
    """Return whether the subfolder ``name`` of ``folder``, whose real path is
    ``real_folder``, is an own folder, or a link to one or into one.
    """
    real = os.path.join(real_folder, name)
    own = _OWN.get(real)
    if own is None and is_link:
        own = _own_folder_of(os.path.realpath(real))
    if own is None:
        return False
    if real in _OWN:
        _SKIPPED_OWN[own] = None
    else:
        _SKIPPED_LINKS[os.path.abspath(os.path.join(folder, name))] = own
    return True


def _links_into_own_folder(path: str) -> bool:
    """Return whether ``path`` is a symbolic link to an entry in an own folder.

    The link is added to ``_SKIPPED_LINKS``.
    """
    if not os.path.islink(path):
        return False
    own = _own_folder_of(os.path.realpath(path))
    if own is None:
        return False
    _SKIPPED_LINKS[os.path.abspath(path)] = own
    return True


def _record_skipped(path: str, own: str) -> None:
    """Record the given absolute ``path``, left out for the own folder ``own``.

    A link counts as a link unless it lies in ``own`` itself.
    """
    folder, name = os.path.split(path)
    location = os.path.join(os.path.realpath(folder), name)
    if os.path.islink(path) and _own_folder_of(location) is None:
        _SKIPPED_LINKS[path] = own
    else:
        _SKIPPED_OWN[own] = None


def skipped_own_folders() -> list[str]:
    """Return the own folders that the last ``collect_paths`` did not enter or
    that contained a path given to it."""
    return list(_SKIPPED_OWN)


def skipped_links_into_own_folders() -> dict[str, str]:
    """Return the symbolic links that the last ``collect_paths`` left out,
    each with the own folder (as given) that it points to or into."""
    return dict(_SKIPPED_LINKS)


def skipped_links_into_walked_folders() -> dict[str, str]:
    """Return the symbolic links to folders that the last ``collect_paths``
    found in a walk and left out, each with the walked folder it points to
    or into."""
    return dict(_SKIPPED_LOOPS)


def skipped_duplicates() -> dict[str, str]:
    """Return the paths that the last ``collect_paths`` left out because they
    name the same file as another path, each with the path kept."""
    return dict(_SKIPPED_DUPLICATES)


def given_paths_in_own_folders() -> dict[str, str]:
    """Return the paths given to the last ``collect_paths`` that it left out
    because they lie in an own folder or link into one, each with that folder.
    """
    return dict(_GIVEN_OWN)


def _file_behind_descriptor(path: str) -> str:
    """Return the real path of the file ``path`` names if it is a descriptor name.

    ``/dev/stdin`` and ``/dev/fd/N`` name another file in every process, so a
    document worker would read its own input. A descriptor that is not a file
    (a pipe or a terminal) is kept, and ``collected_path_result`` rejects it.
    """
    if not names_descriptor(path):
        return path
    real = os.path.realpath(path)
    if os.path.isfile(real):
        return real
    _DESCRIPTORS.add(path)
    return path


def collected_path_result(path: str) -> DocumentResult | None:
    """Return an ``unreadable`` result if ``path`` is a symbolic link to a
    folder, a folder the walk could not list, or a path given on the command
    line or on stdin that does not exist.

    Return None for any other path, a link to a file included.
    """
    from docflow.core.models import DocumentResult, Status
    from docflow.core.quoting import cut_value, quote_value

    # Messages name a long path by its start and end, and result.path keeps it.
    named = cut_value(path)
    if path in _MISSING and not os.path.lexists(path):
        return DocumentResult(
            path=path,
            status=Status.UNREADABLE,
            error=f"{named}: no such file or folder; check the path for a typo",
        )
    if path in _DESCRIPTORS:
        return DocumentResult(
            path=path,
            status=Status.UNREADABLE,
            error=f"{named}: is an input of the docflow command that is not a file "
            "(a pipe or a terminal); give the file's path, or pipe a list of "
            "paths to docflow with -",
        )
    reason = _UNLISTED.get(path)
    if reason is not None:
        return DocumentResult(
            path=path,
            status=Status.UNREADABLE,
            error=f"{named}: cannot list this folder ({reason}), so the files in "
            "it were not processed; fix its permissions, or move them to a "
            "shorter path when the name is too long",
        )
    if not (os.path.islink(path) and os.path.isdir(path)):
        return None
    target = os.path.realpath(path)
    walked = _walked_folder_of(target)
    if walked is not None:
        error = (
            f"{named}: is a symbolic link to {quote_value(target)}, a folder this "
            "run reads, so its files have rows under their own paths; give "
            "the folder's path instead of the link's"
        )
    else:
        error = (
            f"{named}: is a symbolic link to a folder, which docflow does not "
            "follow inside a walked folder, so give the folder itself "
            f"({quote_value(target)}) to process it"
        )
    return DocumentResult(path=path, status=Status.UNREADABLE, error=error)


def _walked_folder_of(target: str) -> str | None:
    """Return the walked folder that is ``target`` or contains it, or None.

    A folder inside a hidden one is not walked, so it has no walked folder.
    """
    for folder in _WALKED:
        if os.path.commonpath([folder, target]) != folder:
            continue
        parts = os.path.relpath(target, folder).split(os.sep)
        if not any(part.startswith(".") and part != "." for part in parts):
            return folder
    return None
