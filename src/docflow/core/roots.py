"""Root folders that bound which files the MCP tools may read.

A path is admitted when its real path (symlinks resolved) lies inside the real
path of a root. Comparison is by whole path components, so a root ``/data``
admits ``/data/a.pdf`` but not ``/data-evil/a.pdf``, and a symlink inside a root
that points outside it is rejected.

A relative path is joined to the server's working folder when that folder lies
inside a root, and to each root in order. The first of these that exists is used.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from docflow.core.quoting import quote_value
from docflow.errors import UsageError

if TYPE_CHECKING:
    from docflow.core.config import Settings

__all__ = ["OutsideRoots", "Roots", "resolve_roots"]


class OutsideRoots(UsageError):
    """A path lies outside every root folder the server was given, or names no file.

    A path names no file when it is empty or blank, or contains a NUL
    character, which the operating system does not allow in a file name.
    """


def resolve_roots(
    roots: Iterable[str | os.PathLike[str]] | None, settings: Settings | None = None
) -> list[Path]:
    """Return the real paths of ``roots``, else of ``settings.mcp.roots``, else cwd.

    Raises UsageError when a root does not exist or is not a folder.
    """
    chosen = [str(root) for root in roots or ()]
    if not chosen and settings is not None:
        chosen = list(settings.mcp.roots)
    if not chosen:
        chosen = [os.getcwd()]
    resolved = []
    for root in chosen:
        real = Path(os.path.realpath(os.path.expanduser(root)))
        if not real.is_dir():
            raise UsageError(
                f"root folder {root!r} does not exist or is not a folder; "
                "check --root or mcp.roots in docflow.toml"
            )
        resolved.append(real)
    return resolved


class Roots:
    """The set of folders a server may read from."""

    def __init__(self, roots: Iterable[Path]) -> None:
        self.paths = list(roots)

    def __repr__(self) -> str:
        return f"Roots({[str(path) for path in self.paths]!r})"

    def contains(self, path: str | os.PathLike[str]) -> bool:
        """Return whether the real path of ``path`` lies inside one of the roots."""
        if "\0" in os.fspath(path):
            return False
        real = Path(os.path.realpath(os.path.expanduser(path)))
        return self._inside(real)

    def check(
        self, path: str | os.PathLike[str], expected: str = "the path of a document"
    ) -> str:
        """Return the real path of ``path``, or raise OutsideRoots naming it.

        An empty or blank path names no file, so it is rejected too rather
        than taken as the working folder. So is a path with a NUL character,
        which ``os.path.realpath`` would reject with ValueError. Both
        messages ask for ``expected``. The message cuts a long path with
        ``quote_value``. A path that names no file but is the text docflow
        prints for a name that is not valid UTF-8 is taken as that name (see
        ``find_named_file``), so the real path returned may not be valid UTF-8.
        """
        if not os.fspath(path).strip():
            raise OutsideRoots(f"the path is empty; give {expected}")
        if "\0" in os.fspath(path):
            raise OutsideRoots(
                "the path contains a NUL character (\\x00), which no file name "
                f"can contain; give {expected}"
            )
        absolute = self.absolute(self.find_named_file(os.fspath(path)))
        real = os.path.realpath(absolute)
        if self._inside(Path(real)):
            return real
        allowed = ", ".join(str(root) for root in self.paths)
        if self._inside(Path(os.path.normpath(absolute))):
            raise OutsideRoots(
                f"{quote_value(os.fspath(path))} is a symlink that leaves the "
                f"allowed root folders ({allowed}): it points to {quote_value(real)}"
            )
        raise OutsideRoots(
            f"{quote_value(os.fspath(path))} is outside the allowed root folders "
            f"({allowed}); start the server with --root covering it"
        )

    def find_named_file(self, path: str) -> str:
        """Return ``path``, or the file name that docflow prints as ``path``.

        JSON, and so MCP, carries only valid UTF-8. So a client names a file
        whose name is not UTF-8 by the text that docflow prints for it
        (``display_path``). That text writes each byte that is not UTF-8 as
        ``\\xNN`` and doubles each backslash of the name. A file whose name is
        ``path`` itself wins, as in ``docflow report``. If neither exists,
        ``path`` is returned, so an error names the text the client sent.
        """
        if os.path.lexists(self.absolute(path)):
            return path
        from docflow.core.store._rows import path_from_display

        named = path_from_display(path)
        if named != path and os.path.lexists(self.absolute(named)):
            return named
        return path

    def absolute(self, path: str | os.PathLike[str]) -> str:
        """Return ``path`` made absolute, without resolving symlinks.

        A relative path is joined to the working folder when that folder lies
        inside a root, then to each root in order. The first that exists is
        returned, else the first candidate, so the error names a real location.
        """
        expanded = os.path.expanduser(os.fspath(path))
        if os.path.isabs(expanded):
            return expanded
        bases = [Path(root) for root in self.paths]
        cwd = Path(os.path.realpath(os.getcwd()))
        if self._inside(cwd):
            bases.insert(0, cwd)
        candidates = [os.path.join(base, expanded) for base in bases]
        for candidate in candidates:
            if os.path.lexists(candidate):
                return candidate
        return candidates[0] if candidates else os.path.abspath(expanded)

    def _inside(self, path: Path) -> bool:
        return any(path == root or path.is_relative_to(root) for root in self.paths)
