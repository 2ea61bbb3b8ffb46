"""The worker template: document workers forked from one warmed process.

Real processes throughout: a template started by this test's process, real
sandbox pools whose workers it forks, and real faults (a segfault, a hang, an
allocation past the memory limit, SIGKILL of the template).
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

from docflow.core import worker_template
from docflow.core.classify import _model
from docflow.core.config import Settings
from docflow.core.models import Status
from docflow.core.sandbox import WorkerPool, child_environment

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the template forks (Linux)"
)

TEXT = (
    "Quarterly report. Revenue grew in every region, and the costs of the "
    "new warehouse were lower than planned. The board approved the budget.\n"
)


def parent_of(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as handle:
        return int(handle.read().rsplit(")", 1)[1].split()[1])


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.model_validate(
        {
            "store": {"cache_dir": str(tmp_path / "cache")},
            "workers": {"document_timeout": 20.0, "memory_limit_mb": 1024},
        }
    )


@pytest.fixture
def template(settings: Settings, monkeypatch: pytest.MonkeyPatch):
    """Start a template and make this process's pools use it, as a server's do."""
    started = worker_template.start_template(settings, child_environment(), sys.stderr)
    assert started is not None
    # A server owns its inherited copy of the descriptor, and so does this test.
    monkeypatch.setenv(worker_template.TEMPLATE_FD_ENV, str(os.dup(started.fd)))
    monkeypatch.setattr(worker_template, "_connection", None)
    monkeypatch.setattr(worker_template, "_connection_checked", False)
    yield started
    worker_template.forget_connection()
    started.close()


def write_documents(folder: Path, *names: str) -> list[str]:
    folder.mkdir(exist_ok=True)
    paths = []
    for name in names:
        path = folder / name
        path.write_text(TEXT)
        paths.append(str(path))
    return paths


def test_forked_workers_survive_faults(
    tmp_path: Path,
    settings: Settings,
    template: worker_template.WorkerTemplate,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOCFLOW_FAULT", "crash:segv,oom:hog,hang:stuck")
    # Long enough for the hog to reach the memory limit on a loaded machine.
    settings.workers.document_timeout = 6.0
    first, crash, hog, stuck, last = write_documents(
        tmp_path / "docs", "first.txt", "segv.txt", "hog.txt", "stuck.txt", "last.txt"
    )
    with WorkerPool(settings, size=1, load_model=False) as pool:
        pool.wait_started()
        (worker,) = pool.child_pids()
        assert parent_of(worker) == template.pid
        assert pool.process(first).status is Status.OK

        crashed = pool.process(crash)
        assert crashed.status is Status.CRASHED
        # The template reaped the worker and reported how it died.
        assert "killed by SIGSEGV" in (crashed.error or "")

        limited = pool.process(hog)
        assert limited.status is Status.MEMORY_LIMIT, limited.error

        timed_out = pool.process(stuck)
        assert timed_out.status is Status.TIMEOUT

        assert pool.process(last).status is Status.OK
        (replacement,) = pool.child_pids()
        assert replacement != worker
        assert parent_of(replacement) == template.pid
        assert pool.stats.children_started == 4


def test_pool_goes_on_when_template_dies(
    tmp_path: Path,
    settings: Settings,
    template: worker_template.WorkerTemplate,
) -> None:
    first, second = write_documents(tmp_path / "docs", "first.txt", "second.txt")
    with WorkerPool(settings, size=1, load_model=False) as pool:
        pool.wait_started()
        (worker,) = pool.child_pids()
        assert pool.process(first).status is Status.OK
        template.process.send_signal(signal.SIGKILL)
        template.process.wait()
        # The worker's exit can no longer be reported, so the pool kills it
        # and starts the next worker as a new interpreter.
        result = pool.process(second)
        assert result.status is Status.OK, result.error
        (replacement,) = pool.child_pids()
        assert replacement != worker
        assert parent_of(replacement) == os.getpid()
    assert worker_template.connection() is None


def test_forked_worker_reloads_changed_model(tmp_path: Path) -> None:
    model_dir = tmp_path / "model"
    shutil.copytree(_model.SHIPPED_MODEL_DIR, model_dir)
    settings = Settings.model_validate(
        {"classification": {"model_path": str(model_dir)}}
    )
    loaded = _model.load_model(settings)
    try:
        _model.forget_changed_models()
        assert _model.load_model(settings) is loaded  # unchanged: kept

        metadata = model_dir / _model.METADATA_FILE
        replaced = tmp_path / "model.json.new"
        replaced.write_bytes(metadata.read_bytes())
        os.replace(replaced, metadata)  # as docflow train replaces it
        _model.forget_changed_models()
        assert _model.load_model(settings) is not loaded
    finally:
        _model._cache.pop(model_dir.resolve(), None)


def test_limit_below_template_size_rejected(
    tmp_path: Path,
    settings: Settings,
    template: worker_template.WorkerTemplate,
) -> None:
    # The template's libraries take more address space than this limit.
    settings.workers.memory_limit_mb = 96
    (path,) = write_documents(tmp_path / "docs", "first.txt")
    with WorkerPool(settings, size=1, load_model=False) as pool:
        result = pool.process(path)
    assert result.status is Status.CRASHED
    assert "raise workers.memory_limit_mb" in (result.error or "")


def test_pool_leaves_stalled_template(
    tmp_path: Path,
    settings: Settings,
    template: worker_template.WorkerTemplate,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("DOCFLOW_FAULT", "hang:stuck")
    # Short for the hung document, long enough for a new interpreter's first.
    settings.workers.document_timeout = 3.0
    stuck, after = write_documents(tmp_path / "docs", "stuck.txt", "after.txt")
    with WorkerPool(settings, size=1, load_model=False) as pool:
        pool.wait_started()
        os.kill(template.pid, signal.SIGSTOP)
        try:
            # The killed worker's exit is never reported, so after a few
            # seconds the pool stops asking the template for workers.
            assert pool.process(stuck).status is Status.TIMEOUT
            result = pool.process(after)
            assert result.status is Status.OK, result.error
            (replacement,) = pool.child_pids()
            assert parent_of(replacement) == os.getpid()
        finally:
            os.kill(template.pid, signal.SIGCONT)
    assert worker_template.connection() is None
    assert "did not report the exit" in caplog.text
    # The replacement did not wait for a fork the template could not make.
    assert "did not answer" not in caplog.text
