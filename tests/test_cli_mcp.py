"""``docflow mcp`` serves real MCP tools on stdio, to a client session or raw lines."""

from __future__ import annotations

import asyncio
import json
import os
import select
import subprocess
import sys
from pathlib import Path

import pydantic_core
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from docflow.core.store._rows import escape_controls
from docflow.mcp._input_lines import MAX_JSON_DEPTH
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
        # Unbuffered, so that select() in read_line detects every line that arrived.
        bufsize=0,
    )


def exchange_lines(tmp_path: Path, lines: list[bytes], count: int) -> tuple[list, str]:
    """Send raw ``lines`` to a quality server; return ``count`` replies and stderr.

    A reply that does not come within read_line's timeout is None. stdin is
    closed after the replies, so stderr includes what the server logs at exit.
    """
    server = start_quality_server(tmp_path)
    try:
        server.stdin.write(b"".join(line + b"\n" for line in lines))
        replies = []
        for _ in range(count):
            line = read_line(server.stdout)
            if not line:  # timed out or ended: no use waiting for the rest
                break
            replies.append(json.loads(line))
        replies += [None] * (count - len(replies))
        _, stderr_bytes = server.communicate(timeout=60)  # closes stdin first
    finally:
        server.kill()
        server.wait()
    return replies, stderr_bytes.decode()


def assert_server_info(reply, stderr: str) -> None:
    """Check that ``reply`` is the result of the INITIALIZE request."""
    assert reply is not None, stderr
    assert reply["id"] == 1
    assert "serverInfo" in reply["result"]


def test_mcp_warns_on_line_not_json(tmp_path):
    junk = b"\x1b[2Jhello server, " + b"x" * 200
    (error, response), stderr = exchange_lines(
        tmp_path, [junk, json.dumps(INITIALIZE).encode()], 2
    )

    assert error is not None, stderr
    assert error["jsonrpc"] == "2.0"
    assert error["id"] is None
    assert error["error"]["code"] == -32700
    assert "line 1 is not valid JSON" in error["error"]["message"]
    assert '{"jsonrpc": "2.0", "id": 1' in error["error"]["message"]
    assert response is not None, stderr
    assert response["id"] == 1
    assert "serverInfo" in response["result"]
    assert "line 1 of stdin was ignored" in stderr
    assert "'\\x1b[2Jhello server, xxx" in stderr
    assert "\x1b" not in stderr
    assert "x" * 100 not in stderr
    assert "one JSON-RPC message per line" in stderr
    assert stderr.count("not a JSON-RPC message") == 1


@pytest.mark.parametrize(
    ("line", "request_id", "problem"),
    [
        ({"id": 7, "method": "tools/list"}, 7, '"jsonrpc" is missing'),
        ({"jsonrpc": "1.0", "id": "a", "method": "tools/list"}, "a", "'2.0'"),
        ({"jsonrpc": "2.0", "id": 8, "method": "ping", "params": [1]}, 8, '"params"'),
        ({"jsonrpc": "2.0", "id": True, "method": "ping"}, None, '"id" must be'),
        ({"jsonrpc": "2.0", "id": None, "method": "ping"}, None, '"id" must be'),
    ],
)
def test_mcp_answers_invalid_request(tmp_path, line, request_id, problem):
    lines = [json.dumps(line).encode(), json.dumps(INITIALIZE).encode()]
    (error, response), stderr = exchange_lines(tmp_path, lines, 2)

    assert error is not None, stderr
    assert error["jsonrpc"] == "2.0"
    assert error["id"] == request_id
    assert error["error"]["code"] == -32600
    assert "line 1 is not a valid JSON-RPC 2.0 request" in error["error"]["message"]
    assert problem in error["error"]["message"]
    assert_server_info(response, stderr)
    assert "line 1 of stdin was ignored" in stderr
    assert "error -32600" in stderr


def test_mcp_answers_batch_with_one_error(tmp_path):
    batch = [
        {"jsonrpc": "2.0", "id": 3, "method": "ping"},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": "four", "method": "ping"},
    ]
    lines = [
        b'{"method": "notifications/initialized"}',  # a notification
        b'{"id": 9, "result": {}}',  # a response
        b"42",
        json.dumps(batch).encode(),
        json.dumps(INITIALIZE).encode(),
    ]
    (number, error, response), stderr = exchange_lines(tmp_path, lines, 3)

    assert number is not None, stderr
    assert number["id"] is None
    assert "line 3 is a JSON number" in number["error"]["message"]
    assert isinstance(error, dict), error
    assert error["jsonrpc"] == "2.0"
    assert error["id"] is None
    assert error["error"]["code"] == -32600
    message = error["error"]["message"]
    assert "line 4 is a JSON-RPC batch" in message
    assert "batches are not supported" in message
    assert "revision 2025-06-18" in message
    assert 'None of its requests was run (ids 3, "four")' in message
    assert "Send one request per line" in message
    assert_server_info(response, stderr)
    assert stderr.count("not a JSON-RPC message") == 4
    assert stderr.count("error -32600") == 2


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        (b"[]", "an empty JSON-RPC batch"),
        (b"42", "a JSON number"),
        (b'"x"', "a JSON string"),
        (b"null", "JSON null"),
        (b"true", "a JSON boolean"),
        (b"{}", "an empty JSON object"),
        (b'{"foo": 1}', 'a JSON object without a "method"'),
    ],
)
def test_mcp_answers_non_message_null_id(tmp_path, line, kind):
    (error, response), stderr = exchange_lines(
        tmp_path, [line, json.dumps(INITIALIZE).encode()], 2
    )

    assert error is not None, stderr
    assert error["jsonrpc"] == "2.0"
    assert error["id"] is None
    assert error["error"]["code"] == -32600
    assert f"line 1 is {kind}" in error["error"]["message"]
    assert_server_info(response, stderr)
    assert "error -32600" in stderr


def test_mcp_batch_error_lists_ids_within_limit(tmp_path):
    long_id = "x" * 5000
    batch = [{"jsonrpc": "2.0", "id": long_id, "method": "ping"}]
    batch += [{"jsonrpc": "2.0", "id": n, "method": "ping"} for n in range(999)]
    lines = [json.dumps(batch).encode(), json.dumps(INITIALIZE).encode()]
    (error, response), stderr = exchange_lines(tmp_path, lines, 2)

    assert error is not None, stderr
    message = error["error"]["message"]
    assert "(5,002 characters)" in message
    assert long_id not in message
    assert ", 8 and 990 more)" in message
    assert len(message) < 1000
    assert_server_info(response, stderr)


def test_mcp_batch_invalid_items_one_error(tmp_path):
    batch = [1, {"jsonrpc": "2.0", "method": "notifications/initialized"}, {}]
    lines = [json.dumps(batch).encode(), json.dumps(INITIALIZE).encode()]
    (error, response), stderr = exchange_lines(tmp_path, lines, 2)

    assert error is not None, stderr
    assert error["id"] is None
    assert error["error"]["code"] == -32600
    assert "batches are not supported" in error["error"]["message"]
    assert "None of its requests" not in error["error"]["message"]
    assert_server_info(response, stderr)


def test_mcp_batch_of_notifications_unanswered(tmp_path):
    batch = [
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 9, "result": {}},
    ]
    lines = [json.dumps(batch).encode(), json.dumps(INITIALIZE).encode()]
    (response,), stderr = exchange_lines(tmp_path, lines, 1)

    assert_server_info(response, stderr)
    assert "line 1 of stdin was ignored" in stderr
    assert "a JSON-RPC batch" in stderr
    assert "error -32600" not in stderr


def test_mcp_accepts_bom_on_first_line(tmp_path):
    bom = "\ufeff".encode()
    ping = b'{"jsonrpc": "2.0", "id": 2, "method": "ping"}'
    lines = [bom + json.dumps(INITIALIZE).encode(), bom + ping]
    (response, error), stderr = exchange_lines(tmp_path, lines, 2)

    assert_server_info(response, stderr)
    assert error is not None, stderr
    assert error["id"] is None
    assert error["error"]["code"] == -32700
    assert "line 2 is not valid JSON" in error["error"]["message"]
    assert "starts with a UTF-8 byte order mark" in error["error"]["message"]


def test_mcp_deep_nesting_not_invalid_json(tmp_path):
    deep = b"[" * 5000 + b"]" * 5000
    (error, response), stderr = exchange_lines(
        tmp_path, [deep, json.dumps(INITIALIZE).encode()], 2
    )

    assert error is not None, stderr
    assert error["id"] is None
    assert error["error"]["code"] == -32700
    assert "line 1 is nested too deeply" in error["error"]["message"]
    assert f"at most {MAX_JSON_DEPTH} levels" in error["error"]["message"]
    assert_server_info(response, stderr)
    assert "nested too deeply" in stderr
    assert "invalid JSON" not in stderr


def test_mcp_deep_request_keeps_id(tmp_path):
    depth = MAX_JSON_DEPTH + 50  # deeper than pydantic-core reads, not than json
    request = {"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {}}
    line = json.dumps(request).encode()[:-2] + b'"a": ' + b"[" * depth
    line += b"]" * depth + b"}}"
    (error, response), stderr = exchange_lines(
        tmp_path, [line, json.dumps(INITIALIZE).encode()], 2
    )

    assert error is not None, stderr
    assert error["id"] == 5
    assert error["error"]["code"] == -32700
    assert_server_info(response, stderr)


def test_mcp_deep_non_request_null_id(tmp_path):
    depth = MAX_JSON_DEPTH + 50  # deeper than pydantic-core reads, not than json
    line = b'{"a": ' + b"[" * depth + b"]" * depth + b"}"
    (error, response), stderr = exchange_lines(
        tmp_path, [line, json.dumps(INITIALIZE).encode()], 2
    )

    assert error is not None, stderr
    assert error["id"] is None
    assert error["error"]["code"] == -32700
    assert_server_info(response, stderr)


def test_mcp_max_json_depth_matches_parser():
    at_limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    pydantic_core.from_json(at_limit)
    with pytest.raises(ValueError, match="recursion limit exceeded"):
        pydantic_core.from_json("[" + at_limit + "]")


def test_mcp_counts_lines_past_warning_limit(tmp_path):
    bad = [{"id": number, "method": "ping"} for number in range(101, 114)]
    lines = [json.dumps(request).encode() for request in bad]
    lines.append(json.dumps(INITIALIZE).encode())
    replies, stderr = exchange_lines(tmp_path, lines, len(lines))

    assert [reply and reply["id"] for reply in replies[:-1]] == list(range(101, 114))
    assert all(reply["error"]["code"] == -32600 for reply in replies[:-1])
    assert_server_info(replies[-1], stderr)
    assert stderr.count("of stdin was ignored") == 10
    assert "Later rejected lines get no warning" in stderr
    assert "3 more lines of stdin were not JSON-RPC messages" in stderr


def test_mcp_no_count_line_under_limit(tmp_path):
    lines = [b'{"id": 2, "method": "ping"}', json.dumps(INITIALIZE).encode()]
    (error, response), stderr = exchange_lines(tmp_path, lines, 2)

    assert error is not None, stderr
    assert error["id"] == 2
    assert_server_info(response, stderr)
    assert "more lines of stdin" not in stderr


def send_then_close(tmp_path: Path, lines: list[bytes]) -> tuple[list, str]:
    """Send raw ``lines`` to a quality server and close stdin; return output."""
    server = start_quality_server(tmp_path)
    try:
        stdout, stderr = server.communicate(
            b"".join(line + b"\n" for line in lines), timeout=120
        )
    finally:
        server.kill()
        server.wait()
    return [json.loads(line) for line in stdout.splitlines()], stderr.decode()


INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def tool_call(request_id: int, path: str) -> dict:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "tools/call",
        "params": {"name": "analyze_quality", "arguments": {"path": path}},
    }


def test_mcp_answers_requests_before_eof(tmp_path):
    (tmp_path / "letter.txt").write_text(LETTER)
    cancel = {
        "jsonrpc": "2.0",
        "method": "notifications/cancelled",
        "params": {"requestId": 5},
    }
    requests = [
        INITIALIZE,
        INITIALIZED,
        {"jsonrpc": "2.0", "id": 2, "method": "ping"},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/list"},
        tool_call(4, "letter.txt"),
        # The SDK never sends a response to a cancelled request, so the server must not
        # wait for its response after stdin closes.
        tool_call(5, "letter.txt"),
        cancel,
    ]
    replies, stderr = send_then_close(
        tmp_path, [json.dumps(request).encode() for request in requests]
    )
    by_id = {reply.get("id"): reply for reply in replies}

    assert_server_info(by_id.get(1), stderr)
    assert 2 in by_id, stderr
    assert by_id[2]["result"] == {}
    assert 3 in by_id, stderr
    assert "analyze_quality" in {tool["name"] for tool in by_id[3]["result"]["tools"]}
    assert 4 in by_id, stderr
    assert "error" not in by_id[4], by_id[4]
    assert by_id[4]["result"]["structuredContent"]["status"] == "ok"


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


def test_mcp_db_warning_names_process(tmp_path):
    env = docflow_env(tmp_path, DOCFLOW_STORE_CACHE_DIR=str(tmp_path / "cache"))
    args = ["--db", "r.duckdb", "mcp", "quality", "--root", str(tmp_path)]
    outcome = run_console_script(tmp_path, *args, env=env)  # stdin is empty
    stderr = outcome.stderr.decode()

    assert outcome.returncode == 0, stderr
    assert outcome.stdout == b""
    assert "--db has no effect on docflow mcp; leave it out." in stderr
    assert "store none in a database" in stderr
    assert "run docflow process --db FILE PATH... instead" in stderr
    assert not (tmp_path / "r.duckdb").exists()


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


def test_mcp_report_escapes_bidi_name(tmp_path):
    """generate_report shows U+202E in a name as the CLI's tables show it."""
    markdown_it = pytest.importorskip("markdown_it")  # installed with rich
    document = tmp_path / "bidi\u202etxt.exe"
    document.write_text(LETTER)
    calls = [("generate_report", {"paths": [str(document)]})]
    with open(tmp_path / "server.log", "w") as errlog:
        [result] = asyncio.run(call_tools("quality", tmp_path, calls, errlog))

    report = result.structured_content["report"]
    html = markdown_it.MarkdownIt("commonmark").enable(["table"]).render(report)
    assert not result.is_error, result_text(result)
    assert "\u202e" not in report
    assert f"<td>{escape_controls(str(document))}</td>" in html
    assert f"<h3>{tmp_path}/bidi\\u202etxt.exe</h3>" in html


def test_mcp_reads_name_as_docflow_prints(tmp_path):
    """A name that is not valid UTF-8 is named by its printed text, \\xNN escapes."""
    root = bytes(tmp_path)
    Path(os.fsdecode(root + b"/caf\xe9.txt")).write_text(LETTER)
    Path(os.fsdecode(root + b"/bad\xfe.pdf")).write_bytes(b"%PDF-1.4\n1 0 obj")
    Path(os.fsdecode(root + b"/bad\xff.txt")).write_text(LETTER)
    (tmp_path / "bad\\xff.txt").write_text(LETTER + "\nA second letter.\n")
    printed = {
        "undecodable": f"{tmp_path}/caf\\xe9.txt",
        "corrupt": f"{tmp_path}/bad\\xfe.pdf",
        # The real name bad\xff.txt wins over the name that prints as it.
        "real name": f"{tmp_path}/bad\\xff.txt",
        "escaped backslash": f"{tmp_path}/bad\\\\xff.txt",
        "missing": f"{tmp_path}/none\\xff.txt",
    }
    calls = [("analyze_quality", {"path": path}) for path in printed.values()]
    with open(tmp_path / "server.log", "w") as errlog:
        results = asyncio.run(call_tools("quality", tmp_path, calls, errlog))
    found = {
        case: result.structured_content
        for case, result in zip(printed, results, strict=True)
    }

    assert found["undecodable"]["status"] == "ok", found["undecodable"]
    assert found["undecodable"]["path"] == printed["undecodable"]
    assert found["corrupt"]["status"] == "corrupt", found["corrupt"]
    assert found["corrupt"]["error"].startswith(f"{printed['corrupt']}: damaged")
    assert found["real name"]["size"] == len(LETTER) + len("\nA second letter.\n")
    assert found["escaped backslash"]["size"] == found["real name"]["size"]
    assert found["missing"]["status"] == "unreadable"
    assert found["missing"]["error"].startswith(f"{printed['missing']}: file not")


def test_mcp_lone_surrogate_answered_by_id(tmp_path):
    """A request with a lone surrogate gets an error under its own id."""
    name = os.fsdecode(bytes(tmp_path) + b"/bad\xff.txt")
    lines = [
        json.dumps(INITIALIZE),
        json.dumps(INITIALIZED),
        json.dumps(tool_call(2, name)),  # json.dumps writes "\udcff"
        json.dumps({"jsonrpc": "2.0", "id": 3, "method": "tools/\udcfflist"}),
        json.dumps({"jsonrpc": "2.0", "method": "notifications/\udcff"}),
    ]
    replies, stderr = exchange_lines(tmp_path, [line.encode() for line in lines], 3)
    by_id = {reply and reply["id"]: reply for reply in replies}

    assert_server_info(by_id.get(1), stderr)
    assert 2 in by_id, stderr
    assert by_id[2]["error"]["code"] == -32602
    message = by_id[2]["error"]["message"]
    assert "line 3 has a lone UTF-16 surrogate (\\udcff)" in message
    assert "in params.arguments.path" in message
    assert f'send the JSON string "{tmp_path}/bad\\\\xff.txt".' in message
    assert 3 in by_id, stderr
    assert by_id[3]["error"]["code"] == -32600
    assert "surrogate (\\udcff) in method" in by_id[3]["error"]["message"]
    assert "a lone surrogate in method" in stderr
    assert stderr.count("not a JSON-RPC message") == 3
    assert stderr.count("The server sent JSON-RPC error") == 2


def test_mcp_request_before_initialize(tmp_path):
    lines = [
        {"jsonrpc": "2.0", "id": 5, "method": "tools/list"},
        {"jsonrpc": "2.0", "id": 6, "method": "ping"},
        INITIALIZE,
        {"jsonrpc": "2.0", "id": 7, "method": "tools/list"},
    ]
    replies, stderr = exchange_lines(
        tmp_path, [json.dumps(line).encode() for line in lines], 4
    )
    by_id = {reply and reply["id"]: reply for reply in replies}

    assert 5 in by_id, stderr
    error = by_id[5]["error"]
    assert error["code"] == -32602
    assert "the session is not initialized, so 'tools/list'" in error["message"]
    assert "Send the initialize request first" in error["message"]
    assert error["data"] in error["message"]
    assert by_id[6]["result"] == {}
    assert_server_info(by_id.get(1), stderr)
    assert "tools" in by_id[7]["result"]
