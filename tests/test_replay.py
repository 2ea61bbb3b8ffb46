"""Replay of unchanged runs by the ``docflow`` console script (``cli._replay``).

Every test runs the real command in a subprocess with real MCP servers and a
real DuckDB file. A replayed run is recognised by its summary line; its stdout
must be byte for byte what a full run over the cache prints.
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import docflow_env, run_console_script  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
REPLAYED = b"nothing changed since run"

LETTER = """Dear Mr Okafor,

Thank you for your letter of 12 May about the late delivery of the printer
paper. We have sent the missing boxes today and added a credit note for the
delivery charge to your account.

Yours sincerely,
Anna Lindqvist
Customer Service
"""


def replay_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Return docflow_env without DOCFLOW_CONFIG, so ./docflow.toml is read if present.

    The tests run in ``tmp_path`` and write docflow.toml there between runs.
    """
    env = docflow_env(tmp_path, **extra)
    del env["DOCFLOW_CONFIG"]
    return env


def docflow(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, **run: object
) -> subprocess.CompletedProcess[bytes]:
    """Run the console script's entry point, as ``docflow ARGS``, in ``tmp_path``."""
    env = env or replay_env(tmp_path)
    return run_console_script(tmp_path, *args, env=env, **run)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "letter.txt").write_text(LETTER)
    (folder / "empty.txt").write_text("")
    (folder / "photo.xyz").write_bytes(b"\x00\x01 not a document format")
    for name in (
        "ghpol__github-event-terms.md",
        "ghpol__github-sponsors-additional-terms.md",
    ):
        source = CORPUS / "labeled" / "contract" / name
        if source.is_file():
            shutil.copy(source, folder / "sub" / name)
    return folder


def _records(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / ".docflow" / "cache" / "replay").glob("*.rec"))


@pytest.mark.parametrize("output_format", ["jsonl", "csv", "json", "table"])
def test_replay_matches_cached_run_output(
    tmp_path: Path, docs: Path, output_format: str
) -> None:
    first = docflow(tmp_path, "process", "-f", output_format, "docs")
    assert first.returncode == 1, first.stderr  # the empty and unsupported files
    assert REPLAYED not in first.stderr
    assert len(_records(tmp_path)) == 1

    replayed = docflow(tmp_path, "process", "-f", output_format, "docs")
    assert REPLAYED in replayed.stderr, replayed.stderr
    assert replayed.returncode == first.returncode
    full = docflow(
        tmp_path,
        "process",
        "-f",
        output_format,
        "docs",
        env=replay_env(tmp_path, DOCFLOW_STORE_REPLAY="false"),
    )
    assert REPLAYED not in full.stderr
    assert b"cache hits" in full.stderr
    assert replayed.stdout == full.stdout
    assert replayed.stdout.count(b"letter.txt") == 1
    # The summary of the replay counts as the full run's does.
    assert (
        replayed.stderr.splitlines()[0].split(b": ", 1)[1]
        == (full.stderr.splitlines()[0].split(b": ", 1)[1])
    )


def test_dev_stdin_names_the_file_given(tmp_path: Path, docs: Path) -> None:
    """/dev/stdin is read as the file on stdin, and never replayed."""
    memo = docs / "memo.txt"
    memo.write_text("MEMO\nTo: all staff\nThe garage is closed on Friday.\n")
    outputs = []
    for source in (docs / "letter.txt", memo):
        with source.open("rb") as stdin:
            run = docflow(
                tmp_path, "classify", "-f", "jsonl", "/dev/stdin", stdin=stdin
            )
        assert REPLAYED not in run.stderr, run.stderr
        [record] = [json.loads(line) for line in run.stdout.splitlines()]
        outputs.append((record["path"], record["status"]))
    assert outputs == [(str(docs / "letter.txt"), "ok"), (str(memo), "ok")]

    piped = docflow(
        tmp_path, "classify", "-f", "jsonl", "/dev/stdin", stdin=None, input=b"x"
    )
    [record] = [json.loads(line) for line in piped.stdout.splitlines()]
    assert record["path"] == "/dev/stdin"
    assert record["status"] == "unreadable"
    assert "is an input of the docflow command that is not a file" in record["error"]


def test_replay_stops_after_any_change(tmp_path: Path, docs: Path) -> None:
    docflow(tmp_path, "classify", "docs")
    assert REPLAYED in docflow(tmp_path, "classify", "docs").stderr

    # A changed file is processed again, and the next run replays the new result.
    with open(docs / "letter.txt", "a") as stream:
        stream.write("\nPS: the invoice number is 2024-117.\n")
    changed = docflow(tmp_path, "classify", "docs")
    assert REPLAYED not in changed.stderr
    assert b"0 cache hits" not in changed.stderr
    assert REPLAYED in docflow(tmp_path, "classify", "docs").stderr

    # A new file in a subfolder.
    shutil.copy(docs / "letter.txt", docs / "sub" / "copy.txt")
    added = docflow(tmp_path, "classify", "docs")
    assert REPLAYED not in added.stderr
    assert b"copy.txt" in added.stdout

    # Another command's write to the database.
    assert REPLAYED in docflow(tmp_path, "classify", "docs").stderr
    docflow(tmp_path, "classify", str(docs / "letter.txt"))
    assert REPLAYED not in docflow(tmp_path, "classify", "docs").stderr

    # The settings file, and a setting in the environment.
    assert REPLAYED in docflow(tmp_path, "classify", "docs").stderr
    (tmp_path / "docflow.toml").write_text("[output]\n")
    assert REPLAYED not in docflow(tmp_path, "classify", "docs").stderr
    other = replay_env(tmp_path, DOCFLOW_WORKERS_TIMEOUT="90")
    assert REPLAYED not in docflow(tmp_path, "classify", "docs", env=other).stderr


def test_replay_skipped_rehash_terminal_warning(tmp_path: Path, docs: Path) -> None:
    docflow(tmp_path, "analyze", "docs")
    assert REPLAYED in docflow(tmp_path, "analyze", "docs").stderr
    rehashed = docflow(tmp_path, "analyze", "--rehash", "docs")
    assert REPLAYED not in rehashed.stderr
    assert REPLAYED not in docflow(tmp_path, "analyze", "--rehash", "docs").stderr

    # A table on a terminal depends on its width: always a full run.
    primary, secondary = pty.openpty()
    try:
        on_terminal = docflow(tmp_path, "analyze", "docs", stdout=secondary)
    finally:
        os.close(secondary)
        os.close(primary)
    assert REPLAYED not in on_terminal.stderr

    # A run that logged a warning saves no record, so the warning shows again.
    # One rule table replaces the shipped rules, which docflow warns about.
    (tmp_path / "one_rule.toml").write_text(
        '[classification.rules.invoice.keywords]\n"invoice" = 1.0\n'
    )
    one_rule = docflow_env(tmp_path, config="one_rule.toml")
    for _ in range(2):
        warned = docflow(tmp_path, "analyze", "docs", env=one_rule)
        assert b"replace all shipped rules" in warned.stderr
        assert REPLAYED not in warned.stderr


def test_quiet_replay_silent_stderr(tmp_path: Path, docs: Path) -> None:
    first = docflow(tmp_path, "-q", "classify", "-f", "csv", "docs")
    replayed = docflow(tmp_path, "-q", "classify", "-f", "csv", "docs")
    # Only the error lines of the documents that failed, as the first run.
    assert replayed.stderr == first.stderr
    reasons = [line.split(b": ")[-1] for line in replayed.stderr.splitlines()]
    assert reasons[0] == b"file is empty (0 bytes)"
    assert reasons[1].startswith(b"binary data of an unknown format")
    assert len(reasons) == 2
    assert replayed.returncode == first.returncode == 1
    assert replayed.stdout.splitlines()[0] == first.stdout.splitlines()[0]
    assert _records(tmp_path)


def test_retried_status_saves_no_record(tmp_path: Path, docs: Path) -> None:
    locked = CORPUS / "edge" / "pypdf__r2-user-password.pdf"
    if not locked.is_file():
        pytest.skip("the corpus is not beside the repository")
    shutil.copy(locked, docs / "locked.pdf")
    for _ in range(2):
        run = docflow(tmp_path, "classify", "docs")
        assert b"password_required" in run.stdout
        assert REPLAYED not in run.stderr
    assert _records(tmp_path) == []


def test_recorder_drops_everything_past_limit(tmp_path: Path) -> None:
    from docflow.cli._replay import Recorder, ShownResult

    def shown(path: str, text: str) -> ShownResult:
        return ShownResult(path, path, False, "ok", None, text)

    recorder = Recorder("key", str(tmp_path), max_chars=10, max_rows=5)
    recorder.collect(shown("/a", "12345"))
    recorder.collect(shown("/b", "12345"))
    assert len(recorder.items) == 2
    recorder.collect(shown("/c", "1"))
    assert recorder.overflow
    assert recorder.items == []
    recorder.collect(shown("/d", "1"))
    assert recorder.items == []
    saved = recorder.save(
        output="",
        run_id=1,
        database=str(tmp_path / "db.duckdb"),
        exit_code=0,
        quiet=True,
        errors=[],
        summary=[],
    )
    assert not saved
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("change", ["folder", "late", "label"])
def test_replay_after_changes_during_run(
    tmp_path: Path, docs: Path, change: str
) -> None:
    # The slow document keeps the run going while files change or another
    # process labels a document.
    env = replay_env(
        tmp_path,
        DOCFLOW_FAULT="slow:slowdoc",
        DOCFLOW_FAULT_SLOW_SECONDS="4",
    )
    docflow(tmp_path, "classify", "-f", "json", "docs", env=env)

    (docs / "slowdoc.txt").write_text(LETTER.replace("printer", "office"))
    command = [sys.executable, "-c", "from docflow.cli.launch import run; run()"]
    running = subprocess.Popen(
        [*command, "classify", "-f", "json", "docs", "late.txt"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.5)
        if change == "folder":
            shutil.copy(docs / "letter.txt", docs / "sub" / "added.txt")
        elif change == "late":  # rejected as missing at the start, there now
            shutil.copy(docs / "letter.txt", tmp_path / "late.txt")
        else:
            labeled = docflow(
                tmp_path, "label", str(docs / "letter.txt"), "invoice", env=env
            )
            assert labeled.returncode == 0, labeled.stderr
    finally:
        assert running.wait(timeout=180) == 1

    after = docflow(tmp_path, "classify", "-f", "json", "docs", "late.txt", env=env)
    full = docflow(
        tmp_path,
        "classify",
        "-f",
        "json",
        "docs",
        "late.txt",
        env={**env, "DOCFLOW_STORE_REPLAY": "false"},
    )

    if change == "folder":
        assert b"added.txt" in full.stdout
    elif change == "late":
        assert b"not found" not in full.stdout
    else:
        assert b'"labeled_by"' in full.stdout
    assert after.stdout == full.stdout


def test_replay_order_with_rejected_inputs(tmp_path: Path, docs: Path) -> None:
    os.mkfifo(docs / "queue")
    for output_format in ("json", "jsonl"):
        first = docflow(tmp_path, "classify", "-f", output_format, "docs")
        assert b"queue" in first.stdout
        replayed = docflow(tmp_path, "classify", "-f", output_format, "docs")
        full = docflow(
            tmp_path,
            "classify",
            "-f",
            output_format,
            "docs",
            env=replay_env(tmp_path, DOCFLOW_STORE_REPLAY="false"),
        )
        assert REPLAYED in replayed.stderr
        assert replayed.stdout == full.stdout


def test_replay_after_process_prints_asked_part(tmp_path: Path, docs: Path) -> None:
    docflow(tmp_path, "process", "-f", "jsonl", "docs")
    saved = docflow(tmp_path, "analyze", "-f", "jsonl", "docs")
    assert REPLAYED not in saved.stderr
    replayed = docflow(tmp_path, "analyze", "-f", "jsonl", "docs")
    assert REPLAYED in replayed.stderr, replayed.stderr
    full = docflow(
        tmp_path,
        "analyze",
        "-f",
        "jsonl",
        "docs",
        env=replay_env(tmp_path, DOCFLOW_STORE_REPLAY="false"),
    )
    assert replayed.stdout == full.stdout
    records = [json.loads(line) for line in replayed.stdout.splitlines()]
    letter = next(r for r in records if r["path"].endswith("letter.txt"))
    assert letter["quality"] is not None
    assert all(record["classification"] is None for record in records)
    # Neither summary counts categories that analyze did not print.
    assert b"categories:" not in replayed.stderr
    assert b"categories:" not in full.stderr


def test_escaped_name_sorts_in_place(tmp_path: Path, docs: Path) -> None:
    # A name that is not UTF-8 is printed escaped; the JSON array and the
    # table still list it in the order of the walk.
    (docs / os.fsdecode(b"bad\xff.txt")).write_text(LETTER.replace("May", "June"))
    run = docflow(tmp_path, "classify", "-f", "json", "docs")
    records = json.loads(run.stdout)
    assert "bad" in records[0]["path"]
    assert records[-1]["path"].endswith("sponsors-additional-terms.md")


def test_replay_with_stdout_closed_or_full(tmp_path: Path, docs: Path) -> None:
    docflow(tmp_path, "classify", "docs")
    assert REPLAYED in docflow(tmp_path, "classify", "docs").stderr
    # First a replay, then a full run, into a full disk.
    for replay in (None, "false"):
        extra = {"DOCFLOW_STORE_REPLAY": replay} if replay else {}
        env = replay_env(tmp_path, **extra)
        with open("/dev/full", "w") as full_device:
            full = docflow(tmp_path, "classify", "docs", stdout=full_device, env=env)
        assert b"Traceback" not in full.stderr
        assert b"cannot write the output: No space left on device" in full.stderr
        assert full.returncode == 74
    closed = docflow(
        tmp_path, "classify", "docs", stdout=None, preexec_fn=lambda: os.close(1)
    )
    assert b"Traceback" not in closed.stderr
    assert closed.returncode == 1  # the empty and unsupported files


def test_model_file_change_ends_replay(tmp_path: Path, docs: Path) -> None:
    from docflow.core.classify._model import SHIPPED_MODEL_DIR

    model = tmp_path / "home" / "model"
    shutil.copytree(SHIPPED_MODEL_DIR, model)
    env = replay_env(tmp_path, HOME=str(tmp_path / "home"))
    for setting in ("~/model", str(model / "model.joblib")):
        (tmp_path / "docflow.toml").write_text(
            f"[classification]\nmodel_path = {json.dumps(setting)}\n"
        )
        docflow(tmp_path, "classify", "docs", env=env)
        assert REPLAYED in docflow(tmp_path, "classify", "docs", env=env).stderr
        metadata = model / "model.json"
        metadata.write_text(metadata.read_text() + " ")
        assert REPLAYED not in docflow(tmp_path, "classify", "docs", env=env).stderr


def test_fifo_in_place_of_record_is_ignored(tmp_path: Path, docs: Path) -> None:
    docflow(tmp_path, "classify", "docs")
    [record] = _records(tmp_path)
    record.unlink()
    os.mkfifo(record)
    run = docflow(tmp_path, "classify", "docs", timeout=120)
    assert REPLAYED not in run.stderr
    assert b"cache hits" in run.stderr


def test_record_folder_expands_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docflow.cli._replay import record_folder

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "settings.toml").write_text('[store]\ncache_dir = "~/from_file"\n')
    from_variable = record_folder(["docflow"], {"DOCFLOW_STORE_CACHE_DIR": "~/cache"})
    from_file = record_folder(["docflow"], {"DOCFLOW_CONFIG": "~/settings.toml"})
    assert from_variable == str(tmp_path / "cache" / "replay")
    assert from_file == str(tmp_path / "from_file" / "replay")
