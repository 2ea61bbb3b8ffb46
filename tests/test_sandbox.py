"""Tests for the sandboxed document workers: timeouts, crashes, memory, orphans.

Hangs, crashes and runaway allocations come from the named fault injection in
``docflow.core.sandbox`` (``DOCFLOW_FAULT``), because no real document in the
corpus reliably produces each of them. The kill, timeout and memory limit that
the sandbox applies are real.
"""

import dataclasses
import logging
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docflow.core.config import Settings
from docflow.core.models import Status
from docflow.core.quoting import cut_value
from docflow.core.sandbox import FAULT_ENV, WorkerPool


def make_settings(tmp_path, **workers):
    values = {"document_timeout": 30.0, "memory_limit_mb": 1024, **workers}
    return Settings.model_validate(
        {
            "workers": values,
            "store": {"cache_dir": str(tmp_path / "cache")},
        }
    )


def write_document(folder, name, text="Invoice 42\nTotal due: 100.00 EUR\n"):
    path = folder / name
    path.write_text(text)
    return str(path)


def long_folder(tmp_path):
    """Return a folder whose path is longer than error messages quote in full."""
    folder = tmp_path / ("d" * 200) / ("e" * 200)
    folder.mkdir(parents=True)
    return folder


def assert_names_cut_path(error, path):
    """Check that ``error`` names the long ``path`` by its start and end."""
    assert len(path) > 400
    assert error.startswith(f"{cut_value(path)}: ")
    assert path not in error


def process(pool, path):
    return pool.process(path, classify=False, quality=False)


def wait_until_gone(pid, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_pool_processes_text_document(tmp_path):
    path = write_document(tmp_path, "plain.txt")
    with WorkerPool(make_settings(tmp_path), load_model=False) as pool:
        result = process(pool, path)
    assert result.status is Status.OK
    assert result.detected_type == "text"


def test_pool_times_out_hung_document(tmp_path, monkeypatch):
    monkeypatch.setenv(FAULT_ENV, "hang:stuck")
    hung = write_document(long_folder(tmp_path), "stuck.txt")
    fine = write_document(tmp_path, "fine.txt")
    settings = make_settings(tmp_path, document_timeout=1.5)
    with WorkerPool(settings, load_model=False) as pool:
        pool.wait_started()
        first_pid = pool.child_pids()
        result = process(pool, hung)
        after = process(pool, fine)
        second_pid = pool.child_pids()
        stats = pool.stats
    assert result.status is Status.TIMEOUT
    assert_names_cut_path(result.error, hung)
    assert "1.5 s" in result.error
    assert after.status is Status.OK
    assert stats.timeouts == 1
    assert first_pid != second_pid


@pytest.mark.parametrize(
    ("fault", "expected"),
    [("crash", "SIGSEGV"), ("exit", "exited with code 3")],
)
def test_pool_reports_crashed_worker(tmp_path, monkeypatch, fault, expected):
    monkeypatch.setenv(FAULT_ENV, f"{fault}:poison")
    poison = write_document(long_folder(tmp_path), "poison.txt")
    fine = write_document(tmp_path, "fine.txt")
    with WorkerPool(make_settings(tmp_path), load_model=False) as pool:
        result = process(pool, poison)
        after = process(pool, fine)
        crashes = pool.stats.crashes
    assert result.status is Status.CRASHED
    assert expected in result.error
    assert_names_cut_path(result.error, poison)
    assert after.status is Status.OK
    assert crashes == 1


def wait_until_processing(caplog, path, seconds=30.0):
    """Wait until the pool logs that a worker acknowledged reading ``path``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(
            record.getMessage().endswith(f"is processing {path}")
            for record in caplog.records
        ):
            return
        time.sleep(0.01)
    raise AssertionError(f"no worker took {path} within {seconds} s")


def test_pool_reports_worker_killed_externally(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(FAULT_ENV, "hang:stuck")
    hung = write_document(tmp_path, "stuck.txt")
    caplog.set_level(logging.DEBUG, logger="docflow.core.sandbox")
    with WorkerPool(make_settings(tmp_path), load_model=False) as pool:
        pool.wait_started()
        (pid,) = pool.child_pids()
        future = pool.submit(hung, classify=False, quality=False)
        # Only a worker that has read the document may blame it.
        wait_until_processing(caplog, hung)
        os.kill(pid, signal.SIGKILL)
        result = future.result(timeout=30)
        after = process(pool, write_document(tmp_path, "fine.txt"))
    assert result.status is Status.CRASHED
    assert "SIGKILL" in result.error
    assert after.status is Status.OK


def test_pool_replaces_worker_killed_while_idle(tmp_path):
    path = write_document(tmp_path, "fine.txt")
    with WorkerPool(make_settings(tmp_path), load_model=False) as pool:
        pool.wait_started()
        (pid,) = pool.child_pids()
        os.kill(pid, signal.SIGKILL)
        result = process(pool, path)
        stats = dataclasses.replace(pool.stats)
        pids_after = pool.child_pids()
    assert result.status is Status.OK, result.error
    assert stats.crashes == 0
    assert stats.documents == 1
    assert stats.children_started == 2
    assert pid not in pids_after


def test_pool_reaps_dead_idle_worker(tmp_path):
    with WorkerPool(make_settings(tmp_path), load_model=False) as pool:
        pool.wait_started()
        (pid,) = pool.child_pids()
        os.kill(pid, signal.SIGKILL)
        # os.kill(pid, 0) succeeds on a zombie, so this also proves the reap.
        reaped = wait_until_gone(pid)
        deadline = time.monotonic() + 30
        while pool.stats.children_started < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        started = pool.stats.children_started
        idle_deaths = pool.stats.idle_deaths
        last_idle_death = pool.stats.last_idle_death
        result = process(pool, write_document(tmp_path, "fine.txt"))
        crashes = pool.stats.crashes
    assert reaped
    assert started == 2
    assert idle_deaths == 1
    assert last_idle_death is not None
    assert last_idle_death.startswith(f"worker pid {pid} killed by SIGKILL")
    assert result.status is Status.OK, result.error
    assert crashes == 0


def test_pool_resends_unread_document(tmp_path):
    path = write_document(tmp_path, "fine.txt")
    with WorkerPool(make_settings(tmp_path), load_model=False) as pool:
        pool.wait_started()
        (pid,) = pool.child_pids()
        # A stopped worker cannot read the document, whether it was sent
        # before the kill below or not.
        os.kill(pid, signal.SIGSTOP)
        future = pool.submit(path, classify=False, quality=False)
        deadline = time.monotonic() + 30
        while not future.running() and not future.done():
            assert time.monotonic() < deadline, "the document was never taken"
            time.sleep(0.01)
        os.kill(pid, signal.SIGKILL)
        result = future.result(timeout=60)
        stats = dataclasses.replace(pool.stats)
    assert result.status is Status.OK, result.error
    assert stats.crashes == 0
    assert stats.documents == 1
    assert stats.children_started == 2


def test_pool_enforces_memory_limit(tmp_path, monkeypatch):
    monkeypatch.setenv(FAULT_ENV, "oom:greedy")
    greedy = write_document(long_folder(tmp_path), "greedy.txt")
    settings = make_settings(tmp_path, memory_limit_mb=512)
    with WorkerPool(settings, load_model=False) as pool:
        result = process(pool, greedy)
        after = process(pool, write_document(tmp_path, "fine.txt"))
        stats = pool.stats
    assert result.status is Status.MEMORY_LIMIT
    assert "512 MB" in result.error
    assert_names_cut_path(result.error, greedy)
    assert after.status is Status.OK
    assert stats.memory_limits == 1
    assert stats.children_started == 2


def test_pool_recycles_worker_after_limit(tmp_path):
    settings = make_settings(tmp_path, recycle_after=2)
    paths = [write_document(tmp_path, f"doc{n}.txt") for n in range(5)]
    with WorkerPool(settings, load_model=False) as pool:
        results = [process(pool, path) for path in paths]
        started = pool.stats.children_started
    assert [result.status for result in results] == [Status.OK] * 5
    assert started == 3


def test_child_environment_and_limits(tmp_path):
    with WorkerPool(make_settings(tmp_path), load_model=False) as pool:
        threads = pool.call("os:getenv", "OMP_THREAD_LIMIT").result()
        soft, _ = pool.call("resource:getrlimit", resource.RLIMIT_AS).result()
        stdout_target = pool.call("os:readlink", "/proc/self/fd/1").result()
    assert threads == "1"
    assert soft == 1024 * 1024 * 1024
    assert stdout_target == os.readlink("/proc/self/fd/2")


def test_child_print_stays_off_parent_stdout(tmp_path):
    script = (
        "import os\n"
        "from docflow.core.config import Settings\n"
        "from docflow.core.sandbox import WorkerPool\n"
        f"cache = {str(tmp_path)!r}\n"
        "settings = Settings.model_validate({'store': {'cache_dir': cache}})\n"
        "with WorkerPool(settings, load_model=False) as pool:\n"
        f"    result = pool.process({write_document(tmp_path, 'loud.txt')!r},"
        " classify=False, quality=False)\n"
        "os.write(1, result.status.value.encode())\n"
    )
    env = {**os.environ, FAULT_ENV: "print:loud"}
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, env=env, timeout=60
    )
    assert completed.stdout == b"ok"
    assert b"stray output from a document worker" in completed.stderr


@pytest.mark.slow
def test_children_exit_when_parent_killed(tmp_path):
    script = (
        "import sys, time\n"
        "from docflow.core.config import Settings\n"
        "from docflow.core.sandbox import WorkerPool\n"
        f"cache = {str(tmp_path)!r}\n"
        "settings = Settings.model_validate({'store': {'cache_dir': cache},"
        " 'workers': {'children_per_server': 2}})\n"
        "pool = WorkerPool(settings, load_model=False)\n"
        "pool.wait_started()\n"
        "print(*pool.child_pids(), flush=True)\n"
        "time.sleep(600)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    ) as parent:
        try:
            children = [int(pid) for pid in parent.stdout.readline().split()]
        finally:
            parent.kill()
    assert len(children) == 2
    for pid in children:
        assert wait_until_gone(pid), f"worker {pid} outlived its parent"


def test_close_kills_busy_worker(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG, logger="docflow.core.sandbox")
    monkeypatch.setenv(FAULT_ENV, "hang:stuck")
    folder = long_folder(tmp_path)
    hung = write_document(folder, "stuck.txt")
    queued = write_document(folder, "queued.txt")
    pool = WorkerPool(make_settings(tmp_path, document_timeout=600.0), load_model=False)
    pool.wait_started()
    (pid,) = pool.child_pids()
    running = pool.submit(hung, classify=False, quality=False)
    waiting = pool.submit(queued, classify=False, quality=False)
    deadline = time.monotonic() + 30
    # Taken from the queue is not yet read: the worker acknowledges reading
    # the document, and the pool then logs that it is processing it.
    while f"is processing {hung}" not in caplog.text:
        assert time.monotonic() < deadline, "the hung document was never read"
        time.sleep(0.01)
    assert pool.queued() == 1
    pool.close()
    assert running.result().status is Status.CRASHED
    assert "closed while processing" in running.result().error
    assert_names_cut_path(running.result().error, hung)
    assert waiting.result().status is Status.CRASHED
    assert "closed before processing" in waiting.result().error
    assert_names_cut_path(waiting.result().error, queued)
    assert wait_until_gone(pid)


def test_close_logs_queued_documents_once(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(FAULT_ENV, "hang:stuck")
    hung = write_document(tmp_path, "stuck.txt")
    queued = [write_document(tmp_path, f"queued-{n}.txt") for n in range(20)]
    pool = WorkerPool(make_settings(tmp_path, document_timeout=600.0), load_model=False)
    pool.wait_started()
    pool.submit(hung, classify=False, quality=False)
    waiting = [pool.submit(path, classify=False, quality=False) for path in queued]
    deadline = time.monotonic() + 30
    while pool.queued() > len(queued):
        assert time.monotonic() < deadline, "the hung document was never taken"
        time.sleep(0.01)
    with caplog.at_level("INFO", logger="docflow.core.sandbox"):
        pool.close()
    assert all(future.result().status is Status.CRASHED for future in waiting)
    lines = [
        r.getMessage() for r in caplog.records if "not processed" in r.getMessage()
    ]
    assert lines == ["worker pool closed with 20 documents not processed"]
    assert not [
        r for r in caplog.records if "closed before processing" in r.getMessage()
    ]


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ({"start_timeout": 0.001}, ["workers.start_timeout"]),
        # 64 MB is the smallest limit the settings accept, and too small for a
        # child to import the parsers, so every start fails with MemoryError.
        (
            {"memory_limit_mb": 64},
            ["out of memory", "64 MB", "workers.memory_limit_mb"],
        ),
    ],
    ids=["start-timeout", "memory-limit"],
)
def test_worker_that_cannot_start_names_setting(tmp_path, setting, expected):
    settings = make_settings(tmp_path, **setting)
    path = write_document(long_folder(tmp_path), "plain.txt")
    with WorkerPool(settings, load_model=False) as pool:
        result = process(pool, path)
    assert result.status is Status.CRASHED
    assert_names_cut_path(result.error, path)
    assert "no document worker could start" in result.error
    for fragment in expected:
        assert fragment in result.error


def test_cancelled_job_skipped_and_slot_survives(tmp_path, monkeypatch):
    monkeypatch.setenv(FAULT_ENV, "slow:slow")
    monkeypatch.setenv("DOCFLOW_FAULT_SLOW_SECONDS", "1")
    slow = write_document(tmp_path, "slow.txt")
    dropped = write_document(tmp_path, "dropped.txt")
    fine = write_document(tmp_path, "fine.txt")
    with WorkerPool(make_settings(tmp_path), load_model=False) as pool:
        first = pool.submit(slow, classify=False, quality=False)
        second = pool.submit(dropped, classify=False, quality=False)
        cancelled = second.cancel()
        after = process(pool, fine)
        documents = pool.stats.documents
    assert cancelled
    assert first.result().status is Status.OK
    assert after.status is Status.OK
    assert documents == 2


def testwarm_up_out_of_memory_is_memory_error(monkeypatch):
    # A named fake: the loader's message when RLIMIT_AS leaves no room to map
    # an extension module, which happens only at some limits on some builds.
    import importlib

    from docflow.core import sandbox

    def no_room(module):
        raise ImportError(
            "unicodedata.cpython-311-x86_64-linux-gnu.so: "
            "failed to map segment from shared object"
        )

    monkeypatch.setattr(importlib, "import_module", no_room)
    with pytest.raises(MemoryError):
        sandbox.warm_up(Settings(), load_model=False)


def test_pool_stats_contain_only_counters(tmp_path):
    """The servers keep latencies themselves, from each result's duration_ms.

    The one field that is not a counter names the newest idle death.
    """
    path = write_document(tmp_path, "counted.txt")
    with WorkerPool(make_settings(tmp_path), load_model=False) as pool:
        process(pool, path)
        stats = dataclasses.asdict(pool.stats)
    assert set(stats) == {
        "documents",
        "timeouts",
        "crashes",
        "memory_limits",
        "children_started",
        "idle_deaths",
        "last_idle_death",
    }
    assert stats["idle_deaths"] == 0
    assert stats["last_idle_death"] is None
    assert stats["documents"] == 1


def testwarm_up_covers_first_pdf(tmp_path):
    """A worker's first text PDF imports no module: its time is its own work."""
    from test_extract_pdf import make_text_pdf

    path = tmp_path / "first.pdf"
    path.write_bytes(make_text_pdf(["INVOICE 42\nTotal due 120.00 EUR"]))
    code = (
        "import sys\n"
        "from docflow.core.config import Settings\n"
        "from docflow.core.sandbox import warm_up\n"
        "settings = Settings.model_validate(\n"
        f"    {{'store': {{'cache_dir': {str(tmp_path / 'cache')!r}}}}}\n"
        ")\n"
        "warm_up(settings, True)\n"
        "before = set(sys.modules)\n"
        "from docflow.core.pipeline import process_document\n"
        f"result = process_document({str(path)!r}, settings)\n"
        "assert result.status == 'ok', result.error\n"
        "new = sorted(m for m in set(sys.modules) - before\n"
        "             if m.startswith(('docflow', 'pypdfium2', 'scipy', 'joblib')))\n"
        "assert not new, new\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_call_error_shows_docflow_message_alone(tmp_path):
    """A DocflowError's message is for the user, so its class name stays out."""
    from docflow.core.sandbox import _call_function

    model = tmp_path / "model"
    model.mkdir()
    settings = make_settings(tmp_path)
    settings.classification.model_path = str(model)

    kind, message = _call_function("docflow.mcp._validate:check_model", (settings,))

    assert kind == "error"
    assert message.startswith("classifier model description not found: ")


def test_call_error_names_other_exception_type():
    from docflow.core.sandbox import _call_function

    kind, message = _call_function("math:sqrt", (-1.0,))

    assert kind == "error"
    assert message.startswith("ValueError: ")


def test_killed_worker_temporary_folder_removed(tmp_path, monkeypatch):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr("tempfile.tempdir", None)
    with WorkerPool(make_settings(tmp_path), size=1, load_model=False) as pool:
        pool.wait_started()
        (worker,) = pool.child_pids()
        # A folder the worker makes, as OCR makes one for its page images.
        worker_folder = Path(pool.call("tempfile:mkdtemp").result(timeout=60))
        assert worker_folder.parent.parent == temporary
        assert worker_folder.parent.name.startswith("docflow-worker-")
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while worker_folder.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not worker_folder.exists()
        # The replacement has a folder of its own. The call waits until the
        # replacement has started, which may come after the old folder went.
        replacement = Path(pool.call("tempfile:gettempdir").result(timeout=60))
        assert list(temporary.iterdir()) == [replacement]
    assert list(temporary.iterdir()) == []


def test_folders_of_dead_pools_removed(tmp_path, monkeypatch):
    """A new pool removes the worker folders that a killed pool left."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr("tempfile.tempdir", None)
    exited = subprocess.Popen([sys.executable, "-c", "pass"])
    exited.wait()
    left = temporary / f"docflow-worker-{exited.pid}-k1ll3d"
    left.mkdir()
    (left / "page-1.pgm").write_bytes(b"P5 1 1 255 x")
    running = temporary / f"docflow-worker-{os.getpid()}-runs"
    running.mkdir()
    unnamed = temporary / "docflow-worker-abcdefgh"  # no pid in its name
    unnamed.mkdir()
    link = temporary / f"docflow-worker-{exited.pid}-link"
    link.symlink_to(running)
    with WorkerPool(make_settings(tmp_path), size=1, load_model=False) as pool:
        pool.wait_started()
        worker_folder = Path(pool.call("tempfile:gettempdir").result(timeout=60))
    assert not left.exists()
    assert running.is_dir()
    assert unnamed.is_dir()
    assert link.is_symlink()
    assert worker_folder.name.startswith(f"docflow-worker-{os.getpid()}-")


def test_orphaned_worker_removes_temporary_folder(tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    # A worker forked by the template, as in a server: one started with
    # subprocess is killed by PR_SET_PDEATHSIG, mostly before it can clean up.
    script = (
        "import os, sys, time\n"
        "from docflow.core import worker_template\n"
        "from docflow.core.config import Settings\n"
        "from docflow.core.sandbox import WorkerPool, child_environment\n"
        "settings = Settings.model_validate_json(sys.argv[1])\n"
        "template = worker_template.start_template(\n"
        "    settings, child_environment(), sys.stderr\n"
        ")\n"
        "os.environ[worker_template.TEMPLATE_FD_ENV] = str(os.dup(template.fd))\n"
        "pool = WorkerPool(settings, size=1, load_model=False)\n"
        "print(pool.call('tempfile:gettempdir').result(timeout=60), flush=True)\n"
        "time.sleep(600)\n"
    )
    settings = make_settings(tmp_path).model_dump_json()
    env = {**os.environ, "TMPDIR": str(temporary)}
    with subprocess.Popen(
        [sys.executable, "-c", script, settings],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as pool_process:
        folder = Path(pool_process.stdout.readline().strip())
        assert folder.parent == temporary
        assert folder.exists()
        # The pool dies without a chance to clean up, as a killed server does.
        pool_process.kill()
    deadline = time.monotonic() + 30
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not folder.exists()
