"""``docflow mcp`` serves real MCP tools on stdio, to a client session or raw lines."""

from __future__ import annotations

import asyncio
import json
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from processes import docflow_env, run_console_script

LETTER = "Dear Ann,\n\nThe chairs arrived today. Thank you.\n\nRegards,\nBob\n"


async def call_quality(root: Path, document: Path, errlog) -> tuple[set[str], object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
    env["DOCFLOW_CONFIG"] = os.devnull
    params = StdioServerParameters(
        command=sys.executable,
        args=[
            "-c",
            "from docflow.cli.main import run; run()",
            "mcp",
            "quality",
            "--root",
            str(root),
        ],
        env=env,
        cwd=str(root),
    )
    async with stdio_client(params, errlog=errlog) as (read, write):
        async with ClientSession(read, write) as session:
            await asyncio.wait_for(session.initialize(), 60)
            tools = {tool.name for tool in (await session.list_tools()).tools}
            result = await session.call_tool("analyze_quality", {"path": str(document)})
    return tools, result


def test_mcp_quality_serves_tools(tmp_path):
    document = tmp_path / "letter.txt"
    document.write_text(LETTER)
    with open(tmp_path / "server.log", "w") as errlog:
        tools, result = asyncio.run(call_quality(tmp_path, document, errlog))
    assert {"analyze_quality", "analyze_documents"} <= tools
    assert not result.is_error
    assert result.structured_content["status"] == "ok"
    assert result.structured_content["quality"]["overall_score"] >= 0


INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "typed-by-hand", "version": "1"},
    },
}


def read_line(stream, timeout: float = 120) -> bytes:
    """Read one line from a pipe, or return b"" when none comes within ``timeout``."""
    ready, _, _ = select.select([stream], [], [], timeout)
    return stream.readline() if ready else b""


def start_quality_server(tmp_path: Path) -> subprocess.Popen[bytes]:
    """Start ``docflow mcp quality`` with pipes, for raw JSON-RPC lines."""
    env = docflow_env(tmp_path, DOCFLOW_STORE_CACHE_DIR=str(tmp_path / "cache"))
    command = "from docflow.cli.launch import run; run()"
    return subprocess.Popen(
        [sys.executable, "-c", command, "mcp", "quality", "--root", str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=env,
    )


def test_mcp_warns_on_line_not_json(tmp_path):
    server = start_quality_server(tmp_path)
    try:
        junk = b"\x1b[2Jhello server, " + b"x" * 200 + b"\n"
        server.stdin.write(junk + json.dumps(INITIALIZE).encode() + b"\n")
        server.stdin.flush()
        response = json.loads(read_line(server.stdout) or b"null")
        _, stderr_bytes = server.communicate(timeout=60)  # closes stdin first
    finally:
        server.kill()
        server.wait()

    stderr = stderr_bytes.decode()
    assert response is not None, stderr
    assert response["id"] == 1
    assert "serverInfo" in response["result"]
    assert "line 1 of stdin was ignored" in stderr
    assert "'\\x1b[2Jhello server, xxx" in stderr
    assert "\x1b" not in stderr
    assert "x" * 100 not in stderr
    assert "one JSON-RPC message per line" in stderr
    assert stderr.count("not a JSON-RPC message") == 1


def mcp_params(kind: str, root: Path) -> StdioServerParameters:
    """Return the parameters that start ``docflow mcp KIND --root ROOT``."""
    env = docflow_env(root, DOCFLOW_STORE_CACHE_DIR=str(root / "cache"))
    return StdioServerParameters(
        command=sys.executable,
        args=[
            "-c",
            "from docflow.cli.launch import run; run()",
            "mcp",
            kind,
            "--root",
            str(root),
        ],
        env=env,
        cwd=str(root),
    )


async def list_tools(kind: str, root: Path, errlog) -> list:
    async with stdio_client(mcp_params(kind, root), errlog=errlog) as (read, write):
        async with ClientSession(read, write) as session:
            await asyncio.wait_for(session.initialize(), 60)
            return (await session.list_tools()).tools


def schema_descriptions(schema) -> list[str]:
    """Return every "description" string in a JSON schema, nested ones too."""
    if isinstance(schema, list):
        return [text for item in schema for text in schema_descriptions(item)]
    if not isinstance(schema, dict):
        return []
    found = []
    for key, value in schema.items():
        if key == "description" and isinstance(value, str):
            found.append(value)
        else:
            found += schema_descriptions(value)
    return found


@pytest.mark.parametrize("kind", ["classification", "quality"])
def test_mcp_descriptions_plain_text(tmp_path, kind):
    with open(tmp_path / "server.log", "w") as errlog:
        tools = asyncio.run(list_tools(kind, tmp_path, errlog))
    assert tools
    for tool in tools:
        texts = [
            tool.description or "",
            *schema_descriptions(tool.input_schema),
            *schema_descriptions(tool.output_schema),
        ]
        for text in texts:
            indented = [line for line in text.splitlines() if line.startswith(" " * 8)]
            assert indented == [], f"{tool.name}: {text!r}"
            assert "``" not in text, f"{tool.name}: {text!r}"
            assert "nalyse" not in text, f"{tool.name}: {text!r}"
        assert tool.description, tool.name


def test_mcp_help_states_root_default(tmp_path):
    env = docflow_env(tmp_path, COLUMNS="300")
    outcome = run_console_script(tmp_path, "mcp", "--help", env=env)
    help_text = " ".join(outcome.stdout.decode().split())
    assert outcome.returncode == 0, outcome.stderr.decode()
    expected = (
        "Default: the folders in mcp.roots (docflow.toml), else the current folder"
    )
    assert expected in help_text


def test_server_module_help_states_root_default(tmp_path):
    outcome = subprocess.run(
        [sys.executable, "-m", "docflow.mcp.quality_server", "--help"],
        capture_output=True,
        cwd=tmp_path,
        env=docflow_env(tmp_path, COLUMNS="300"),
        timeout=120,
    )
    help_text = " ".join(outcome.stdout.decode().split())
    assert outcome.returncode == 0, outcome.stderr.decode()
    assert "default: mcp.roots, else the current folder" in help_text


async def call_tools(kind: str, root: Path, calls, errlog) -> list:
    async with stdio_client(mcp_params(kind, root), errlog=errlog) as (read, write):
        async with ClientSession(read, write) as session:
            await asyncio.wait_for(session.initialize(), 60)
            return [await session.call_tool(name, args) for name, args in calls]


def result_text(result) -> str:
    return " ".join(block.text for block in result.content)


def test_mcp_long_path_cut_in_errors(tmp_path):
    root = tmp_path / "docs"
    root.mkdir()
    name = "a" * 50_000 + "b" * 50_000
    outside = f"/{name}/end.pdf"
    inside = f"{root}/{name}"
    calls = [
        ("update_model", {"model_path": outside}),
        ("update_model", {"model_path": inside}),
        ("classify_document", {"path": outside}),
        (name, {}),
    ]
    with open(tmp_path / "server.log", "w") as errlog:
        results = asyncio.run(call_tools("classification", root, calls, errlog))
    outside_model, inside_model, document, unknown_tool = map(result_text, results)

    for text in (outside_model, inside_model, document, unknown_tool):
        assert len(text) < 1000, text[:300]
        assert "a" * 50 + "…" + "b" * 50 in text
        assert text.count("aaaaaaaaaa…") == 1, text
    assert "'/aaaa" in outside_model
    assert "bbbb/end.pdf' (100,009 characters) is outside the allowed root" in document
    assert "(100,009 characters) is outside the allowed root" in outside_model
    assert "the model is not usable" in inside_model
    assert "File name too long" in inside_model
    assert unknown_tool.startswith("Unknown tool 'aaaa")
    assert "(100,000 characters)" in unknown_tool


def test_mcp_call_arguments_string_explained(tmp_path):
    call = {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/call",
        "params": {"name": "analyze_quality", "arguments": '{"path": "a.txt"}'},
    }
    server = start_quality_server(tmp_path)
    try:
        server.stdin.write(json.dumps(INITIALIZE).encode() + b"\n")
        server.stdin.flush()
        initialized = json.loads(read_line(server.stdout) or b"null")
        notification = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        lines = [json.dumps(notification), json.dumps(call)]
        server.stdin.write("\n".join(lines).encode() + b"\n")
        server.stdin.flush()
        response = json.loads(read_line(server.stdout) or b"null")
        _, stderr_bytes = server.communicate(timeout=60)
    finally:
        server.kill()
        server.wait()

    assert initialized is not None, stderr_bytes.decode()
    assert response is not None, stderr_bytes.decode()
    assert response["id"] == 2
    error = response["error"]
    expected = (
        "'arguments' must be a JSON object mapping argument names to values, "
        "not a string."
    )
    assert error["code"] == -32602
    assert error["message"] == f"Invalid request parameters: {expected}"
    assert error["data"] == expected


def test_mcp_error_cuts_long_path(tmp_path):
    root = tmp_path / "docs"
    root.mkdir()
    long_path = f"{root}/" + "y" * 100_000 + ".pdf"
    short_path = f"{root}/missing.pdf"
    calls = [
        ("classify_document", {"path": long_path}),
        ("classify_document", {"path": short_path}),
    ]
    with open(tmp_path / "server.log", "w") as errlog:
        long_result, short_result = asyncio.run(
            call_tools("classification", root, calls, errlog)
        )
    cut = long_result.structured_content
    assert cut["path"] == long_path
    assert cut["status"] == "unreadable"
    assert len(cut["error"]) < 1000, cut["error"][:300]
    assert cut["error"].startswith(f"{root}/yyyy")
    assert cut["error"].endswith(
        f"yyy.pdf ({len(long_path):,} characters): cannot stat the file: "
        "File name too long"
    )
    assert short_result.structured_content["error"].startswith(f"{short_path}: ")
