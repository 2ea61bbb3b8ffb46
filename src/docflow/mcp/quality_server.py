"""MCP server that judges document quality.

Run it with ``python -m docflow.mcp.quality_server [--root DIR]``.

Tools: ``analyze_quality``, ``analyze_documents`` (batch, with progress
notifications as documents finish), ``get_quality_metrics``, ``update_thresholds``
(validated, kept in memory for this server process only), ``generate_report``
and ``get_statistics``. Extraction goes through the shared extraction cache, so
a document the classification server already read is not parsed again.
"""

import difflib
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from docflow import __version__
from docflow.core.config import QualitySettings, Settings
from docflow.core.models import DocumentResult
from docflow.core.quoting import quote_value
from docflow.mcp._server import (
    BatchResult,
    InvalidArgument,
    PasswordArgument,
    ServerState,
    create_server,
    describe_invalid_values,
    join_problems,
    quote_names,
    register_batch_tool,
    run_main,
    run_server,
)
from docflow.mcp.classification_server import ServerStatistics, collect_statistics

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

__all__ = ["build_quality_server", "main", "run_quality_server"]

log = logging.getLogger(__name__)

SERVER_NAME = "docflow-quality"
#: Pydantic's int fields hold 64-bit integers, so a float from this size up is
#: not turned into a whole-number threshold.
_INT64_LIMIT = 2.0**63


class MetricCatalog(BaseModel):
    """Descriptions of the quality metrics, scores and issue codes."""

    metrics: list[dict[str, Any]]
    thresholds: dict[str, Any]


class Thresholds(BaseModel):
    """The quality thresholds in force after ``update_thresholds``."""

    thresholds: dict[str, Any]
    changed: list[str]


class QualityReport(BaseModel):
    """A rendered report over several documents, plus their results."""

    report: str
    format: str
    results: list[DocumentResult]


def apply_thresholds(state: ServerState, changes: dict[str, Any]) -> Thresholds:
    """Validate ``changes`` against the quality settings and use them from now on.

    A number given as a string ("60"), a boolean given for a number, NaN and
    infinity are rejected.
    """
    current = state.settings.quality.model_dump()
    try:
        quality = QualitySettings.model_validate(
            {**current, **_whole_floats_as_int(changes)}, strict=True
        )
    except ValidationError as exc:
        raise InvalidArgument("thresholds", describe_invalid_thresholds(exc)) from None
    updated = state.settings.model_copy(update={"quality": quality})
    state.replace_settings(updated)
    log.info("quality thresholds changed: %s", sorted(changes))
    return Thresholds(thresholds=quality.model_dump(), changed=sorted(changes))


def describe_invalid_thresholds(exc: ValidationError) -> str:
    """Describe the thresholds that ``exc`` rejects, ending with where to look."""
    problems = describe_invalid_values(
        exc, QualitySettings.model_json_schema(), noun="threshold", descriptions={}
    )
    text = join_problems(problems)
    unknown = [
        str(error["loc"][0])
        for error in exc.errors()
        if error["type"] == "extra_forbidden"
    ]
    if unknown:
        text += " " + describe_unknown_thresholds(unknown)
    if any(
        error["input"] is None and error["type"] != "extra_forbidden"
        for error in exc.errors()
    ):
        # The MCP Python SDK (mcp 2.3, through pydantic's default) and
        # JavaScript's JSON.stringify send NaN and infinity as null.
        text += " A client may send NaN or infinity as null, because JSON has neither."
    return f"{text} get_quality_metrics lists the thresholds."


def describe_unknown_thresholds(unknown: Sequence[str]) -> str:
    """Suggest a close threshold name for each unknown key, and list every name."""
    names = list(QualitySettings.model_fields)
    suggestions = []
    for key in unknown:
        # A similarity ratio of at least 0.8 suggests 'min_document_chars' for
        # 'min_doc_chars' (0.84), but not 'review_threshold' for
        # 'no_such_threshold' (0.61).
        match = difflib.get_close_matches(key, names, n=1, cutoff=0.8)
        if match and len(unknown) == 1:
            suggestions.append(f"Did you mean {match[0]!r}?")
        elif match:
            suggestions.append(f"Did you mean {match[0]!r} for {quote_value(key)}?")
    target = (
        "each of " + quote_names(unknown)
        if len(unknown) > 1
        else quote_value(unknown[0])
    )
    listing = f"Rename {target} to one of the thresholds: {quote_names(names)}."
    return " ".join([*suggestions, listing])


def _whole_floats_as_int(changes: dict[str, Any]) -> dict[str, Any]:
    """Turn 80.0 into 80 for a whole-number threshold, as JSON Schema counts it.

    Thresholds are validated in pydantic's strict mode, so that a string such
    as "60" or a boolean is rejected where a number is expected. Strict mode
    also rejects 80.0 for an int field, which JSON calls an integer. A float
    of 2**63 or more stays a float, so that the error for 1e308 shows 1e+308
    and not the 309 digits of the whole number.
    """
    fields = QualitySettings.model_fields
    converted = dict(changes)
    for name, value in changes.items():
        field = fields.get(name)
        if (
            field is not None
            and field.annotation is int
            and isinstance(value, float)
            and value.is_integer()
            and abs(value) < _INT64_LIMIT
        ):
            converted[name] = int(value)
    return converted


def render_quality_report(results: list[DocumentResult]) -> str:
    """Render ``results`` as a Markdown report with core.quality.render_report."""
    from docflow.core.quality import render_report

    return render_report(list(results))


def build_quality_server(state: ServerState) -> "MCPServer":
    """Create the quality server and register its tools on ``state``.

    The MCP SDK is imported here, as in ``build_classification_server``.
    """
    server = create_server(
        name=SERVER_NAME,
        version=__version__,
        instructions="Judge document quality (readability, structure, content) and "
        "list issues with recommendations. Paths must lie under the server's roots.",
    )

    register_document_tools(server, state)
    register_setting_tools(server, state)
    return server


def register_document_tools(server: "MCPServer", state: ServerState) -> None:
    """Register the tools that analyze documents and render reports."""
    from mcp.server.mcpserver import Context

    @server.tool()
    async def analyze_quality(
        path: str, password: PasswordArgument = None
    ) -> DocumentResult:
        """Score one document's quality and list its issues and recommendations.

        Give ``password`` for an encrypted PDF. Without it, or with a wrong
        one, the PDF gets status password_required.
        """
        state.check_path(path)
        return await state.process(
            path, classify=False, quality=True, password=password
        )

    @register_batch_tool(server, state)
    async def analyze_documents(
        paths: list[str], ctx: Context, password: PasswordArgument = None
    ) -> BatchResult:
        """Score documents' quality, reporting progress as they finish.

        ``password`` is tried on every encrypted PDF of the call.
        """
        return await state.process_batch(
            paths, ctx, classify=False, quality=True, password=password
        )

    @register_batch_tool(server, state)
    async def generate_report(
        paths: list[str], ctx: Context, password: PasswordArgument = None
    ) -> QualityReport:
        """Analyze documents and render a Markdown quality report over them.

        A path outside the roots gets an unreadable row that names the reason,
        as in ``analyze_documents``, and the report lists it as not analyzed.
        ``password`` is tried on every encrypted PDF of the call.
        """
        batch = await state.process_batch(
            paths, ctx, classify=False, quality=True, password=password
        )
        report = render_quality_report(batch.results)
        return QualityReport(report=report, format="markdown", results=batch.results)


def register_setting_tools(server: "MCPServer", state: ServerState) -> None:
    """Register the tools that describe or change thresholds, and the statistics."""

    @server.tool()
    def get_quality_metrics() -> MetricCatalog:
        """Describe every metric, score and issue code, with the thresholds in force."""
        from docflow.core.quality import quality_metrics_catalog

        return MetricCatalog(
            metrics=quality_metrics_catalog(),
            thresholds=state.settings.quality.model_dump(),
        )

    @server.tool()
    def update_thresholds(thresholds: dict[str, Any]) -> Thresholds:
        """Change quality thresholds for this server process, after validating them.

        Keys are the ``quality`` settings, for example ``review_threshold``.
        Numbers must be JSON numbers, such as 60, not strings such as "60".
        """
        return apply_thresholds(state, thresholds)

    @server.tool()
    def get_statistics() -> ServerStatistics:
        """Return documents, errors, latency percentiles and uptime."""
        return collect_statistics(state, SERVER_NAME, with_model=False)


def run_quality_server(settings: Settings, roots: Sequence[str] | None = None) -> None:
    """Serve the quality tools on stdio until the client disconnects."""
    run_server(build_quality_server, settings, roots, load_model=False)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server from the command line; return the exit status."""
    return run_main(
        build_quality_server,
        argv,
        description="docflow quality MCP server",
        load_model=False,
    )


if __name__ == "__main__":
    # Import the module under its package name so loggers and tools carry it.
    from docflow.mcp._server import exit_after
    from docflow.mcp.quality_server import main as main_entry

    exit_after(main_entry)
