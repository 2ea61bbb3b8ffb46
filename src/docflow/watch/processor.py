"""The analysis engine the daemon keeps warm between files.

The daemon needs three things from an engine: enter it once, process a list of
paths (reporting each result as soon as it is ready), and leave it at exit.
``open_processor`` returns the MCP orchestrator that ``docflow process``
uses, so the classification and quality servers start once and stay up.
``InProcessProcessor`` runs ``process_document`` in threads behind the same
interface, for machines where the servers cannot start (``--in-process``).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from docflow.core.config import Settings
    from docflow.core.models import DocumentResult

__all__ = ["InProcessProcessor", "Processor", "ResultCallback", "open_processor"]

ResultCallback = Callable[["DocumentResult"], Awaitable[None] | None]


class Processor(Protocol):
    """An async context manager that turns paths into DocumentResults."""

    async def __aenter__(self) -> Processor: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None: ...

    async def process(
        self, paths: Sequence[str], on_result: ResultCallback | None = None
    ) -> list[DocumentResult]: ...


class InProcessProcessor:
    """``process_document`` in worker threads, one document per thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._slots = asyncio.Semaphore(max(1, settings.worker_count))

    async def __aenter__(self) -> InProcessProcessor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None

    async def process(
        self, paths: Sequence[str], on_result: ResultCallback | None = None
    ) -> list[DocumentResult]:
        """Process ``paths`` concurrently; ``on_result`` receives each result first."""
        return list(
            await asyncio.gather(*(self._process_one(p, on_result) for p in paths))
        )

    async def _process_one(
        self, path: str, on_result: ResultCallback | None
    ) -> DocumentResult:
        from docflow.core.pipeline import process_document

        async with self._slots:
            result = await asyncio.to_thread(
                process_document, path, self.settings, classify=True, quality=True
            )
        if on_result is not None:
            await call_result_callback(on_result, result)
        return result


async def call_result_callback(callback: ResultCallback, result: Any) -> None:
    """Call ``callback`` and await it when it returns an awaitable."""
    outcome = callback(result)
    if inspect.isawaitable(outcome):
        await outcome


def open_processor(settings: Settings, *, in_process: bool = False) -> Processor:
    """Return the engine the daemon uses: the MCP orchestrator by default."""
    if in_process:
        return InProcessProcessor(settings)
    from docflow.mcp.orchestrator import Orchestrator

    return Orchestrator(settings, classify=True, quality=True)  # type: ignore[return-value]
