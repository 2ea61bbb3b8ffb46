"""Tests for the classification and quality MCP servers, as real stdio processes.

Each test starts the server with ``sys.executable -m docflow.mcp.<kind>_server``
and talks to it through the SDK's ``stdio_client`` and ``ClientSession``.
Hangs and stray prints come from the named fault injection (``DOCFLOW_FAULT``,
see ``docflow.core.sandbox``).
"""

import asyncio
import contextlib
import json
import os
import signal
import sys

import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from docflow.core.config import Settings
from docflow.core.models import DocumentResult, Status
from docflow.core.quoting import cut_value
from processes import list_children

MODULES = {
    "classification": "docflow.mcp.classification_server",
    "quality": "docflow.mcp.quality_server",
}
TOOLS = {
    "classification": {
        "classify_document",
        "classify_documents",
        "get_categories",
        "update_model",
        "get_statistics",
    },
    "quality": {
        "analyze_quality",
        "analyze_documents",
        "get_quality_metrics",
        "update_thresholds",
        "generate_report",
        "get_statistics",
    },
}
REPORT_TEXT = (
    "Quarterly report\n\n"
    "Summary\n\n"
    "Revenue grew in the third quarter because two new customers signed "
    "long contracts. Costs stayed flat. The team expects the same trend "
    "next quarter, and the board approved the hiring plan for two engineers.\n"
)


TRAINING_TEXTS = {
    "invoice": "Invoice number {n}\nBill to ACME Ltd\nAmount due {n}.00 EUR\n"
    "VAT 21%\nPayment terms 30 days\nTotal due",
    "contract": "This agreement is made between the parties {n}.\nThe parties "
    "agree to the terms and conditions.\nGoverning law. Termination clause.",
    "resume": "Curriculum vitae\nExperience {n} years as software engineer\n"
    "Education: university degree\nSkills: Python, SQL",
}


@pytest.fixture(scope="module")
def trained_model(tmp_path_factory):
    """Train a small three-category model, so the tests need no shipped model."""
    from docflow.core.classify import train_model

    root = tmp_path_factory.mktemp("model")
    for category, text in TRAINING_TEXTS.items():
        folder = root / "docs" / category
        folder.mkdir(parents=True)
        for number in range(12):
            body = text.format(n=number) + f"\nreference {number * 7919}\n"
            (folder / f"{category}{number}.txt").write_text(body)
    settings = Settings.model_validate({"store": {"cache_dir": str(root / "cache")}})
    train_model(root / "docs", settings, output=root / "model", force=True)
    return root / "model"


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("report.txt", "second.txt", "stuck.txt", "loud.txt"):
        (folder / name).write_text(REPORT_TEXT)
    return folder


@contextlib.asynccontextmanager
async def connect(
    kind, tmp_path, roots, *, fault="", command=None, model=None, **workers
):
    settings = Settings.model_validate(
        {
            "store": {"cache_dir": str(tmp_path / "cache")},
            "workers": {"document_timeout": 30.0, **workers},
            "classification": {"model_path": str(model or "")},
        }
    )
    settings_file = tmp_path / f"{kind}-settings.json"
    settings_file.write_text(settings.model_dump_json())
    args = command or ["-m", MODULES[kind]]
    for root in roots:
        args += ["--root", str(root)]
    env = {**os.environ, "DOCFLOW_SETTINGS_FILE": str(settings_file)}
    env["DOCFLOW_FAULT"] = fault
    params = StdioServerParameters(command=sys.executable, args=args, env=env)
    with open(tmp_path / f"{kind}.log", "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                yield session


def run(coroutine):
    return asyncio.run(coroutine)


def error_text(result):
    return " ".join(block.text for block in result.content)


@pytest.mark.parametrize("kind", ["classification", "quality"])
def test_server_lists_tools_with_output_schemas(tmp_path, docs, kind):
    async def scenario():
        async with connect(kind, tmp_path, [docs]) as session:
            return (await session.list_tools()).tools

    tools = run(scenario())
    assert {tool.name for tool in tools} == TOOLS[kind]
    assert all(tool.output_schema for tool in tools)


def test_quality_tool_returns_structured_result(tmp_path, docs):
    path = str(docs / "report.txt")

    async def scenario():
        async with connect("quality", tmp_path, [docs]) as session:
            return await session.call_tool("analyze_quality", {"path": path})

    result = run(scenario())
    assert not result.is_error
    document = DocumentResult.model_validate(result.structured_content)
    assert document.status is Status.OK
    assert document.path == path
    assert document.quality is not None
    assert document.classification is None


def write_reports(folder, prefix, count):
    """Write ``count`` reports that differ in their last line; return their paths."""
    paths = []
    for number in range(count):
        path = folder / f"{prefix}{number}.txt"
        path.write_text(f"{REPORT_TEXT}\nReference {number}.\n")
        paths.append(str(path))
    return paths


def test_batch_progress_throttled_ends_at_total(tmp_path, docs):
    paths = write_reports(docs, "short", 10)
    messages = []

    async def on_progress(progress, total, message):
        messages.append((progress, total, message))

    async def scenario():
        async with connect("quality", tmp_path, [docs]) as session:
            # Wait for the document worker, so the batch takes a few ms per
            # document, far less than the 0.25 s between notifications.
            await session.call_tool("analyze_quality", {"path": str(docs / "loud.txt")})
            return await session.call_tool(
                "analyze_documents", {"paths": paths}, progress_callback=on_progress
            )

    result = run(scenario())
    batch = result.structured_content
    assert [item["path"] for item in batch["results"]] == paths
    assert batch["errors"] == 0
    assert 1 <= len(messages) < len(paths)
    progress = [progress for progress, _, _ in messages]
    assert progress == sorted(set(progress))
    assert messages[-1][:2] == (10, 10)
    assert {message.rsplit(": ", 1)[0] for _, _, message in messages} <= set(paths)
    assert all(message.endswith(": ok") for _, _, message in messages)


def test_batch_progress_cuts_long_path(tmp_path, docs):
    folder = docs / ("d" * 200) / ("e" * 200)
    folder.mkdir(parents=True)
    [path] = write_reports(folder, "long", 1)
    messages = []

    async def on_progress(progress, total, message):
        messages.append((progress, total, message))

    async def scenario():
        async with connect("quality", tmp_path, [docs]) as session:
            return await session.call_tool(
                "analyze_documents", {"paths": [path]}, progress_callback=on_progress
            )

    result = run(scenario())
    assert result.structured_content["errors"] == 0
    # The one document is the last, so its progress is always reported.
    assert messages == [(1, 1, f"{cut_value(path)}: ok")]


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("outside/secret.txt", "outside the allowed root folders"),
        ("docs-evil/report.txt", "outside the allowed root folders"),
        ("docs/escape.txt", "is a symlink that leaves the allowed root folders"),
    ],
)
def test_tool_rejects_path_outside_roots(tmp_path, docs, target, reason):
    for folder in ("outside", "docs-evil"):
        (tmp_path / folder).mkdir()
    (tmp_path / "outside" / "secret.txt").write_text(REPORT_TEXT)
    (tmp_path / "docs-evil" / "report.txt").write_text(REPORT_TEXT)
    (docs / "escape.txt").symlink_to(tmp_path / "outside" / "secret.txt")
    path = str(tmp_path / target)

    async def scenario():
        async with connect("quality", tmp_path, [docs]) as session:
            single = await session.call_tool("analyze_quality", {"path": path})
            batch = await session.call_tool("analyze_documents", {"paths": [path]})
            return single, batch

    single, batch = run(scenario())
    assert single.is_error
    assert path in error_text(single)
    assert reason in error_text(single)
    (rejected,) = batch.structured_content["results"]
    assert rejected["status"] == "unreadable"
    assert path in rejected["error"]


def test_tool_crash_names_tool_only(tmp_path, docs):
    path = str(docs / "loud.txt")

    async def scenario():
        async with connect(
            "quality", tmp_path, [docs], fault="server-raise:loud"
        ) as session:
            return await session.call_tool("analyze_quality", {"path": path})

    result = run(scenario())
    assert result.is_error
    assert error_text(result) == (
        "analyze_quality: the tool failed unexpectedly, "
        "and the server's log has the details."
    )
    log = (tmp_path / "quality.log").read_text()
    assert "Traceback" in log
    assert "RuntimeError: fault injected for" in log


def test_relative_path_reads_against_root(tmp_path, docs):
    (docs / "sub").mkdir()
    (docs / "sub" / "my cv.txt").write_text(REPORT_TEXT)
    assert not os.getcwd().startswith(str(tmp_path))

    async def scenario():
        async with connect("quality", tmp_path, [docs]) as session:
            return await session.call_tool("analyze_quality", {"path": "sub/my cv.txt"})

    result = run(scenario())
    assert not result.is_error, error_text(result)


def test_stray_print_cannot_corrupt_stream(tmp_path, docs):
    paths = [str(docs / "loud.txt"), str(docs / "report.txt")]

    async def scenario():
        async with connect("quality", tmp_path, [docs], fault="print:loud") as session:
            batch = await session.call_tool("analyze_documents", {"paths": paths})
            stats = await session.call_tool("get_statistics", {})
            return batch, stats

    batch, stats = run(scenario())
    statuses = [item["status"] for item in batch.structured_content["results"]]
    assert statuses == ["ok", "ok"]
    assert stats.structured_content["documents"] == 2
    log = (tmp_path / "quality.log").read_text()
    assert "stray print from an MCP tool" in log
    assert "stray write to fd 1 from an MCP tool" in log
    assert "stray output from a document worker" in log


def test_hung_document_times_out_in_server(tmp_path, docs):
    paths = [str(docs / "stuck.txt"), str(docs / "report.txt")]

    async def scenario():
        async with connect(
            "quality", tmp_path, [docs], fault="hang:stuck", document_timeout=1.5
        ) as session:
            batch = await session.call_tool("analyze_documents", {"paths": paths})
            stats = await session.call_tool("get_statistics", {})
            return batch, stats

    batch, stats = run(scenario())
    stuck, fine = batch.structured_content["results"]
    assert stuck["status"] == "timeout"
    assert paths[0] in stuck["error"]
    # The limit is named both ways a user can set it.
    assert "(--timeout or workers.document_timeout)" in stuck["error"]
    assert fine["status"] == "ok"
    assert stats.structured_content["sandbox"]["timeouts"] == 1
    assert stats.structured_content["errors"] == 1


def server_workers(module):
    """Return the pids of the sandbox workers of this test's ``module`` server."""
    for pid in list_children(os.getpid()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                command = handle.read().split(b"\0")
        except OSError:
            continue
        if module.encode() in command:
            return list_children(pid)
    raise AssertionError(f"no {module} server runs under this test")


def test_idle_worker_kill_spares_next_document(tmp_path, docs):
    paths = [str(docs / "report.txt"), str(docs / "second.txt")]

    async def scenario():
        async with connect(
            "quality", tmp_path, [docs], children_per_server=1
        ) as session:
            first = await session.call_tool("analyze_quality", {"path": paths[0]})
            (worker,) = server_workers(MODULES["quality"])
            os.kill(worker, signal.SIGKILL)
            second = await session.call_tool("analyze_quality", {"path": paths[1]})
            stats = await session.call_tool("get_statistics", {})
            return first, second, stats

    first, second, stats = run(scenario())
    sandbox = stats.structured_content["sandbox"]
    assert first.structured_content["status"] == "ok"
    assert second.structured_content["status"] == "ok", error_text(second)
    assert sandbox["crashes"] == 0
    assert sandbox["children_started"] == 2
    assert stats.structured_content["errors"] == 0


def test_update_thresholds_validates_values(tmp_path, docs):
    async def scenario():
        async with connect("quality", tmp_path, [docs]) as session:
            too_high = await session.call_tool(
                "update_thresholds", {"thresholds": {"review_threshold": 150}}
            )
            unknown = await session.call_tool(
                "update_thresholds", {"thresholds": {"no_such_threshold": 1}}
            )
            valid = await session.call_tool(
                "update_thresholds", {"thresholds": {"review_threshold": 99.5}}
            )
            metrics = await session.call_tool("get_quality_metrics", {})
            return too_high, unknown, valid, metrics

    too_high, unknown, valid, metrics = run(scenario())
    assert too_high.is_error
    assert "review_threshold" in error_text(too_high)
    assert unknown.is_error
    assert "no_such_threshold" in error_text(unknown)
    assert valid.structured_content["changed"] == ["review_threshold"]
    assert metrics.structured_content["thresholds"]["review_threshold"] == 99.5
    assert metrics.structured_content["metrics"]


def test_new_threshold_changes_review_status(tmp_path, docs):
    short = docs / "short.txt"
    # A fragment, not a whole sentence, so quality judges it nearly empty.
    short.write_text("Notes for\n")
    path = str(short)

    async def scenario():
        async with connect("quality", tmp_path, [docs]) as session:
            before = await session.call_tool("analyze_quality", {"path": path})
            await session.call_tool(
                "update_thresholds", {"thresholds": {"review_threshold": 0}}
            )
            after = await session.call_tool("analyze_quality", {"path": path})
            return before.structured_content, after.structured_content

    before, after = run(scenario())
    assert before["quality"]["overall_score"] < 60
    assert before["review_status"] == "needs_review"
    assert after["review_status"] == "approved"


def test_generate_report_names_documents(tmp_path, docs):
    paths = [str(docs / "report.txt"), str(docs / "missing.txt")]

    async def scenario():
        async with connect("quality", tmp_path, [docs]) as session:
            return await session.call_tool("generate_report", {"paths": paths})

    result = run(scenario())
    report = result.structured_content["report"]
    assert report.startswith("# Document quality report")
    assert "report.txt" in report
    assert "missing.txt" in report
    statuses = [item["status"] for item in result.structured_content["results"]]
    assert statuses == ["ok", "unreadable"]


def test_update_model_rejects_invalid_model(tmp_path, docs):
    model_dir = docs / "model"
    model_dir.mkdir()
    (model_dir / "model.json").write_text(json.dumps({"version": "broken-1"}))
    # Unpickled, "garbage" raises "invalid literal for int() with base 10".
    (model_dir / "model.joblib").write_bytes(b"garbage")
    outside = tmp_path / "elsewhere"
    outside.mkdir()

    async def scenario():
        async with connect("classification", tmp_path, [docs]) as session:
            broken = await session.call_tool(
                "update_model", {"model_path": str(model_dir)}
            )
            elsewhere = await session.call_tool(
                "update_model", {"model_path": str(outside)}
            )
            stats = await session.call_tool("get_statistics", {})
            return broken, elsewhere, stats

    broken, elsewhere, stats = run(scenario())
    assert broken.is_error
    model_file = os.path.realpath(model_dir / "model.joblib")
    assert error_text(broken) == (
        "update_model: argument 'model_path' is invalid because the model is "
        f"not usable: cannot read the classifier model "
        f"{model_file!r}: the file is damaged or is not a model that 'docflow "
        "train' wrote; retrain it with 'docflow train', or use another model "
        "folder. The server keeps its current model."
    )
    assert elsewhere.is_error
    assert "outside the allowed root folders" in error_text(elsewhere)
    assert stats.structured_content["model_version"] != "broken-1"


def test_classification_tools_return_category(tmp_path, docs, trained_model):
    invoice = docs / "invoice.txt"
    invoice.write_text(TRAINING_TEXTS["invoice"].format(n=777))
    path = str(invoice)

    async def scenario():
        async with connect(
            "classification", tmp_path, [docs], model=trained_model
        ) as session:
            single = await session.call_tool("classify_document", {"path": path})
            batch = await session.call_tool(
                "classify_documents", {"paths": [path], "with_quality": True}
            )
            categories = await session.call_tool("get_categories", {})
            stats = await session.call_tool("get_statistics", {})
            return single, batch, categories, stats

    single, batch, categories, stats = run(scenario())
    document = DocumentResult.model_validate(single.structured_content)
    assert document.status is Status.OK
    assert document.classification.category == "invoice"
    assert document.quality is None
    (combined,) = batch.structured_content["results"]
    assert combined["classification"]["category"] == "invoice"
    assert combined["quality"] is not None
    names = {entry["name"] for entry in categories.structured_content["categories"]}
    assert {"invoice", "contract", "resume"} <= names
    assert stats.structured_content["documents"] == 2
    assert stats.structured_content["model_version"]


def test_update_model_switches_to_valid_model(tmp_path, docs, trained_model):
    import shutil

    model_dir = docs / "new-model"
    shutil.copytree(trained_model, model_dir)
    invoice = docs / "invoice.txt"
    invoice.write_text(TRAINING_TEXTS["invoice"].format(n=778))
    version = json.loads((model_dir / "model.json").read_text())["version"]

    async def scenario():
        async with connect(
            "classification", tmp_path, [docs], model=trained_model
        ) as session:
            switched = await session.call_tool(
                "update_model", {"model_path": str(model_dir / "model.joblib")}
            )
            result = await session.call_tool(
                "classify_document", {"path": str(invoice)}
            )
            stats = await session.call_tool("get_statistics", {})
            return switched, result, stats

    switched, result, stats = run(scenario())
    assert not switched.is_error
    assert switched.structured_content["model_version"] == version
    assert switched.structured_content["lost_categories"] == []
    assert switched.structured_content["warning"] is None
    assert result.structured_content["classification"]["category"] == "invoice"
    assert stats.structured_content["model_version"] == version


def test_update_model_rejects_lost_categories(tmp_path, docs, trained_model):
    import shutil

    from docflow.core.classify._model import SHIPPED_MODEL_DIR

    model_dir = docs / "small-model"
    shutil.copytree(trained_model, model_dir)
    shipped = json.loads((SHIPPED_MODEL_DIR / "model.json").read_text())
    small = json.loads((model_dir / "model.json").read_text())
    lost = sorted(set(shipped["categories"]) - set(small["categories"]))
    argument = {"model_path": str(model_dir)}

    async def scenario():
        async with connect("classification", tmp_path, [docs]) as session:
            rejected = await session.call_tool("update_model", argument)
            stats = await session.call_tool("get_statistics", {})
            allowed = await session.call_tool(
                "update_model", {**argument, "allow_lost_categories": True}
            )
            return rejected, stats, allowed

    rejected, stats, allowed = run(scenario())
    assert rejected.is_error
    assert (
        f"the new model does not know {len(lost)} categories of the shipped "
        f"model {shipped['version']}: {', '.join(lost)}." in error_text(rejected)
    )
    assert "allow_lost_categories to true" in error_text(rejected)
    assert stats.structured_content["model_version"] == shipped["version"]
    assert not allowed.is_error
    assert allowed.structured_content["model_version"] == small["version"]
    assert allowed.structured_content["lost_categories"] == lost
    assert ", ".join(lost) in allowed.structured_content["warning"]


def test_update_model_names_argument_as_origin(tmp_path, docs):
    empty = docs / "no-model"
    empty.mkdir()

    async def scenario():
        async with connect("classification", tmp_path, [docs]) as session:
            return await session.call_tool("update_model", {"model_path": str(empty)})

    result = run(scenario())
    assert result.is_error
    assert "set by the update_model argument model_path" in error_text(result)
    assert "classification.model_path" not in error_text(result)
    assert "unset it" not in error_text(result)
    assert "give a folder made by 'docflow train'" in error_text(result)


def test_run_function_serves_like_module(tmp_path, docs):
    command = [
        "-c",
        "import sys\n"
        "from docflow.mcp._server import load_server_settings\n"
        "from docflow.mcp.quality_server import run_quality_server\n"
        "run_quality_server(load_server_settings(), sys.argv[2::2])\n",
    ]

    async def scenario():
        async with connect("quality", tmp_path, [docs], command=command) as session:
            return await session.call_tool("get_statistics", {})

    stats = run(scenario())
    assert stats.structured_content["roots"] == [str(docs.resolve())]


def test_statistics_latency_leaves_out_queue_wait(tmp_path, docs):
    """Latency is each document's time in a worker, though most wait in a queue."""
    from docflow.mcp._server import summarize_latencies

    paths = write_reports(docs, "batch", 12)
    outside = str(tmp_path / "outside.txt")

    async def scenario():
        async with connect(
            "quality", tmp_path, [docs], children_per_server=2
        ) as session:
            batch = await session.call_tool(
                "analyze_documents", {"paths": [*paths, outside]}
            )
            stats = await session.call_tool("get_statistics", {})
            return batch, stats

    batch, stats = run(scenario())
    results = batch.structured_content["results"]
    processed = [item["duration_ms"] for item in results if item["path"] != outside]
    expected = summarize_latencies(processed)
    latency = stats.structured_content["latency"]
    assert [item["status"] for item in results[:-1]] == ["ok"] * 12
    assert stats.structured_content["documents"] == 13
    assert stats.structured_content["errors"] == 1
    assert latency["max_ms"] == expected.max_ms
    assert latency["p95_ms"] == expected.p95_ms
    assert latency["p50_ms"] == expected.p50_ms
