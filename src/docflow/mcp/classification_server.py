"""MCP server that classifies documents.

Run it with ``python -m docflow.mcp.classification_server [--root DIR]``.

Tools: ``classify_document``, ``classify_documents`` (batch, with progress
notifications as documents finish, optionally with quality in the same pass),
``get_categories``, ``update_model`` and ``get_statistics``. A problem with a
document becomes a result with a status. A tool error (a path outside the
roots, an invalid model) names the path and the reason. Documents are parsed in
sandboxed child processes, see ``docflow.core.sandbox``.
"""

import asyncio
import logging
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field, StrictBool

from docflow import __version__
from docflow.core.config import Settings
from docflow.core.models import DocumentResult
from docflow.mcp._server import (
    ARGUMENT_DESCRIPTIONS,
    BatchResult,
    InvalidArgument,
    LatencySummary,
    PasswordArgument,
    ServerState,
    create_server,
    register_batch_tool,
    run_main,
    run_server,
    summarize_latencies,
)

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

__all__ = ["build_classification_server", "main", "run_classification_server"]

log = logging.getLogger(__name__)

SERVER_NAME = "docflow-classification"


class CategoryEntry(BaseModel):
    """A category the server can assign."""

    name: str
    description: str
    in_model: bool
    training_documents: int | None = None
    keyword_rules: int = 0
    pattern_rules: int = 0


class CategoryList(BaseModel):
    categories: list[CategoryEntry]
    model_version: str | None = None


class ModelInfo(BaseModel):
    """The model the server uses after ``update_model``."""

    model_path: str
    model_version: str
    previous_version: str | None = None
    lost_categories: list[str] = Field(
        default_factory=list,
        description="categories of the previous model that this model lacks; "
        "not empty only with allow_lost_categories",
    )
    warning: str | None = Field(
        default=None, description="the warning about lost_categories, or null"
    )


class SandboxCounters(BaseModel):
    timeouts: int
    crashes: int
    memory_limits: int
    children_started: int = Field(
        description="document workers started, replacements included"
    )
    idle_deaths: int = Field(
        default=0,
        description="document workers that died while idle and were replaced",
    )
    last_idle_death: str | None = Field(
        default=None,
        description="the newest idle death, as 'worker pid 123 killed by SIGKILL'",
    )


class ServerStatistics(BaseModel):
    """Counters since the server started."""

    server: str
    pid: int
    documents: int
    errors: int = Field(description="documents whose status is not ok")
    latency: LatencySummary
    model_version: str | None
    uptime_seconds: float
    roots: list[str]
    sandbox: SandboxCounters


def current_model_version(settings: Settings) -> str | None:
    """Return the configured model's version, or None when it cannot be read."""
    from docflow.core.classify import model_version
    from docflow.errors import ModelError

    try:
        return model_version(settings)
    except ModelError as exc:
        log.warning("cannot read the model version: %s", exc)
        return None


def collect_statistics(
    state: ServerState, name: str, *, with_model: bool = True
) -> ServerStatistics:
    """Return the server's counters; shared with the quality server.

    ``with_model`` false leaves ``model_version`` empty, for a server that
    does not classify.
    """
    stats = state.pool.stats
    version = current_model_version(state.settings) if with_model else None
    return ServerStatistics(
        server=name,
        pid=os.getpid(),
        documents=state.documents,
        errors=state.errors,
        latency=summarize_latencies(state.latencies_ms),
        model_version=version,
        uptime_seconds=state.uptime(),
        roots=[str(root) for root in state.roots.paths],
        sandbox=SandboxCounters(
            timeouts=stats.timeouts,
            crashes=stats.crashes,
            memory_limits=stats.memory_limits,
            children_started=stats.children_started,
            idle_deaths=stats.idle_deaths,
            last_idle_death=stats.last_idle_death,
        ),
    )


async def switch_model(
    state: ServerState, model_path: str, *, allow_lost_categories: bool = False
) -> ModelInfo:
    """Load ``model_path`` in a sandboxed worker, then use it for later documents.

    A model that lacks categories of the current one is rejected unless
    ``allow_lost_categories`` is true, as ``docflow train`` rejects one
    that would replace the model in use unless --force is given.
    """
    from docflow.core.classify._model import ARGUMENT_ORIGIN
    from docflow.core.classify._switch import check_model_switch
    from docflow.errors import ModelError

    real = state.check_path(
        model_path, "model_path", ARGUMENT_DESCRIPTIONS["model_path"]
    )
    candidate = state.settings.model_copy(deep=True)
    candidate.classification.model_path = real
    candidate.set_origin("classification", "model_path", ARGUMENT_ORIGIN)
    future = state.pool.call("docflow.mcp._validate:check_model", candidate)
    try:
        version, categories = await asyncio.wrap_future(future)
    except Exception as exc:  # RuntimeError from the child, ServerError if it died
        # The child's ModelError names the model file, so the message does
        # not repeat model_path.
        raise InvalidArgument(
            "model_path",
            f"the model is not usable: {exc}. The server keeps its current model",
        ) from None
    previous, previous_categories, described = _current_model_categories(state)
    try:
        switch = check_model_switch(
            previous_categories,
            described,
            categories,
            allow_lost=allow_lost_categories,
            allow_name="the argument allow_lost_categories to true",
        )
    except ModelError as exc:
        raise InvalidArgument(
            "model_path", f"{exc}. The server keeps its current model"
        ) from None
    state.replace_settings(candidate)
    log.info("switched the classifier model to %s (version %s)", real, version)
    if switch.warning:
        log.warning("model %s: %s", real, switch.warning)
    return ModelInfo(
        model_path=real,
        model_version=str(version),
        previous_version=previous,
        lost_categories=switch.lost_categories,
        warning=switch.warning,
    )


def _current_model_categories(
    state: ServerState,
) -> tuple[str | None, list[str] | None, str]:
    """Return the version, categories and description of the model in use.

    The version and categories are None when its ``model.json`` cannot be
    read, so no category counts as lost.
    """
    from docflow.core.classify._model import (
        read_configured_metadata,
        resolve_model_dir,
    )
    from docflow.core.classify._switch import describe_model
    from docflow.errors import ModelError

    try:
        metadata = read_configured_metadata(state.settings)
    except ModelError as exc:
        log.warning("cannot read the current model's categories: %s", exc)
        return None, None, "the current model"
    version = str(metadata["version"])
    categories = [str(name) for name in metadata.get("categories", [])]
    model_dir = resolve_model_dir(state.settings)
    return version, categories, describe_model(version, model_dir)


def build_classification_server(state: ServerState) -> "MCPServer":
    """Create the classification server and register its tools on ``state``.

    The MCP SDK is imported here (by ``create_server``), not at module level,
    so a server process starts its document worker first and both load their
    libraries at once.
    """
    server = create_server(
        name=SERVER_NAME,
        version=__version__,
        instructions="Classify documents (invoice, contract, resume, ...) with "
        "calibrated confidence and evidence. Paths must lie under the server's roots.",
    )
    register_document_tools(server, state)
    register_model_tools(server, state)
    return server


def register_document_tools(server: "MCPServer", state: ServerState) -> None:
    """Register the tools that classify documents."""
    from mcp.server.mcpserver import Context

    @server.tool()
    async def classify_document(
        path: str, password: PasswordArgument = None
    ) -> DocumentResult:
        """Classify one document and return its category, confidence and evidence.

        Give ``password`` for an encrypted PDF. Without it, or with a wrong
        one, the PDF gets status password_required.
        """
        state.check_path(path)
        return await state.process(
            path, classify=True, quality=False, password=password
        )

    @register_batch_tool(server, state)
    async def classify_documents(
        paths: list[str],
        ctx: Context,
        with_quality: StrictBool = False,
        password: PasswordArgument = None,
    ) -> BatchResult:
        """Classify documents, reporting progress as they finish.

        With ``with_quality`` each document is also judged for quality in the
        same pass, so its text is extracted once. ``password`` is tried on
        every encrypted PDF of the call.
        """
        return await state.process_batch(
            paths, ctx, classify=True, quality=with_quality, password=password
        )


def register_model_tools(server: "MCPServer", state: ServerState) -> None:
    """Register the tools that describe or change the model, and the statistics."""

    @server.tool()
    def get_categories() -> CategoryList:
        """List the categories the model and the configured rules can assign."""
        from docflow.core.classify import list_categories

        entries = [
            CategoryEntry.model_validate(info.model_dump())
            for info in list_categories(state.settings)
        ]
        return CategoryList(
            categories=entries, model_version=current_model_version(state.settings)
        )

    @server.tool()
    async def update_model(
        model_path: str, allow_lost_categories: StrictBool = False
    ) -> ModelInfo:
        """Switch to the model at ``model_path`` (a folder or its model.joblib).

        The model is loaded in a sandboxed worker first; an invalid one is
        rejected. So is a model that lacks categories of the current model,
        unless ``allow_lost_categories`` is true; the result then lists them
        in ``lost_categories`` with a warning.
        """
        return await switch_model(
            state, model_path, allow_lost_categories=allow_lost_categories
        )

    @server.tool()
    def get_statistics() -> ServerStatistics:
        """Return documents, errors, latency percentiles, model version and uptime."""
        return collect_statistics(state, SERVER_NAME)


def run_classification_server(
    settings: Settings, roots: Sequence[str] | None = None
) -> None:
    """Serve the classification tools on stdio until the client disconnects."""
    run_server(build_classification_server, settings, roots, load_model=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server from the command line; return the exit status."""
    return run_main(
        build_classification_server,
        argv,
        description="docflow classification MCP server",
        load_model=True,
    )


if __name__ == "__main__":
    # Import the module under its package name so loggers and tools carry it.
    from docflow.mcp._server import exit_after
    from docflow.mcp.classification_server import main as main_entry

    exit_after(main_entry)
