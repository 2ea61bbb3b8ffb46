"""Root folders that bound which files the MCP tools may read.

A path is admitted when its real path (symlinks resolved) lies inside the real
path of a root. Comparison is by whole path components, so a root ``/data``
admits ``/data/a.pdf`` but not ``/data-evil/a.pdf``, and a symlink inside a root
that points outside it is rejected.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from docflow.errors import UsageError

if TYPE_CHECKING:
    from docflow.core.config import Settings

__all__ = ["OutsideRoots", "Roots", "resolve_roots"]


class OutsideRoots(UsageError):
    """A path lies outside every root folder the server was given."""


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
        real = Path(os.path.realpath(os.path.expanduser(path)))
        return any(real == root or real.is_relative_to(root) for root in self.paths)

    def check(self, path: str | os.PathLike[str]) -> str:
        """Return the real path of ``path``, or raise OutsideRoots naming it."""
        real = os.path.realpath(os.path.expanduser(path))
        if not self.contains(real):
            allowed = ", ".join(str(root) for root in self.paths)
            raise OutsideRoots(
                f"{os.fspath(path)!r} is outside the allowed root folders ({allowed}); "
                "start the server with --root covering it"
            )
        return real
