"""Progress bar on stderr, shown only when stderr is a terminal."""

from __future__ import annotations

import os
import sys
from typing import Any

__all__ = ["Progress", "file_label"]


class Progress:
    """A rich progress bar over ``total`` documents, or nothing at all."""

    def __init__(self, total: int, *, enabled: bool = True) -> None:
        self.total = total
        self.enabled = enabled and sys.stderr.isatty()
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("documents", total=self.total)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc_info)
            self._bar = None

    def advance(self) -> None:
        """Count one finished document."""
        if self._bar is not None:
            self._bar.advance(self._task)

    def describe(self, message: str) -> None:
        """Show the file named by the latest progress message from the servers."""
        if self._bar is not None:
            from rich.markup import escape

            # The bar reads its description as rich markup.
            label = escape(file_label(message))
            self._bar.update(self._task, description=label)


def file_label(message: str, width: int = 40) -> str:
    """Return the file name in a server message, cut to ``width`` characters.

    The orchestrator sends ``<server>: <path>: <status>`` as each document
    finishes, and only the file means something to the user. Any other text
    is shown as it is, cut to ``width``. Either way its control characters
    are escaped (``terminal_text``).
    """
    from docflow.cli._output import terminal_text

    _, _, rest = message.partition(": ")
    path, separator, _ = rest.rpartition(": ")
    if not separator:
        return terminal_text(message)[:width]
    name = terminal_text(os.path.basename(path) or path)
    return name if len(name) <= width else "…" + name[-(width - 1) :]
