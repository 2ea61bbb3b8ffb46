"""``docflow mcp`` serves real MCP tools on stdio to a real client session."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

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
