"""Tests of docflow forget: retiring the stored results of gone or named files.

The database is a real DuckDB file, filled through the Store API with
results of real files under ``tmp_path`` (some of them deleted afterwards),
or by a real ``docflow classify`` process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from docflow.cli.main import app
from docflow.core.models import DocumentResult
from docflow.core.store import ResultWriter, Store

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import docflow_env, run_console_script  # noqa: E402


def make_result(path: Path, status: str = "ok") -> DocumentResult:
    return DocumentResult(
        path=str(path),
        status=status,
        error=None if status == "ok" else f"{path}: no such file or folder",
        content_hash=f"hash-{path.name}" if status == "ok" else None,
        size=10,
        detected_type="text",
        pages=1,
    )


@pytest.fixture
def files(isolated_cwd: Path) -> dict[str, Path]:
    """Stored results of kept/a.txt, gone/b.txt, gone/c.txt and a mistyped path.

    The files under gone/ were deleted after they were stored.
    """
    paths = {
        "kept": isolated_cwd / "kept" / "a.txt",
        "gone_b": isolated_cwd / "gone" / "b.txt",
        "gone_c": isolated_cwd / "gone" / "c.txt",
        "typo": isolated_cwd / "tpyo.txt",
    }
    for name in ("kept", "gone_b", "gone_c"):
        paths[name].parent.mkdir(exist_ok=True)
        paths[name].write_text("some text", encoding="utf-8")
    with ResultWriter(Store(isolated_cwd / "t.duckdb"), fingerprint="fp") as writer:
        for name, path in paths.items():
            writer.add(make_result(path, "unreadable" if name == "typo" else "ok"))
    paths["gone_b"].unlink()
    paths["gone_c"].unlink()
    return paths


def invoke(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, ["--db", "t.duckdb", *args], input=stdin)


def stored_paths(*args: str) -> list[str]:
    outcome = invoke("results", "-f", "jsonl", *args)
    assert outcome.exit_code == 0, outcome.stderr
    return sorted(json.loads(line)["path"] for line in outcome.stdout.splitlines())


def count_rows(database: Path, where: str = "true") -> int:
    with duckdb.connect(str(database), read_only=True) as connection:
        row = connection.execute(f"SELECT count(*) FROM documents WHERE {where}")
        return int(row.fetchall()[0][0])


def test_forget_missing_retires_gone_files(files):
    outcome = invoke("forget", "--missing", "-f", "jsonl")
    forgotten = [json.loads(line) for line in outcome.stdout.splitlines()]
    assert outcome.exit_code == 0, outcome.stderr
    assert sorted(r["path"] for r in forgotten) == sorted(
        str(files[name]) for name in ("gone_b", "gone_c", "typo")
    )
    assert all(r["is_current"] is False for r in forgotten)
    assert all(r["forgotten_at"] for r in forgotten)
    assert "forgot 3 results of files that no longer exist" in outcome.stderr
    assert stored_paths() == [str(files["kept"])]


def test_forget_keeps_rows_as_history(files, isolated_cwd):
    invoke("forget", "--missing")
    database = isolated_cwd / "t.duckdb"
    assert count_rows(database) == 4
    assert count_rows(database, "forgotten_at IS NOT NULL AND NOT is_current") == 3
    assert count_rows(database, "is_current") == 1


def test_forget_dry_run_changes_nothing(files, isolated_cwd):
    outcome = invoke("forget", "--missing", "--dry-run", "-f", "jsonl")
    assert outcome.exit_code == 0, outcome.stderr
    assert len(outcome.stdout.splitlines()) == 3
    assert "would forget 3 results" in outcome.stderr
    assert "nothing was changed" in outcome.stderr
    assert count_rows(isolated_cwd / "t.duckdb", "is_current") == 4


def test_forget_folder_retires_files_under_it(files):
    outcome = invoke("forget", "gone/", "-f", "jsonl")
    assert outcome.exit_code == 0, outcome.stderr
    assert len(outcome.stdout.splitlines()) == 2
    assert "forgot 2 results\n" in outcome.stderr
    assert "0 paths" not in outcome.stderr
    assert stored_paths() == sorted([str(files["kept"]), str(files["typo"])])


def test_forget_existing_file_by_relative_path(files):
    outcome = invoke("forget", "kept/a.txt")
    assert outcome.exit_code == 0, outcome.stderr
    assert str(files["kept"]) not in stored_paths()


def test_forget_folder_prefix_needs_separator(files, isolated_cwd):
    # "gone" must not match a sibling folder whose name starts with it.
    other = isolated_cwd / "gone-too" / "d.txt"
    with ResultWriter(Store(isolated_cwd / "t.duckdb"), fingerprint="fp") as writer:
        writer.add(make_result(other))
    outcome = invoke("forget", "gone")
    assert outcome.exit_code == 0, outcome.stderr
    assert str(other) in stored_paths()


def test_forget_unmatched_path_exits_4(files):
    outcome = invoke("forget", "nothere.pdf", "tpyo.txt", "-f", "jsonl")
    assert outcome.exit_code == 4
    assert len(outcome.stdout.splitlines()) == 1
    assert "'nothere.pdf'" in outcome.stderr
    assert "forgot 1 result; 1 path had no stored result" in outcome.stderr
    assert str(files["typo"]) not in stored_paths()


def test_forget_twice_second_exits_4(files):
    assert invoke("forget", "tpyo.txt").exit_code == 0
    outcome = invoke("forget", "tpyo.txt")
    assert outcome.exit_code == 4
    assert "'tpyo.txt' was already forgotten at " in outcome.stderr
    assert "check the spelling" not in outcome.stderr
    assert "forgot 0 results; 1 path was already forgotten\n" in outcome.stderr


def test_forget_folder_again_names_last(files):
    assert invoke("forget", "gone").exit_code == 0
    outcome = invoke("forget", "gone", "nothere.pdf")
    assert outcome.exit_code == 4
    assert "the results under 'gone' were already forgotten, the last" in (
        outcome.stderr
    )
    assert "no current stored result at or under 'nothere.pdf'" in outcome.stderr
    assert (
        "forgot 0 results; 1 path was already forgotten; 1 path had no stored result"
        in outcome.stderr
    )


def test_forget_unmatched_escapes_controls_once(files):
    outcome = invoke("forget", "no\nsuch\x1b[31m")
    assert outcome.exit_code == 4
    assert "'no\\nsuch\\x1b[31m'" in outcome.stderr
    assert "\\\\n" not in outcome.stderr


def test_forget_nothing_prints_no_table(files):
    outcome = invoke("forget", "--missing", "--dry-run", "-f", "table", "kept")
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout == ""
    assert "would forget 0 results" in outcome.stderr


def test_forget_missing_under_path_keeps_others(files):
    outcome = invoke("forget", "--missing", "gone")
    assert outcome.exit_code == 0, outcome.stderr
    assert stored_paths() == sorted([str(files["kept"]), str(files["typo"])])


def test_forget_reads_paths_from_stdin(files):
    outcome = invoke("forget", "-", "-f", "jsonl", stdin="tpyo.txt\ngone/b.txt\n")
    assert outcome.exit_code == 0, outcome.stderr
    assert len(outcome.stdout.splitlines()) == 2
    assert stored_paths() == sorted([str(files["kept"]), str(files["gone_c"])])


def test_forget_empty_stdin_is_usage_error(files):
    outcome = invoke("forget", "-", stdin="")
    assert outcome.exit_code == 2
    assert "no paths on stdin" in outcome.stderr


def test_forget_without_paths_is_usage_error(files):
    outcome = invoke("forget")
    assert outcome.exit_code == 2
    assert "--missing" in outcome.stderr


def test_forgotten_results_leave_stats_and_review(files):
    invoke("forget", "--missing")
    stats = json.loads(invoke("stats", "-f", "json").stdout)
    assert stats["documents"] == 1
    assert stats["by_status"] == {"ok": 1}
    review = invoke("review", "-f", "jsonl")
    assert review.stdout == ""


def test_report_names_forgotten_document(files):
    forgotten = json.loads(invoke("forget", "tpyo.txt", "-f", "jsonl").stdout)
    outcome = invoke("report", str(forgotten["id"]), "-f", "json")
    assert outcome.exit_code == 0, outcome.stderr
    assert json.loads(outcome.stdout)["is_current"] is False
    assert "was forgotten with docflow forget" in outcome.stderr


def test_forget_csv_has_result_columns(files):
    outcome = invoke("forget", "tpyo.txt", "-f", "csv")
    header, row = outcome.stdout.splitlines()
    assert header.startswith("id,path,status")
    assert f",{files['typo']},unreadable," in row


HOLD_LOCK = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from docflow.core.store._lock import DatabaseLock

    with DatabaseLock(Path(sys.argv[1])).hold(exclusive=True):
        print("locked", flush=True)
        sys.stdin.read()
    """
)


def test_store_forget_waits_for_lock_queue(files, isolated_cwd):
    store = Store(isolated_cwd / "t.duckdb", lock_timeout=60)
    ids = [stored.id for stored in store.results(status="unreadable")]
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(store.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    retired: list[int] = []
    try:
        assert holder.stdout.readline().strip() == "locked"
        writer = threading.Thread(target=lambda: retired.extend(store.forget(ids)))
        writer.start()
        deadline = time.monotonic() + 20
        while len(store.lock._tickets()) < 2:
            assert time.monotonic() < deadline, "forget never joined the lock queue"
            time.sleep(0.02)
        assert writer.is_alive()
        assert retired == []
    finally:
        holder.communicate("")
    writer.join(60)
    assert retired == ids
    assert count_rows(store.path, "is_current") == 3


def test_rerun_after_forget_stores_current_result(isolated_cwd):
    """A real classify of a mistyped path, forgotten, then the file appears."""
    env = docflow_env(isolated_cwd)
    typo = isolated_cwd / "late.txt"
    first = run_console_script(
        isolated_cwd, "--db", "t.duckdb", "classify", "late.txt", env=env
    )
    assert first.returncode == 1, first.stderr
    forget = run_console_script(
        isolated_cwd, "--db", "t.duckdb", "forget", "--missing", env=env
    )
    assert forget.returncode == 0, forget.stderr
    assert b"forgot 1 result of files that no longer exist" in forget.stderr
    assert stored_paths() == []
    typo.write_text("Dear Sir, this letter confirms our meeting.", encoding="utf-8")
    second = run_console_script(
        isolated_cwd, "--db", "t.duckdb", "classify", "late.txt", env=env
    )
    assert second.returncode == 0, second.stderr
    rows = [
        json.loads(line)
        for line in invoke("results", "-f", "jsonl").stdout.splitlines()
    ]
    assert [row["status"] for row in rows] == ["ok"]
    assert count_rows(isolated_cwd / "t.duckdb") == 2


def test_forget_without_default_database(isolated_cwd):
    outcome = CliRunner().invoke(app, ["forget", "--missing"])
    assert outcome.exit_code == 0, outcome.stderr
    assert "no database at" in outcome.stderr
    assert "forgot 0 results" in outcome.stderr
    assert not (isolated_cwd / ".docflow" / "docflow.duckdb").exists()


def test_forget_unmatched_long_path_cut(files):
    long_path = "x" * 400 + ".pdf"
    outcome = invoke("forget", long_path)
    assert outcome.exit_code == 4
    assert "(404 characters)" in outcome.stderr
    assert long_path not in outcome.stderr


@pytest.mark.parametrize("command", [("report",), ("label", "invoice")])
def test_forgotten_file_named_by_path_exits_4(files, command):
    forgotten = json.loads(invoke("forget", "kept/a.txt", "-f", "jsonl").stdout)
    outcome = invoke(command[0], "kept/a.txt", *command[1:])
    assert outcome.exit_code == 4, outcome.stderr
    assert "'kept/a.txt' (document" in outcome.stderr
    assert "was forgotten with docflow forget at" in outcome.stderr
    assert f"docflow --db t.duckdb report {forgotten['id']}" in outcome.stderr
    assert "has no stored result yet" not in outcome.stderr


def test_forgotten_dash_name_suggests_dot_slash(isolated_cwd):
    dashed = isolated_cwd / "-dash.md"
    dashed.write_text("some text", encoding="utf-8")
    with ResultWriter(Store(isolated_cwd / "t.duckdb"), fingerprint="fp") as writer:
        writer.add(make_result(dashed))
    assert invoke("forget", "--", "-dash.md").exit_code == 0
    outcome = invoke("report", "--", "-dash.md")
    assert outcome.exit_code == 4, outcome.stderr
    assert "docflow --db t.duckdb process ./-dash.md" in outcome.stderr


def test_unstored_dash_name_suggests_dot_slash(isolated_cwd):
    (isolated_cwd / "-new.md").write_text("some text", encoding="utf-8")
    with ResultWriter(Store(isolated_cwd / "t.duckdb"), fingerprint="fp") as writer:
        writer.add(make_result(isolated_cwd / "other.md"))
    outcome = invoke("report", "--", "-new.md")
    assert outcome.exit_code == 4, outcome.stderr
    assert "docflow --db t.duckdb process ./-new.md" in outcome.stderr


def test_earlier_result_of_forgotten_file_reports(files, isolated_cwd):
    """report of a replaced row still works after the file's newest row is forgotten."""
    with ResultWriter(Store(isolated_cwd / "t.duckdb"), fingerprint="fp") as writer:
        writer.add(make_result(files["kept"]))
    earliest = min(
        stored.id
        for stored in Store(isolated_cwd / "t.duckdb").results_by_id(range(1, 10))
        if stored.result.path == str(files["kept"])
    )
    assert invoke("forget", "kept/a.txt").exit_code == 0
    outcome = invoke("report", str(earliest), "-f", "json")
    assert outcome.exit_code == 0, outcome.stderr
    assert f"document {earliest} is an earlier result" in outcome.stderr


def run_to_full_disk(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run docflow with stdout on /dev/full, where every write fails with ENOSPC."""
    with open("/dev/full", "w") as full:
        return run_console_script(
            cwd, "--db", "t.duckdb", *args, env=docflow_env(cwd), stdout=full
        )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_forget_output_failure_says_stored(files, isolated_cwd):
    outcome = run_to_full_disk(isolated_cwd, "forget", "tpyo.txt", "-f", "jsonl")
    message = outcome.stderr.decode()
    assert outcome.returncode == 74, message
    assert "but the change is stored: forgot 1 result (document" in message
    assert "docflow results lists the current ones" in message
    assert "run the same command again" not in message
    assert str(files["typo"]) not in stored_paths()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_label_output_failure_says_stored(files, isolated_cwd):
    outcome = run_to_full_disk(isolated_cwd, "label", "kept/a.txt", "invoice")
    message = outcome.stderr.decode()
    assert outcome.returncode == 74, message
    assert "was labeled invoice; docflow report" in message
    assert "run the same command again" not in message


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_dry_run_output_failure_says_run_again(files, isolated_cwd):
    outcome = run_to_full_disk(isolated_cwd, "forget", "--dry-run", "tpyo.txt")
    message = outcome.stderr.decode()
    assert outcome.returncode == 74, message
    assert "run the same command again" in message


@pytest.fixture
def byte_and_escape_names(isolated_cwd: Path) -> dict[str, str]:
    """Stored results of bs/a<byte 0xFF>b.txt and of bs/a\\xffb.txt, by real name.

    Results print the first as bs/a\\xffb.txt, the real name of the second.
    """
    folder = isolated_cwd / "bs"
    folder.mkdir()
    names = {"byte": os.fsdecode(b"a\xffb.txt"), "escape": "a\\xffb.txt"}
    with ResultWriter(Store(isolated_cwd / "t.duckdb"), fingerprint="fp") as writer:
        for key, name in names.items():
            (folder / name).write_text("some text", encoding="utf-8")
            result = make_result(folder / name)
            writer.add(result.model_copy(update={"content_hash": f"hash-{key}"}))
    return {key: f"bs/{name}" for key, name in names.items()}


@pytest.mark.parametrize(
    ("given", "forgotten_name"),
    [
        # The real name wins over the text that results print for the other.
        ("bs/a\\xffb.txt", "a\\\\xffb.txt"),
        (os.fsdecode(b"bs/a\xffb.txt"), "a\\xffb.txt"),
        ("bs/a\\\\xffb.txt", "a\\\\xffb.txt"),
    ],
)
def test_forget_keeps_escape_text_name_apart(
    byte_and_escape_names, given, forgotten_name
):
    outcome = invoke("forget", "--dry-run", "-f", "jsonl", given)
    assert outcome.exit_code == 0, outcome.stderr
    forgotten = [json.loads(line)["path"] for line in outcome.stdout.splitlines()]
    assert [Path(path).name for path in forgotten] == [forgotten_name]
    assert "would forget 1 result (" in outcome.stderr


def test_forget_escape_name_again_keeps_other(byte_and_escape_names):
    """A forgotten real name does not fall back to the other file's printed name."""
    assert invoke("forget", byte_and_escape_names["escape"]).exit_code == 0
    outcome = invoke("forget", byte_and_escape_names["escape"])
    assert outcome.exit_code == 4
    assert "was already forgotten at" in outcome.stderr
    [kept] = stored_paths()
    assert Path(kept).name == "a\\xffb.txt"


def test_forget_printed_name_of_undecodable_file(isolated_cwd):
    path = isolated_cwd / os.fsdecode(b"a\xffb.txt")
    path.write_text("some text", encoding="utf-8")
    with ResultWriter(Store(isolated_cwd / "t.duckdb"), fingerprint="fp") as writer:
        writer.add(make_result(path).model_copy(update={"content_hash": "hash"}))
    outcome = invoke("forget", "a\\xffb.txt")
    assert outcome.exit_code == 0, outcome.stderr
    assert "forgot 1 result\n" in outcome.stderr
    assert stored_paths() == []
