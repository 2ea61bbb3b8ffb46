"""Tests for the tool errors that invalid MCP tool arguments get.

Each server runs as a real stdio process, driven by the SDK's ``stdio_client``
and ``ClientSession``. One session per server kind makes every call of the
table, and each case is then its own test.
"""

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from docflow.core.config import QualitySettings, Settings

MODULES = {
    "classification": "docflow.mcp.classification_server",
    "quality": "docflow.mcp.quality_server",
}
TEXT = "Quarterly report\n\nRevenue grew in the third quarter.\n"
# JSON numbers for a float and an int threshold. JSON Schema counts 80.0 as an
# integer.
VALID_THRESHOLDS = {"review_threshold": 55, "min_document_chars": 80.0}
# Every quality setting, in the order of QualitySettings, as an unknown
# threshold's error lists them: 'review_threshold', ... and 'max_page_issues'.
_QUOTED_NAMES = [repr(name) for name in QualitySettings.model_fields]
THRESHOLD_NAMES = ", ".join(_QUOTED_NAMES[:-1]) + " and " + _QUOTED_NAMES[-1]

# (server kind, tool, arguments, the whole text of the expected tool error)
CASES = [
    (
        "classification",
        "classify_document",
        {},
        "classify_document: missing argument 'path', which must be a file path.",
    ),
    (
        "classification",
        "classify_document",
        {"path": 5},
        "classify_document: argument 'path' must be a file path, got 5.",
    ),
    (
        "classification",
        "classify_document",
        {"file": "report.txt"},
        "classify_document: unknown argument 'file'. "
        "Its arguments are 'path' and 'password'.",
    ),
    (
        "classification",
        "no_such_tool",
        {"path": "report.txt"},
        "Unknown tool 'no_such_tool'. The tools of docflow-classification are "
        "'classify_document', 'classify_documents', 'get_categories', "
        "'update_model' and 'get_statistics'.",
    ),
    (
        "classification",
        "classify_documents",
        {"paths": "report.txt"},
        "classify_documents: argument 'paths' must be a list of file paths, "
        "got a string.",
    ),
    (
        "classification",
        "classify_documents",
        {"paths": ["report.txt", 7]},
        "classify_documents: argument 'paths' must be a list of file paths, "
        "but paths[1] is 7.",
    ),
    (
        "classification",
        "classify_documents",
        {"paths": ["report.txt"], "with_quality": "maybe"},
        "classify_documents: argument 'with_quality' must be true or false, "
        "got a string.",
    ),
    (
        "classification",
        "classify_documents",
        {"paths": ["report.txt"], "with_quality": "yes"},
        "classify_documents: argument 'with_quality' must be true or false, "
        "got a string.",
    ),
    (
        "classification",
        "classify_documents",
        {"paths": ["report.txt"], "with_quality": "true"},
        "classify_documents: argument 'with_quality' must be true or false, "
        "got a string.",
    ),
    (
        "classification",
        "classify_documents",
        {"paths": ["report.txt"], "with_quality": 1},
        "classify_documents: argument 'with_quality' must be true or false, got 1.",
    ),
    (
        "classification",
        "classify_documents",
        {"paths": [1, 2], "with_quality": 0},
        "classify_documents: argument 'paths' must be a list of file paths, "
        "but paths[0] is 1. Argument 'with_quality' must be true or false, got 0.",
    ),
    (
        "classification",
        "classify_documents",
        {"paths": ["report.txt"], "quality": True, "ctx": 1},
        "classify_documents: unknown arguments 'quality' and 'ctx'. "
        "Its arguments are 'paths', 'with_quality' and 'password'.",
    ),
    (
        "classification",
        "get_categories",
        {"verbose": True},
        "get_categories: unknown argument 'verbose'. It takes no arguments.",
    ),
    (
        "classification",
        "update_model",
        {"model_path": None},
        "update_model: argument 'model_path' must be the path of a model folder "
        "or of its model.joblib, got null.",
    ),
    (
        "quality",
        "analyze_quality",
        {"path": ["report.txt"]},
        "analyze_quality: argument 'path' must be a file path, got a list.",
    ),
    (
        "quality",
        "analyse_quality",
        {"path": "report.txt"},
        "Unknown tool 'analyse_quality'. The tools of docflow-quality are "
        "'analyze_quality', 'analyze_documents', 'generate_report', "
        "'get_quality_metrics', 'update_thresholds' and 'get_statistics'.",
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": {"review_threshold": 50}, "dry_run": True},
        "update_thresholds: unknown argument 'dry_run'. "
        "Its only argument is 'thresholds'.",
    ),
    (
        "quality",
        "analyze_documents",
        {},
        "analyze_documents: missing argument 'paths', which must be a list of "
        "file paths.",
    ),
    (
        "quality",
        "generate_report",
        {"paths": {"first": "report.txt"}},
        "generate_report: argument 'paths' must be a list of file paths, "
        "got an object.",
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": 60},
        "update_thresholds: argument 'thresholds' must be an object of quality "
        'settings, such as {"review_threshold": 60}, got 60.',
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": {"review_threshold": "high"}},
        "update_thresholds: argument 'thresholds' is invalid because "
        "threshold 'review_threshold' "
        "must be a number from 0 to 100, got a string. "
        "get_quality_metrics lists the thresholds.",
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": {"review_threshold": "60"}},
        "update_thresholds: argument 'thresholds' is invalid because "
        "threshold 'review_threshold' "
        'must be a number from 0 to 100, got the string "60". '
        "get_quality_metrics lists the thresholds.",
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": {"review_threshold": True}},
        "update_thresholds: argument 'thresholds' is invalid because "
        "threshold 'review_threshold' "
        "must be a number from 0 to 100, got true. "
        "get_quality_metrics lists the thresholds.",
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": {"min_document_chars": "80"}},
        "update_thresholds: argument 'thresholds' is invalid because "
        "threshold 'min_document_chars' "
        'must be a whole number from 0 to 1000000, got the string "80". '
        "get_quality_metrics lists the thresholds.",
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": {"max_page_issues": False}},
        "update_thresholds: argument 'thresholds' is invalid because "
        "threshold 'max_page_issues' "
        "must be a whole number from 1 to 100000, got false. "
        "get_quality_metrics lists the thresholds.",
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": {"min_document_chars": 80.5}},
        "update_thresholds: argument 'thresholds' is invalid because "
        "threshold 'min_document_chars' "
        "must be a whole number from 0 to 1000000, got 80.5. "
        "get_quality_metrics lists the thresholds.",
    ),
    (
        "classification",
        "classify_documents",
        {"paths": ["report.txt"], "with_quality": "1"},
        "classify_documents: argument 'with_quality' must be true or false, "
        'got the string "1".',
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": {"review_threshold": 150, "no_such_threshold": 1}},
        "update_thresholds: argument 'thresholds' is invalid because "
        "threshold 'review_threshold' "
        "must be a number from 0 to 100, got 150. "
        "Threshold 'no_such_threshold' is unknown. "
        f"Rename 'no_such_threshold' to one of the thresholds: {THRESHOLD_NAMES}. "
        "get_quality_metrics lists the thresholds.",
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": {"revew_threshold": 50}},
        "update_thresholds: argument 'thresholds' is invalid because threshold "
        "'revew_threshold' is unknown. Did you mean 'review_threshold'? Rename "
        f"'revew_threshold' to one of the thresholds: {THRESHOLD_NAMES}. "
        "get_quality_metrics lists the thresholds.",
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": {"min_doc_chars": 50, "colour": "red"}},
        "update_thresholds: argument 'thresholds' is invalid because threshold "
        "'min_doc_chars' is unknown. Threshold 'colour' is unknown. Did you mean "
        "'min_document_chars' for 'min_doc_chars'? Rename each of 'min_doc_chars' "
        f"and 'colour' to one of the thresholds: {THRESHOLD_NAMES}. "
        "get_quality_metrics lists the thresholds.",
    ),
    (
        "quality",
        "update_thresholds",
        # The SDK's client (mcp 2.3) sends NaN as null.
        {"thresholds": {"review_threshold": float("nan")}},
        "update_thresholds: argument 'thresholds' is invalid because threshold "
        "'review_threshold' must be a number from 0 to 100, got null. A client "
        "may send NaN or infinity as null, because JSON has neither. "
        "get_quality_metrics lists the thresholds.",
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": {"fallback_language": "xx"}},
        "update_thresholds: argument 'thresholds' is invalid because in threshold "
        "'fallback_language', 'xx' is not a language docflow judges text in; use "
        "one of en, fr, de, nl, pl, es, it (ISO 639-1 codes). "
        "get_quality_metrics lists the thresholds.",
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": {"fallback_language": ""}},
        "update_thresholds: argument 'thresholds' is invalid because in threshold "
        "'fallback_language', the language is empty; use one of en, fr, de, nl, "
        "pl, es, it (ISO 639-1 codes). get_quality_metrics lists the thresholds.",
    ),
    (
        "quality",
        "analyze_quality",
        {"path": ""},
        "analyze_quality: argument 'path' is invalid because the path is empty; "
        "give the path of a document.",
    ),
    (
        "classification",
        "update_model",
        {"model_path": ""},
        "update_model: argument 'model_path' is invalid because the path is "
        "empty; give the path of a model folder or of its model.joblib.",
    ),
    (
        "classification",
        "classify_document",
        {"path": "\x00x"},
        "classify_document: argument 'path' is invalid because the path contains "
        "a NUL character (\\x00), which no file name can contain; give the path "
        "of a document.",
    ),
    (
        "classification",
        "update_model",
        {"model_path": "model\x00"},
        "update_model: argument 'model_path' is invalid because the path contains "
        "a NUL character (\\x00), which no file name can contain; give the path "
        "of a model folder or of its model.joblib.",
    ),
    (
        "quality",
        "analyze_quality",
        {"path": "report.txt\x00"},
        "analyze_quality: argument 'path' is invalid because the path contains "
        "a NUL character (\\x00), which no file name can contain; give the path "
        "of a document.",
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": {"min_document_chars": 1e308}},
        "update_thresholds: argument 'thresholds' is invalid because threshold "
        "'min_document_chars' must be a whole number from 0 to 1000000, got "
        "1e+308. get_quality_metrics lists the thresholds.",
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": {"min_document_chars": 1e18}},
        "update_thresholds: argument 'thresholds' is invalid because threshold "
        "'min_document_chars' must be a whole number from 0 to 1000000, got "
        "1000000000000000000. get_quality_metrics lists the thresholds.",
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": {"empty_page_chars": 10**40}},
        "update_thresholds: argument 'thresholds' is invalid because threshold "
        "'empty_page_chars' must be a whole number from 0 to 100000, got a whole "
        "number of more than 32 digits. get_quality_metrics lists the thresholds.",
    ),
    (
        "quality",
        "update_thresholds",
        {
            "thresholds": {
                "readability_weight": 0,
                "structure_weight": 0.0,
                "content_weight": 0,
            }
        },
        "update_thresholds: argument 'thresholds' is invalid because "
        "readability_weight, structure_weight and content_weight are all 0, so "
        "overall_score would weigh no score; give at least one of them a weight "
        "above 0. get_quality_metrics lists the thresholds.",
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": {"readability_min_words": 30000}},
        "update_thresholds: argument 'thresholds' is invalid because "
        "readability_min_words 30000 is above readability_max_words 20000, so no "
        "sampled text reaches the minimum and readability would never be scored; "
        "lower readability_min_words or raise readability_max_words. "
        "get_quality_metrics lists the thresholds.",
    ),
    (
        "quality",
        "update_thresholds",
        {"thresholds": {"content_weight": 1e300}},
        "update_thresholds: argument 'thresholds' is invalid because threshold "
        "'content_weight' must be a number from 0 to 100, got 1e+300. "
        "get_quality_metrics lists the thresholds.",
    ),
]
CASE_IDS = [
    f"{tool}-{'-'.join(arguments) or 'none'}" for _, tool, arguments, _ in CASES
]


async def call_all(kind, folder):
    """Start one server of ``kind`` and make every call of CASES for it."""
    settings = Settings.model_validate({"store": {"cache_dir": str(folder / "cache")}})
    settings_file = folder / f"{kind}-settings.json"
    settings_file.write_text(settings.model_dump_json())
    env = {**os.environ, "DOCFLOW_SETTINGS_FILE": str(settings_file)}
    args = ["-m", MODULES[kind], "--root", str(folder / "docs")]
    params = StdioServerParameters(
        command=sys.executable, args=args, env=env, cwd=str(folder / "docs")
    )
    results = {}
    with open(folder / f"{kind}.log", "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                for index, (case_kind, tool, arguments, _) in enumerate(CASES):
                    if case_kind == kind:
                        results[index] = await session.call_tool(tool, arguments)
                results["valid"] = await session.call_tool(
                    "analyze_quality" if kind == "quality" else "classify_document",
                    {"path": "report.txt"},
                )
                if kind == "quality":
                    results["thresholds"] = await session.call_tool(
                        "update_thresholds", {"thresholds": VALID_THRESHOLDS}
                    )
                    results["report"] = await session.call_tool(
                        "generate_report", {"paths": report_paths(folder)}
                    )
                results["tools"] = (await session.list_tools()).tools
    return results


def report_paths(folder):
    """Return a readable path, then paths that no tool may read."""
    return ["report.txt", " ", "\0x", str(folder / "outside.txt")]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("arguments")
    (folder / "docs").mkdir()
    (folder / "docs" / "report.txt").write_text(TEXT)
    (folder / "outside.txt").write_text(TEXT)
    found = {}
    for kind in MODULES:
        found[kind] = asyncio.run(call_all(kind, folder))
    return found


def text_of(result):
    return " ".join(block.text for block in result.content)


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=CASE_IDS)
def test_invalid_argument_gets_plain_error(results, index, case):
    kind, _, _, expected = case
    result = results[kind][index]
    assert result.is_error
    assert text_of(result) == expected
    assert "pydantic" not in text_of(result)


@pytest.mark.parametrize("kind", list(MODULES))
def test_valid_call_still_succeeds(results, kind):
    result = results[kind]["valid"]
    assert not result.is_error, text_of(result)
    assert result.structured_content["status"] == "ok", result.structured_content


@pytest.mark.parametrize("kind", list(MODULES))
def test_input_schemas_leave_extra_keys_open(results, kind):
    """The unknown-argument check runs in the server, not in the schema."""
    for tool in results[kind]["tools"]:
        assert "additionalProperties" not in tool.input_schema, tool.name


def test_boolean_argument_schema_stays_boolean(results):
    (tool,) = [
        tool
        for tool in results["classification"]["tools"]
        if tool.name == "classify_documents"
    ]
    schema = tool.input_schema["properties"]["with_quality"]
    assert schema["type"] == "boolean"
    assert schema["default"] is False


def test_number_thresholds_still_accepted(results):
    result = results["quality"]["thresholds"]
    assert not result.is_error, text_of(result)
    thresholds = result.structured_content["thresholds"]
    assert thresholds["review_threshold"] == 55.0
    assert thresholds["min_document_chars"] == 80
    assert type(thresholds["min_document_chars"]) is int
    assert result.structured_content["changed"] == sorted(VALID_THRESHOLDS)


@pytest.mark.parametrize(
    ("annotation", "strict"),
    [(bool, "StrictBool"), (int, "StrictInt"), (float, "StrictFloat")],
)
def test_lax_scalar_tool_rejected_at_registration(annotation, strict):
    from docflow.mcp._server import create_server

    server = create_server(name="scalar-check")

    def lax_tool(path: str, option=None) -> str:
        return path

    lax_tool.__annotations__["option"] = annotation
    with pytest.raises(TypeError, match=f"'option' as pydantic.{strict}, not"):
        server.tool()(lax_tool)


def test_strict_scalar_tool_registers():
    from pydantic import StrictBool, StrictFloat, StrictInt

    from docflow.mcp._server import create_server

    server = create_server(name="scalar-check")

    def strict_tool(
        path: str,
        verbose: StrictBool = False,
        limit: StrictInt = 1,
        share: StrictFloat = 0.5,
    ) -> str:
        return path

    server.tool()(strict_tool)


async def call_with_json_text(folder, requests):
    """Send ``requests`` to a quality server as JSON text and return its replies.

    ``json.dumps`` writes NaN and infinity as the tokens NaN, Infinity and
    -Infinity, which the SDK's client would send as null.
    """
    from mcp.types import LATEST_PROTOCOL_VERSION

    settings = Settings.model_validate({"store": {"cache_dir": str(folder / "cache")}})
    settings_file = folder / "raw-settings.json"
    settings_file.write_text(settings.model_dump_json())
    env = {**os.environ, "DOCFLOW_SETTINGS_FILE": str(settings_file)}
    initialize = {
        "protocolVersion": LATEST_PROTOCOL_VERSION,
        "capabilities": {},
        "clientInfo": {"name": "json-text-client", "version": "1"},
    }
    messages = [
        {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": initialize},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
    ]
    for number, (tool, arguments) in enumerate(requests, start=1):
        params = {"name": tool, "arguments": arguments}
        messages.append(
            {"jsonrpc": "2.0", "id": number, "method": "tools/call", "params": params}
        )
    with open(folder / "raw.log", "w") as errlog:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *["-m", MODULES["quality"], "--root", str(folder / "docs")],
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=errlog,
            env=env,
        )
        try:
            process.stdin.write(
                b"".join(json.dumps(message).encode() + b"\n" for message in messages)
            )
            await process.stdin.drain()
            replies = {}
            while len(replies) < len(requests):
                line = await asyncio.wait_for(process.stdout.readline(), 60)
                assert line, "the server closed its output"
                reply = json.loads(line)
                if reply.get("id", 0) != 0:
                    replies[reply["id"]] = reply["result"]
        finally:
            process.stdin.close()
            await asyncio.wait_for(process.wait(), 30)
    return [replies[number] for number in range(1, len(requests) + 1)]


@pytest.mark.parametrize(
    ("value", "shown"),
    [(float("nan"), "NaN"), (float("inf"), "infinity"), (float("-inf"), "-infinity")],
)
@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        ("review_threshold", "a number from 0 to 100"),
        ("content_weight", "a number from 0 to 100"),
    ],
)
def test_non_finite_threshold_rejected(tmp_path, value, shown, threshold, expected):
    (tmp_path / "docs").mkdir()
    requests = [
        ("update_thresholds", {"thresholds": {threshold: value}}),
        ("get_quality_metrics", {}),
    ]
    rejected, metrics = asyncio.run(call_with_json_text(tmp_path, requests))
    assert rejected["isError"] is True
    assert rejected["content"][0]["text"] == (
        f"update_thresholds: argument 'thresholds' is invalid because threshold "
        f"'{threshold}' must be {expected}, got {shown}. "
        "get_quality_metrics lists the thresholds."
    )
    defaults = Settings().quality.model_dump()
    thresholds = metrics["structuredContent"]["thresholds"]
    assert thresholds[threshold] == defaults[threshold]


async def call_in_order(folder, calls):
    """Start a quality server and make ``calls`` one after the other."""
    settings = Settings.model_validate({"store": {"cache_dir": str(folder / "cache")}})
    settings_file = folder / "ordered-settings.json"
    settings_file.write_text(settings.model_dump_json())
    env = {**os.environ, "DOCFLOW_SETTINGS_FILE": str(settings_file)}
    args = ["-m", MODULES["quality"], "--root", str(folder / "docs")]
    params = StdioServerParameters(command=sys.executable, args=args, env=env)
    with open(folder / "ordered.log", "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return [await session.call_tool(*call) for call in calls]


def test_fallback_language_threshold_used(tmp_path):
    """A rejected language leaves the setting unchanged, and an accepted one is used."""
    (tmp_path / "docs").mkdir()
    # Too few words for the language to be detected, so the fallback applies.
    note = tmp_path / "docs" / "note.txt"
    note.write_text("Hello world\n")
    calls = [
        ("update_thresholds", {"thresholds": {"fallback_language": "xx"}}),
        ("get_quality_metrics", {}),
        ("update_thresholds", {"thresholds": {"fallback_language": "de"}}),
        ("analyze_quality", {"path": str(note)}),
    ]
    rejected, metrics, accepted, analysed = asyncio.run(call_in_order(tmp_path, calls))
    assert rejected.is_error
    assert metrics.structured_content["thresholds"]["fallback_language"] == "en"
    assert not accepted.is_error, text_of(accepted)
    assert accepted.structured_content["thresholds"]["fallback_language"] == "de"
    quality = analysed.structured_content["quality"]
    assert quality["metrics"]["language_source"] == "fallback"
    assert quality["metrics"]["language"] == "de"


async def call_with_settings(folder, kind, calls, settings_data):
    """Start a ``kind`` server with ``settings_data``; make ``calls`` in order.

    Returns the results and the server's tools.
    """
    settings = Settings.model_validate(
        {"store": {"cache_dir": str(folder / "cache")}, **settings_data}
    )
    settings_file = folder / f"{kind}-settings.json"
    settings_file.write_text(settings.model_dump_json())
    env = {**os.environ, "DOCFLOW_SETTINGS_FILE": str(settings_file)}
    args = ["-m", MODULES[kind], "--root", str(folder / "docs")]
    params = StdioServerParameters(
        command=sys.executable, args=args, env=env, cwd=str(folder / "docs")
    )
    with open(folder / f"{kind}.log", "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                results = [await session.call_tool(*call) for call in calls]
                tools = (await session.list_tools()).tools
    return results, {tool.name: tool for tool in tools}


BATCH_TOOLS = {
    "classification": ["classify_documents"],
    "quality": ["analyze_documents", "generate_report"],
}


@pytest.mark.parametrize("kind", list(BATCH_TOOLS))
def test_batch_over_maximum_rejected(tmp_path, kind):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "report.txt").write_text(TEXT)
    calls = []
    for tool in BATCH_TOOLS[kind]:
        calls.append((tool, {"paths": ["report.txt"] * 3}))
        calls.append((tool, {"paths": ["report.txt"] * 2}))
    limit = {"mcp": {"max_batch_paths": 2}}
    results, tools = asyncio.run(call_with_settings(tmp_path, kind, calls, limit))
    for index, tool in enumerate(BATCH_TOOLS[kind]):
        over, at_limit = results[2 * index : 2 * index + 2]
        assert over.is_error
        assert text_of(over) == (
            f"{tool}: argument 'paths' is invalid because it names 3 paths, more "
            "than the 2 that one call may take (mcp.max_batch_paths); split the "
            "paths into calls of at most 2."
        )
        assert not at_limit.is_error, text_of(at_limit)
        assert [item["status"] for item in at_limit.structured_content["results"]] == [
            "ok",
            "ok",
        ]
        assert "At most 2 paths per call (mcp.max_batch_paths)" in (
            tools[tool].description
        )


def test_report_lists_rejected_paths(results):
    """generate_report reports a path it may not read, as analyze_documents does."""
    result = results["quality"]["report"]
    assert not result.is_error, text_of(result)
    rows = result.structured_content["results"]
    outside = rows[3]["path"]
    assert [row["path"] for row in rows] == report_paths(Path(outside).parent)
    assert [row["status"] for row in rows] == ["ok"] + ["unreadable"] * 3
    assert rows[1]["error"] == "the path is empty; give the path of a document"
    assert "contains a NUL character" in rows[2]["error"]
    assert rows[3]["error"].startswith(
        f"{outside!r} is outside the allowed root folders"
    )
    report = result.structured_content["report"]
    assert "4 documents, 1 analyzed" in report
    assert report.count("Not analyzed (unreadable): ") == 3
    assert "outside.txt' is outside the allowed root folders" in report


def test_batch_path_with_nul_gets_unreadable_row(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "report.txt").write_text(TEXT)
    calls = [("classify_documents", {"paths": ["\0x", "report.txt"]})]
    (result,), _ = asyncio.run(
        call_with_settings(tmp_path, "classification", calls, {})
    )
    assert not result.is_error, text_of(result)
    nul_row, report_row = result.structured_content["results"]
    assert nul_row["path"] == "\0x"
    assert nul_row["status"] == "unreadable"
    assert "contains a NUL character" in nul_row["error"]
    assert report_row["status"] == "ok"
