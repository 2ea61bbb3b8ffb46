"""Tests for the orchestrator, with real MCP server processes.

Slow, hung, printing and dying documents come from the named fault injection
(``DOCFLOW_FAULT``, see ``docflow.core.sandbox`` and ``docflow.mcp._server``).
The kill -9, the timeout and the restart are real.
"""

import asyncio
import gc
import os
import signal
import subprocess
import sys
import time
import weakref
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docflow.core.config import Settings
from docflow.core.models import ReviewStatus, Status
from docflow.core.quoting import cut_value, quote_value
from docflow.errors import ExitCode, ServerError, UsageError
from docflow.mcp.orchestrator import (
    Orchestrator,
    ServerStats,
    _ramp_limit,
    _Slot,
    run_documents,
)
from processes import (  # noqa: E402
    command_line,
    list_descendants,
)

TEXT = (
    "Quarterly report\n\nRevenue grew in the third quarter because two new "
    "customers signed long contracts. Costs stayed flat this year.\n"
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


def make_settings(tmp_path, **workers):
    return Settings.model_validate(
        {
            "store": {"cache_dir": str(tmp_path / "state" / "cache")},
            "workers": {"document_timeout": 30.0, **workers},
        }
    )


def make_documents(folder, count, prefix="doc"):
    folder.mkdir(exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"{prefix}{number:03d}.txt"
        path.write_text(f"{TEXT}Reference {number}.\n")
        paths.append(str(path))
    return paths


def process(settings, paths, *, workers=2, roots=None, on_progress=None, hook=None):
    async def scenario():
        async with Orchestrator(
            settings, classify=False, quality=True, roots=roots, workers=workers
        ) as orchestrator:
            if hook is not None:
                hook(orchestrator)
            results = await orchestrator.process(
                paths, on_result=seen.append, on_progress=on_progress
            )
            return results, orchestrator.statistics()

    seen = []
    results, stats = asyncio.run(scenario())
    return results, stats, seen


def test_every_path_gets_one_result(tmp_path):
    paths = make_documents(tmp_path / "docs", 7)
    paths += [str(tmp_path / "docs" / "missing.txt"), paths[0]]
    results, stats, seen = process(make_settings(tmp_path), paths)
    assert [result.path for result in results] == paths
    assert len(seen) == len(paths)
    assert sorted(result.path for result in seen) == sorted(paths)
    assert results[-2].status is Status.UNREADABLE
    assert all(result.status is Status.OK for result in results[:7])
    assert stats.documents == len(paths)
    assert stats.errors == 1
    assert sum(server.documents for server in stats.servers) == len(paths)


def make_undecodable_and_plain(folder):
    """Write a document whose name is not valid UTF-8 and a plain one;
    return both paths."""
    (fine,) = make_documents(folder, 1)
    raw = os.path.join(os.fsencode(folder), b"bad\xffname.txt")
    with open(raw, "w") as handle:
        handle.write(TEXT)
    return os.fsdecode(raw), fine


def test_non_utf8_file_name_sent_through_link(tmp_path):
    bad, fine = make_undecodable_and_plain(tmp_path / "docs")
    results, stats, _ = process(make_settings(tmp_path), [bad, fine], workers=1)
    assert results[0].path == bad
    assert results[0].status is Status.OK, results[0].error
    assert results[1].status is Status.OK
    assert stats.restarts == 0


def test_links_removed_and_remade_in_long_session(tmp_path, monkeypatch):
    import shutil
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    # A link folder left by a process that died (kill -9) goes at the next start.
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / "tmp" / f"docflow-names-{dead.pid}-old"
    stale.mkdir()
    folder = tmp_path / "docs"
    folder.mkdir()
    names = []
    for number in range(2):
        raw = os.fsencode(folder) + b"/bad" + str(number).encode() + b"\xff.txt"
        with open(raw, "w") as handle:
            handle.write(TEXT)
        names.append(os.fsdecode(raw))

    async def scenario():
        async with Orchestrator(
            make_settings(tmp_path), classify=False, quality=True, workers=1
        ) as orchestrator:
            first = await orchestrator.process(names[:1])
            # Each link goes once its document is done.
            assert orchestrator._links is not None
            assert os.listdir(orchestrator._links) == []
            # A cleaner of the temporary folder removes the link folder.
            shutil.rmtree(orchestrator._links)
            second = await orchestrator.process(names[1:])
            return first + second

    results = asyncio.run(scenario())
    assert [result.status for result in results] == [Status.OK, Status.OK]
    assert [result.path for result in results] == names
    assert not stale.exists()
    assert os.listdir(tmp_path / "tmp") == []


def test_non_utf8_file_name_without_link_rejected(tmp_path, monkeypatch):
    # Fake fault: no link folder can be made (as root, a real permission
    # error on the temporary folder cannot be produced).
    def no_room(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tempfile.mkdtemp", no_room)
    # A path longer than messages quote in full.
    folder = tmp_path / "docs" / ("d" * 200) / ("e" * 200)
    folder.parent.mkdir(parents=True)
    bad, fine = make_undecodable_and_plain(folder)
    results, _, _ = process(make_settings(tmp_path), [bad, fine], workers=1)
    assert results[0].status is Status.UNREADABLE
    assert "not valid UTF-8" in results[0].error
    assert results[0].error.startswith(f"{quote_value(bad)}: ")
    assert repr(bad) not in results[0].error
    assert results[1].status is Status.OK


def test_warm_orchestrator_processes_again(tmp_path):
    first = make_documents(tmp_path / "one", 3)
    second = make_documents(tmp_path / "two", 4)
    settings = make_settings(tmp_path)

    async def scenario():
        async with Orchestrator(
            settings, classify=False, quality=True, workers=1
        ) as orchestrator:
            pids = orchestrator.server_pids()
            one = await orchestrator.process(first)
            two = await orchestrator.process(second)
            return one, two, pids, orchestrator.server_pids()

    one, two, pids_before, pids_after = asyncio.run(scenario())
    assert [result.path for result in one] == first
    assert [result.path for result in two] == second
    assert pids_before == pids_after


@pytest.mark.slow
def test_killed_server_documents_retried_once(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("DOCFLOW_FAULT", "slow:doc001")
    monkeypatch.setenv("DOCFLOW_FAULT_SLOW_SECONDS", "2")
    paths = make_documents(tmp_path / "docs", 6)
    settings = make_settings(tmp_path, batch_size=3)
    killed = []
    state = {}

    def kill_on_first_progress(message):
        if not killed:
            (pid,) = state["orchestrator"].server_pids()
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    with caplog.at_level("WARNING", logger="docflow.mcp.orchestrator"):
        results, stats, seen = process(
            settings,
            paths,
            workers=1,
            on_progress=kill_on_first_progress,
            hook=lambda orchestrator: state.update(orchestrator=orchestrator),
        )
    assert len(killed) == 1
    (warning,) = [
        r.getMessage() for r in caplog.records if " failed: " in r.getMessage()
    ]
    assert "starting it again" in warning
    assert "documents in progress are sent again" in warning
    assert [result.path for result in results] == paths
    assert sorted(result.path for result in seen) == sorted(paths)
    assert [result.status for result in results] == [Status.OK] * 6
    assert stats.restarts == 1
    assert stats.retries >= 2
    assert stats.servers[0].restarts == 1


@pytest.mark.slow
def test_server_dying_twice_marks_document_crashed(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCFLOW_FAULT", "server-kill:doc002")
    # A path longer than messages quote in full.
    folder = tmp_path / "docs" / ("d" * 200) / ("e" * 200)
    folder.parent.mkdir(parents=True)
    paths = make_documents(folder, 5)
    settings = make_settings(tmp_path, batch_size=2)
    results, stats, _ = process(settings, paths, workers=1)
    statuses = {result.path: result.status for result in results}
    assert statuses.pop(paths[2]) is Status.CRASHED
    assert set(statuses.values()) == {Status.OK}
    assert "also on the retry" in results[2].error
    assert results[2].error.startswith(f"{cut_value(paths[2])}: the quality server")
    assert paths[2] not in results[2].error
    assert stats.restarts == 2


@pytest.mark.slow
def test_call_timeout_restarts_server(tmp_path, monkeypatch):
    # doc000 takes long enough to be reported, then doc001 hangs in the same
    # batch: a server that has sent progress is still killed once it falls silent.
    monkeypatch.setenv("DOCFLOW_FAULT", "slow:doc000,hang:doc001")
    monkeypatch.setenv("DOCFLOW_FAULT_SLOW_SECONDS", "0.5")
    paths = make_documents(tmp_path / "docs", 3)
    # Long enough for a restarted server to start and reply on a busy machine.
    settings = make_settings(tmp_path, call_timeout=4.0, batch_size=3)
    results, stats, _ = process(settings, paths, workers=1)
    assert results[1].status is Status.CRASHED
    assert "timed out after 4 s without a reply" in results[1].error
    assert "also on the retry" in results[1].error
    assert [results[n].status for n in (0, 2)] == [Status.OK] * 2
    assert stats.restarts == 2
    assert stats.retries == 3


def test_automatic_batch_size_reaches_maximum(caplog):
    orchestrator = Orchestrator(Settings(), classify=False, quality=True)
    assert orchestrator._batch_size("quality", 10_000) == 16
    assert orchestrator._batch_size("quality", 8) == 2
    assert not caplog.records


def _blank_files(folder, name, count, size):
    """Write ``count`` files of ``size`` zero bytes, named from ``name``."""
    folder.mkdir()
    paths = []
    for number in range(count):
        path = folder / name.format(number)
        path.write_bytes(bytes(size))
        paths.append(str(path))
    return paths


def test_expensive_documents_go_in_small_batches(tmp_path):
    orchestrator = Orchestrator(Settings(), classify=False, quality=True, workers=2)
    orchestrator._wakeups = {"quality": asyncio.Event()}
    # Four scans of 20 KB, estimated 20 times a PDF's cost per byte, then
    # 60 small PDFs of 2 KB.
    paths = _blank_files(tmp_path / "scans", "scan{}.png", 4, 20_000)
    paths += _blank_files(tmp_path / "pages", "page{:02d}.pdf", 60, 2_000)

    async def batches():
        for number in range(2):
            orchestrator._slots.append(
                _Slot("quality", number, ServerStats(name=f"q{number}", kind="quality"))
            )
        run = asyncio.ensure_future(orchestrator.process(paths))
        await asyncio.sleep(0)
        batches_taken = []
        while orchestrator._queues["quality"]:
            batches_taken.append(await orchestrator._take_batch("quality", 0))
        run.cancel()
        return batches_taken

    batches_taken = asyncio.run(batches())
    sizes = [len(batch) for batch in batches_taken]
    # Each scan goes alone, so the two servers share them.
    assert sizes[:4] == [1, 1, 1, 1]
    assert all(batch[0].path.endswith(".png") for batch in batches_taken[:4])
    # The cheap documents go several to a call.
    assert max(sizes[4:]) > 4
    assert sum(sizes) == 64


def test_server_batches_ramp_up(tmp_path):
    """A server's first calls carry 1, 2, 4, 8 documents, so results come early."""
    orchestrator = Orchestrator(Settings(), classify=False, quality=True, workers=1)
    orchestrator._wakeups = {"quality": asyncio.Event()}
    paths = _blank_files(tmp_path / "docs", "page{:03d}.pdf", 200, 2_000)
    slot = _Slot("quality", 0, ServerStats(name="q0", kind="quality"))

    async def batches():
        orchestrator._slots.append(slot)
        run = asyncio.ensure_future(orchestrator.process(paths))
        await asyncio.sleep(0)
        sizes = []
        for calls in range(6):
            slot.stats.calls = calls
            limit = _ramp_limit(slot.stats.calls)
            sizes.append(len(await orchestrator._take_batch("quality", 0, limit)))
        run.cancel()
        return sizes

    assert asyncio.run(batches()) == [1, 2, 4, 8, 16, 16]


def test_short_call_timeout_sends_one_per_call(caplog):
    settings = Settings.model_validate({"workers": {"document_timeout": 900.0}})
    orchestrator = Orchestrator(settings, classify=False, quality=True)
    assert orchestrator._batch_size("quality", 10_000) == 1
    (record,) = caplog.records
    assert record.levelname == "WARNING"
    assert "workers.call_timeout (600 s)" in record.getMessage()
    assert "raise workers.call_timeout above 960.25 s" in record.getMessage()


def test_batch_longer_than_call_timeout_completes(tmp_path, monkeypatch):
    """Progress notifications keep a batch alive past workers.call_timeout."""
    monkeypatch.setenv("DOCFLOW_FAULT", "slow:paced")
    monkeypatch.setenv("DOCFLOW_FAULT_SLOW_SECONDS", "0.3")
    first = make_documents(tmp_path / "first", 1)
    # About 8.4 s in one call: twice the call timeout. Each document takes
    # under a tenth of it, so a loaded machine's stalls fit in the silences.
    paced = make_documents(tmp_path / "paced", 28, prefix="paced")
    settings = make_settings(tmp_path, call_timeout=4.0, batch_size=28)

    async def scenario():
        async with Orchestrator(
            settings, classify=False, quality=True, workers=1
        ) as orchestrator:
            # The first call waits for the document worker to start, so the
            # silences in the batch come from its documents only.
            await orchestrator.process(first)
            results = await orchestrator.process(paced)
            return results, orchestrator.statistics()

    results, stats = asyncio.run(scenario())
    assert [result.status for result in results] == [Status.OK] * 28
    assert stats.restarts == 0
    assert stats.retries == 0
    assert stats.servers[0].calls == 2


@pytest.mark.slow
def test_health_check_restarts_idle_dead_server(tmp_path):
    settings = make_settings(tmp_path, health_interval=0.2)
    paths = make_documents(tmp_path / "docs", 2)

    async def scenario():
        async with Orchestrator(
            settings, classify=False, quality=True, workers=1
        ) as orchestrator:
            (pid,) = orchestrator.server_pids()
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while orchestrator.statistics().restarts == 0:
                assert time.monotonic() < deadline, "dead server never restarted"
                await asyncio.sleep(0.05)
            while not orchestrator.server_pids():
                assert time.monotonic() < deadline, "no server came back"
                await asyncio.sleep(0.05)
            new_pids = orchestrator.server_pids()
            results = await orchestrator.process(paths)
            return pid, new_pids, results, orchestrator.statistics()

    old_pid, new_pids, results, stats = asyncio.run(scenario())
    assert new_pids != [old_pid]
    assert [result.status for result in results] == [Status.OK] * 2
    assert stats.retries == 0


def test_cancelled_run_leaves_orchestrator_usable(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCFLOW_FAULT", "slow:slow")
    monkeypatch.setenv("DOCFLOW_FAULT_SLOW_SECONDS", "1")
    slow = make_documents(tmp_path / "slow", 4, prefix="slow")
    fast = make_documents(tmp_path / "fast", 3)
    settings = make_settings(tmp_path, batch_size=1)
    seen = []

    async def scenario():
        async with Orchestrator(
            settings, classify=False, quality=True, workers=1
        ) as orchestrator:
            first = asyncio.create_task(
                orchestrator.process(slow, on_result=seen.append)
            )
            deadline = time.monotonic() + 30
            while not seen:
                assert time.monotonic() < deadline, "no slow document finished"
                await asyncio.sleep(0.05)
            first.cancel()
            with pytest.raises(asyncio.CancelledError):
                await first
            seen_at_cancel = len(seen)
            results = await orchestrator.process(fast)
            return seen_at_cancel, results

    seen_at_cancel, results = asyncio.run(scenario())
    assert [result.path for result in results] == fast
    assert [result.status for result in results] == [Status.OK] * 3
    assert len(seen) == seen_at_cancel
    assert seen_at_cancel < 4


def test_run_ends_when_every_server_task_is_gone(tmp_path, monkeypatch):
    # Fake fault: the server tasks end without the orchestrator closing and
    # without failing their documents. No real fault is known to do this;
    # the check guards a run against waiting for ever if one ever does.
    monkeypatch.setattr("docflow.mcp.orchestrator._LIVENESS_SECONDS", 0.2)
    # A path longer than messages quote in full.
    folder = tmp_path / "docs" / ("d" * 200) / ("e" * 200)
    folder.parent.mkdir(parents=True)
    paths = make_documents(folder, 3)
    settings = make_settings(tmp_path)
    got = []

    async def scenario():
        async with Orchestrator(
            settings, classify=False, quality=True, workers=1
        ) as orchestrator:
            tasks = [slot.task for slot in orchestrator._slots]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            return await asyncio.wait_for(
                orchestrator.process(paths, on_result=got.append), 60
            )

    asyncio.run(scenario())
    assert sorted(result.path for result in got) == sorted(paths)
    for result in got:
        assert result.status is Status.CRASHED
        assert "no docflow MCP server is left" in result.error
        assert result.error.startswith(f"{cut_value(result.path)}: ")
        assert result.path not in result.error


@pytest.mark.slow
def test_servers_that_never_start_raise(tmp_path):
    settings = make_settings(tmp_path, start_timeout=0.001)

    async def scenario():
        async with Orchestrator(settings, classify=False, quality=True, workers=1):
            pass

    with pytest.raises(ServerError) as caught:
        asyncio.run(scenario())
    assert "no docflow quality MCP server could be started" in str(caught.value)
    assert caught.value.exit_code == ExitCode.SERVER


def test_hung_document_times_out_others_finish(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCFLOW_FAULT", "hang:doc001")
    paths = make_documents(tmp_path / "docs", 4)
    settings = make_settings(tmp_path, document_timeout=1.5)
    results, stats, _ = process(settings, paths)
    assert results[1].status is Status.TIMEOUT
    assert "1.5 s" in results[1].error
    assert [results[n].status for n in (0, 2, 3)] == [Status.OK] * 3
    assert stats.restarts == 0


def test_stray_print_cannot_corrupt_results(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCFLOW_FAULT", "print:doc00")
    paths = make_documents(tmp_path / "docs", 4)
    results, stats, _ = process(make_settings(tmp_path), paths)
    assert [result.status for result in results] == [Status.OK] * 4
    assert stats.restarts == 0
    logs = "".join(
        path.read_text() for path in (tmp_path / "state" / "logs").glob("*.log")
    )
    assert "stray print from an MCP tool" in logs


def test_roots_reject_paths_outside(tmp_path):
    inside = make_documents(tmp_path / "docs", 1)
    outside = make_documents(tmp_path / "docs-evil", 1)
    results, _, _ = process(
        make_settings(tmp_path), inside + outside, roots=[str(tmp_path / "docs")]
    )
    assert results[0].status is Status.OK
    assert results[1].status is Status.UNREADABLE
    assert "outside the allowed root folders" in results[1].error


def test_missing_root_rejected_before_start(tmp_path):
    with pytest.raises(UsageError) as caught:
        Orchestrator(
            make_settings(tmp_path),
            classify=False,
            quality=True,
            roots=[str(tmp_path / "missing")],
        )
    assert "missing" in str(caught.value)


def test_run_documents_returns_statistics(tmp_path):
    paths = make_documents(tmp_path / "docs", 3)
    results, stats = run_documents(
        paths, make_settings(tmp_path, count=1), classify=False, quality=True
    )
    assert [result.status for result in results] == [Status.OK] * 3
    assert stats.documents == 3
    assert stats.latency_p50_ms is not None
    assert [server.name for server in stats.servers] == ["quality-1"]


def test_batch_size_capped_by_server_maximum(tmp_path):
    """A workers.batch_size over mcp.max_batch_paths is sent in smaller calls."""
    paths = make_documents(tmp_path / "docs", 5)
    settings = make_settings(tmp_path, count=1, batch_size=5)
    settings.mcp.max_batch_paths = 2
    results, stats = run_documents(paths, settings, classify=False, quality=True)
    assert [result.status for result in results] == [Status.OK] * 5
    assert [server.calls for server in stats.servers] == [3]


def test_run_documents_with_callback_keeps_no_results(tmp_path):
    paths = make_documents(tmp_path / "docs", 3)
    delivered = []
    results, stats = run_documents(
        paths,
        make_settings(tmp_path, count=1),
        classify=False,
        quality=True,
        on_result=delivered.append,
    )
    assert results == []
    assert sorted(result.path for result in delivered) == sorted(paths)
    assert stats.documents == 3


def test_callback_results_freed_during_run(tmp_path):
    """A long run's memory must not grow: the orchestrator drops each result."""
    paths = make_documents(tmp_path / "docs", 12)
    freed_before_end = []
    references = []

    def on_result(result):
        gc.collect()
        freed_before_end.append(sum(ref() is None for ref in references))
        references.append(weakref.ref(result))

    run_documents(
        paths,
        make_settings(tmp_path, count=1, batch_size=1),
        classify=False,
        quality=True,
        on_result=on_result,
    )
    assert len(references) == 12
    # By the last result, the earlier ones are no longer referenced.
    assert freed_before_end[-1] >= 10


def wait_until_gone(pid, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


#: Runs an orchestrator with argv[3] servers over one document, prints the
#: server pids and then waits to be killed.
_ORCHESTRATOR_SCRIPT = (
    "import asyncio, sys\n"
    "from docflow.core.config import Settings\n"
    "from docflow.mcp.orchestrator import Orchestrator\n"
    "settings = Settings.model_validate_json(open(sys.argv[1]).read())\n"
    "async def main():\n"
    "    async with Orchestrator(settings, classify=False, quality=True,"
    " workers=int(sys.argv[3])) as orchestrator:\n"
    "        await orchestrator.process([sys.argv[2]] * 4)\n"
    "        print(*orchestrator.server_pids(), flush=True)\n"
    "        await asyncio.sleep(600)\n"
    "asyncio.run(main())\n"
)


def kill_orchestrator_after_run(tmp_path, servers, env=None):
    """Run an orchestrator in a child process, kill -9 it once its servers
    have processed a document, and return the pids of the servers and of
    the other processes under it (document workers and the worker template)
    with their command lines."""
    settings_file = tmp_path / "settings.json"
    settings_file.write_text(make_settings(tmp_path).model_dump_json())
    (document,) = make_documents(tmp_path / "docs", 1)
    command = [
        sys.executable,
        "-c",
        _ORCHESTRATOR_SCRIPT,
        str(settings_file),
        document,
        str(servers),
    ]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, env=env
    ) as parent:
        try:
            server_pids = [int(pid) for pid in parent.stdout.readline().split()]
            others = {
                pid: command_line(pid)
                for pid in list_descendants(parent.pid)
                if pid not in server_pids
            }
        finally:
            parent.kill()
    return server_pids, others


@pytest.mark.slow
def test_servers_exit_when_orchestrator_killed(tmp_path):
    servers, others = kill_orchestrator_after_run(tmp_path, 2)
    assert len(servers) == 2
    commands = list(others.values())
    assert sum(command.startswith(b"docflow-worker") for command in commands) == 2
    assert sum(command.startswith(b"docflow-template") for command in commands) == 1
    for pid in servers:
        assert wait_until_gone(pid), (
            f"server {pid} outlived the orchestrator: {describe_process(pid)}"
        )
    for pid in others:
        assert wait_until_gone(pid), (
            f"process {pid} outlived the orchestrator: {describe_process(pid)}"
        )


@pytest.mark.slow
def test_hung_server_exits_when_orphaned(tmp_path):
    # Fake fault: the server's shutdown hangs, so neither SIGTERM nor the end
    # of stdin stops it. The orphan thread ends it after its grace period.
    env = {**os.environ, "DOCFLOW_FAULT": "server-hang-on-close:doc"}
    servers, _ = kill_orchestrator_after_run(tmp_path, 1, env=env)
    assert len(servers) == 1
    assert wait_until_gone(servers[0], seconds=60.0), describe_process(servers[0])


def describe_process(pid):
    """Return the state /proc reports for a process that should have exited."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            fields = dict(line.split(":", 1) for line in handle if ":" in line)
        with open(f"/proc/{pid}/wchan") as handle:
            waiting = handle.read()
        command = b" ".join(read_command_line(pid)).decode(errors="replace")
    except OSError as exc:
        return f"cannot read /proc/{pid}: {exc}"
    state = fields.get("State", "?").strip()
    parent = fields.get("PPid", "?").strip()
    threads = fields.get("Threads", "?").strip()
    return (
        f"state {state}, parent {parent}, {threads} threads, waiting in "
        f"{waiting or '?'}, command {command[:200]}"
    )


def read_command_line(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as handle:
        return handle.read().split(b"\0")


@pytest.mark.parametrize("fork", [True, False])
def test_fork_setting_picks_server_start(tmp_path, fork):
    import mcp.server.mcpserver  # noqa: F401  (loaded: servers can be forked)

    settings = make_settings(tmp_path, fork_servers=fork)
    paths = make_documents(tmp_path / "docs", 4)

    async def main():
        async with Orchestrator(
            settings, classify=False, quality=True, workers=2
        ) as orchestrator:
            results = await orchestrator.process(paths)
            return results, [
                read_command_line(pid) for pid in orchestrator.server_pids()
            ]

    results, command_lines = asyncio.run(main())
    assert [result.status for result in results] == [Status.OK] * 4
    assert len(command_lines) == 2
    # A forked server's command line names it, not the parent's command.
    forked = b"docflow-quality (MCP server forked from docflow pid %d)" % os.getpid()
    for arguments in command_lines:
        if fork:
            assert arguments[0] == forked
        else:
            assert b"docflow.mcp.quality_server" in arguments


def run_two_servers_script(tmp_path, script, env=None):
    """Run ``script`` in a new Python with a settings file and 4 documents.

    The script gets the settings file (2 quality servers) as ``sys.argv[1]``
    and the document paths after it.
    """
    settings_file = tmp_path / "settings.json"
    settings_file.write_text(make_settings(tmp_path, count=2).model_dump_json())
    paths = make_documents(tmp_path / "docs", 4)
    return subprocess.run(
        [sys.executable, "-c", script, str(settings_file), *paths],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_first_server_forked_without_sdk(tmp_path):
    """A parent without the MCP SDK forks its first server too."""
    script = (
        "import os, sys\n"
        "from docflow.core.config import Settings\n"
        "from docflow.mcp.orchestrator import run_documents\n"
        "settings = Settings.model_validate_json(open(sys.argv[1]).read())\n"
        "print('sdk', 'mcp.client.session' in sys.modules)\n"
        "def started():\n"
        "    children = open(f'/proc/{os.getpid()}/task/{os.getpid()}/children')\n"
        "    for pid in children.read().split():\n"
        "        command = open(f'/proc/{pid}/cmdline', 'rb').read()\n"
        "        if not command.startswith(b'docflow-template'):\n"
        "            print(command.split(bytes(1))[1:2] == [b'-m'])\n"
        "results, _ = run_documents(sys.argv[2:], settings, classify=False,"
        " quality=True, on_started=started)\n"
        "print(*(result.status.value for result in results))\n"
    )
    completed = run_two_servers_script(tmp_path, script)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0] == "sdk False"
    # A new interpreter runs python -m docflow.mcp.quality_server, a fork not.
    assert lines[1:-1] == ["False", "False"]
    assert lines[-1] == "ok ok ok ok"


def test_forked_server_no_duplicate_output(tmp_path):
    """Output the parent had buffered when it forked its servers appears once."""
    script = (
        "import logging, sys\n"
        "import mcp.server.mcpserver\n"
        "from docflow.core.config import Settings\n"
        "from docflow.mcp.orchestrator import run_documents\n"
        "logging.basicConfig()\n"
        "settings = Settings.model_validate_json(open(sys.argv[1]).read())\n"
        "sys.stdout.write('buffered before the servers started\\n')\n"
        "results, _ = run_documents(sys.argv[2:], settings, classify=False,"
        " quality=True)\n"
        "print(*(result.status.value for result in results))\n"
    )
    # Block-buffered stdout, as on a pipe without PYTHONUNBUFFERED.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    completed = run_two_servers_script(tmp_path, script, env)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "buffered before the servers started\nok ok ok ok\n"
    # Flushed into a server's protocol stream, it would be reported here.
    assert "invalid JSON-RPC" not in completed.stderr


@pytest.mark.parametrize("separate", [False, True])
def test_both_analyses_fill_both_results(tmp_path, trained_model, separate):
    folder = tmp_path / "docs"
    folder.mkdir()
    paths = []
    for category, text in TRAINING_TEXTS.items():
        path = folder / f"{category}.txt"
        path.write_text(text.format(n=555))
        paths.append(str(path))
    settings = make_settings(tmp_path, separate_quality_servers=separate)
    settings.classification.model_path = str(trained_model)
    results, stats = run_documents(paths, settings, classify=True, quality=True)
    assert [result.status for result in results] == [Status.OK] * 3
    categories = [result.classification.category for result in results]
    assert categories == list(TRAINING_TEXTS)
    assert all(result.quality is not None for result in results)
    assert all(result.review_status is not None for result in results)
    kinds = {server.kind for server in stats.servers}
    assert kinds == ({"classification", "quality"} if separate else {"classification"})


def test_separate_quality_servers_keep_the_quality_review_reasons(tmp_path):
    # Symbols only: quality goes to review ("quality 30 under ...") and so does
    # the classifier, which abstains. The merged result must list both.
    path = tmp_path / "symbols.txt"
    path.write_text("!!! ... ??? ,,, ;;; --- *** ... !!! ???\n\n.... ,,,, !!!! ????\n")
    reasons = {}
    for separate in (False, True):
        settings = make_settings(tmp_path, separate_quality_servers=separate)
        results, _ = run_documents([str(path)], settings, classify=True, quality=True)
        assert results[0].review_status == ReviewStatus.NEEDS_REVIEW
        reasons[separate] = results[0].review_reasons
    assert any(reason.startswith("quality ") for reason in reasons[False])
    assert sorted(reasons[True]) == sorted(reasons[False])
