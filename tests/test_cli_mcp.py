"""``docflow mcp`` serves real MCP tools on stdio, to a client session or raw lines."""

from __future__ import annotations

import asyncio
import json
import os
import select
import subprocess
import sys
from pathlib import Path

from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from processes import docflow_env

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


def test_mcp_warns_on_line_not_json(tmp_path):
    env = docflow_env(tmp_path, DOCFLOW_STORE_CACHE_DIR=str(tmp_path / "cache"))
    command = "from docflow.cli.launch import run; run()"
    server = subprocess.Popen(
        [sys.executable, "-c", command, "mcp", "quality", "--root", str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=env,
    )
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
