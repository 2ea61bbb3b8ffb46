"""Output on a stdout that cannot encode every character, and output that
cannot be written at all.

docflow runs as the real console script in a subprocess, with
``PYTHONIOENCODING=ascii`` and a file whose name
is not ASCII.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import docflow_env  # noqa: E402
from processes import run_console_script as docflow  # noqa: E402

NAME = "rechnung-müller.txt"
ESCAPED = "rechnung-m\\xfcller.txt"
REPLAYED = b"so its output was printed again"
#: An invoice long enough for its key facts, which name a company with a
#: character beyond ASCII.
INVOICE = """INVOICE

Invoice number: INV-2041
Invoice date: 2026-03-14

Bill to:
Müller GmbH
Hauptstraße 5, 10115 Berlin

Description                 Qty   Unit price   Amount
Consulting services          10     100.00     1,000.00

Subtotal: 1,000.00 EUR
Total due: 1,190.00 EUR
Payment terms: net 30 days.
"""


@pytest.fixture
def ascii_env(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / NAME).write_text(
        "INVOICE No. 2041\nBill to: Müller GmbH\nTotal due: 1,250.00 EUR\n",
        encoding="utf-8",
    )
    (folder / "plain.txt").write_text("Meeting notes\nAgenda: budget\n")
    return docflow_env(tmp_path, PYTHONIOENCODING="ascii")


@pytest.mark.parametrize("output_format", ["jsonl", "json", "csv", "table"])
def test_ascii_stdout_prints_every_result(
    tmp_path: Path, ascii_env: dict[str, str], output_format: str
) -> None:
    run = docflow(tmp_path, "classify", "-f", output_format, "docs", env=ascii_env)
    assert b"Traceback" not in run.stderr
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    text = run.stdout.decode("ascii")  # nothing beyond ASCII reaches stdout
    if output_format == "jsonl":
        paths = [json.loads(line)["path"] for line in text.splitlines()]
    elif output_format == "json":
        paths = [record["path"] for record in json.loads(text)]
    else:
        assert ESCAPED in text
        assert "plain.txt" in text
        if output_format == "table":
            borders = [line for line in text.splitlines() if line[:1] in "+|"]
            assert len({len(line) for line in borders}) == 1, text
        return
    # JSON escapes the name as \u00fc, so a reader gets the real name back.
    assert sorted(Path(path).name for path in paths) == sorted([NAME, "plain.txt"])


def test_ascii_stdout_replay_matches_full_run(
    tmp_path: Path, ascii_env: dict[str, str]
) -> None:
    for output_format in ("jsonl", "table"):
        docflow(tmp_path, "classify", "-f", output_format, "docs", env=ascii_env)
        replay = docflow(
            tmp_path, "classify", "-f", output_format, "docs", env=ascii_env
        )
        assert REPLAYED in replay.stderr
        full = docflow(
            tmp_path,
            "classify",
            "-f",
            output_format,
            "docs",
            env={**ascii_env, "DOCFLOW_STORE_REPLAY": "false"},
        )
        assert REPLAYED not in full.stderr
        assert replay.returncode == full.returncode == 0
        assert replay.stdout == full.stdout


@pytest.mark.parametrize("output_format", ["jsonl", "json", "table"])
def test_unwritable_output_keeps_results(
    tmp_path: Path, ascii_env: dict[str, str], output_format: str
) -> None:
    with open("/dev/full", "w") as full_device:
        run = docflow(
            tmp_path,
            "classify",
            "-f",
            output_format,
            "docs",
            env=ascii_env,
            stdout=full_device,
        )
    assert run.returncode == 74
    assert b"cannot write the output: No space left on device" in run.stderr
    # The error reaches the exit code instead of only a log line per result.
    assert b"callback failed" not in run.stderr
    assert b"Traceback" not in run.stderr
    again = docflow(
        tmp_path,
        "classify",
        "-f",
        "jsonl",
        "docs",
        env={**ascii_env, "DOCFLOW_STORE_REPLAY": "false"},
    )
    assert again.returncode == 0
    records = [json.loads(line) for line in again.stdout.splitlines()]
    assert len(records) == 2
    if output_format != "jsonl":
        # The table and the array are written only at the end, after every
        # document finished, so both results were stored.
        assert all(record["cached"] for record in records)


def test_unwritable_query_output_promises_nothing(
    tmp_path: Path, ascii_env: dict[str, str]
) -> None:
    docflow(tmp_path, "classify", "docs", env=ascii_env)
    with open("/dev/full", "w") as full_device:
        run = docflow(tmp_path, "stats", env=ascii_env, stdout=full_device)
    assert run.returncode == 74
    assert b"cannot write the output" in run.stderr
    # stats stores nothing, so there are no finished results to keep.
    assert b"results are kept" not in run.stderr


def test_interpreter_flags_end_replay(
    tmp_path: Path, ascii_env: dict[str, str]
) -> None:
    env = {k: v for k, v in ascii_env.items() if k != "PYTHONIOENCODING"}
    env.update(LC_ALL="C", LANG="C", PYTHONUTF8="0")
    # An ASCII name, so only the content differs between the two encodings.
    (tmp_path / "ascii").mkdir()
    (tmp_path / "ascii" / "invoice.txt").write_text(INVOICE, encoding="utf-8")
    # -X utf8 makes stdout and file names UTF-8 with no variable changed.
    for folder in ("ascii", "docs"):
        utf8 = docflow(tmp_path, "classify", folder, env=env, flags=("-X", "utf8"))
        assert utf8.returncode == 0, utf8.stderr.decode(errors="replace")
        assert "müller".encode() in utf8.stdout.lower()
        # The servers and workers run in UTF-8 mode too, so they open the file.
        for line in utf8.stdout.splitlines():
            assert json.loads(line)["status"] == "ok"
        plain = docflow(tmp_path, "classify", folder, env=env)
        assert REPLAYED not in plain.stderr
        for line in plain.stdout.decode("ascii").splitlines():
            json.loads(line)


def test_table_escapes_control_characters(
    tmp_path: Path, ascii_env: dict[str, str]
) -> None:
    (tmp_path / "docs" / "new\nline.txt").write_text("Minutes\nAgenda: budget\n")
    (tmp_path / "docs" / "tab\tname.txt").write_text("Notes\nAgenda: roads\n")
    env = {k: v for k, v in ascii_env.items() if k != "PYTHONIOENCODING"}
    run = docflow(tmp_path, "classify", "-f", "table", "docs", env=env)
    assert run.returncode == 0
    text = run.stdout.decode()
    assert "docs/new\\nline.txt" in text
    assert "docs/tab\\tname.txt" in text
    rows = [line for line in text.splitlines() if line.startswith("│")]
    # One row per document: no name is split over two lines.
    assert len(rows) == 4


def test_table_escapes_c1_and_bidi_controls(
    tmp_path: Path, ascii_env: dict[str, str]
) -> None:
    # U+009B starts a terminal sequence as ESC [ does; U+202E reverses text.
    (tmp_path / "docs" / "c1\u009bx.txt").write_text("Notes\nAgenda: roads\n")
    (tmp_path / "docs" / "rtl\u202ecod.txt").write_text("Notes\nAgenda: parks\n")
    env = {k: v for k, v in ascii_env.items() if k != "PYTHONIOENCODING"}
    run = docflow(tmp_path, "classify", "-f", "table", "docs", env=env)
    assert run.returncode == 0, run.stderr.decode()
    text = run.stdout.decode()
    assert "docs/c1\\u009bx.txt" in text
    assert "docs/rtl\\u202ecod.txt" in text
    assert "\u009b" not in text
    assert "\u202e" not in text


def test_table_tells_tab_from_backslash_t(
    tmp_path: Path, ascii_env: dict[str, str]
) -> None:
    (tmp_path / "docs" / "tab\tname.txt").write_text("Notes\nAgenda: roads\n")
    (tmp_path / "docs" / "tab\\tname.txt").write_text("Notes\nAgenda: parks\n")
    (tmp_path / "docs" / "back\\slash.txt").write_text("Notes\nAgenda: bikes\n")
    env = {k: v for k, v in ascii_env.items() if k != "PYTHONIOENCODING"}
    run = docflow(tmp_path, "classify", "-f", "table", "docs", env=env)
    assert run.returncode == 0, run.stderr.decode()
    rows = [line for line in run.stdout.decode().splitlines() if line.startswith("│")]
    paths = {row.split("│")[1].strip() for row in rows}
    assert "docs/tab\\tname.txt" in paths  # the tab
    assert "docs/tab\\\\tname.txt" in paths  # the backslash and the t
    # Names without a control character or an escape's text print as they are.
    assert "docs/back\\slash.txt" in paths
    assert "docs/plain.txt" in paths
    assert f"docs/{NAME}" in paths
    assert len(rows) == 5
    stored = docflow(tmp_path, "results", "-f", "jsonl", env=env)
    assert stored.returncode == 0, stored.stderr.decode()
    names = {
        json.loads(line)["path"].rsplit("/", 1)[1]
        for line in stored.stdout.splitlines()
    }
    assert names == {
        "tab\tname.txt",
        "tab\\tname.txt",
        "back\\slash.txt",
        "plain.txt",
        NAME,
    }


def test_run_messages_escape_control_characters(
    tmp_path: Path, ascii_env: dict[str, str]
) -> None:
    # A broken link needs no content, so its name alone reaches the messages.
    (tmp_path / "docs" / "evil\x1b[31mRED\nline2.txt").symlink_to("nowhere.txt")
    env = {k: v for k, v in ascii_env.items() if k != "PYTHONIOENCODING"}
    env["COLUMNS"] = "300"  # so that rich does not fold the error line
    database = "db\x1b[2J.duckdb"
    run = docflow(
        tmp_path, "--db", database, "classify", "-f", "table", "docs", env=env
    )
    assert run.returncode == 1, run.stderr.decode()
    stdout, stderr = run.stdout.decode(), run.stderr.decode()
    assert "\x1b" not in stdout
    assert "\x1b" not in stderr
    assert not any(line.startswith("line2") for line in stdout.splitlines())
    [error] = [line for line in stdout.splitlines() if line[:1] not in "┏┃┡│└"]
    assert "docs/evil\\x1b[31mRED\\nline2.txt: symbolic link points" in error
    assert "run 1 stored in db\\x1b[2J.duckdb" in stderr


def test_verbose_server_log_escapes_control_characters(
    tmp_path: Path, ascii_env: dict[str, str]
) -> None:
    # With -vv the logs of the servers and the document workers reach stderr.
    # The pool logs the timeout, and a worker the quality of each document.
    (tmp_path / "docs" / "evil\x1b[31mstuck.txt").write_text(INVOICE)
    (tmp_path / "docs" / "bad\x1b[32mfine.txt").write_text(INVOICE)
    env = {k: v for k, v in ascii_env.items() if k != "PYTHONIOENCODING"}
    env["DOCFLOW_FAULT"] = "hang:stuck"
    run = docflow(
        tmp_path,
        *("--db", "db.duckdb", "-vv", "analyze", "--timeout", "2", "-f", "jsonl"),
        "docs",
        env=env,
    )
    assert run.returncode == 1, run.stderr.decode()
    stderr = run.stderr.decode()
    assert "\x1b" not in stderr
    assert "evil\\x1b[31mstuck.txt: processing timed out after 2 s" in stderr
    assert "bad\\x1b[32mfine.txt: overall" in stderr


def test_c_locale_reads_utf8_names(tmp_path: Path, ascii_env: dict[str, str]) -> None:
    env = {k: v for k, v in ascii_env.items() if k != "PYTHONIOENCODING"}
    # Python then decodes file names as ASCII, unless docflow starts again
    # in UTF-8 mode.
    env.update(LC_ALL="C", LANG="C", PYTHONUTF8="0")
    run = docflow(tmp_path, "classify", "-f", "jsonl", "docs", env=env)
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    records = [json.loads(line) for line in run.stdout.decode("ascii").splitlines()]
    assert sorted(Path(record["path"]).name for record in records) == sorted(
        [NAME, "plain.txt"]
    )
    assert [record["status"] for record in records] == ["ok", "ok"]


#: Names that a naive escape for an ASCII stdout prints alike, mapped to the
#: text docflow prints for each. The pairs are U+202E and the six characters
#: \u202e, and y with diaeresis (U+00FF) and the undecodable byte 0xff.
LOOKALIKE_NAMES = {
    "rtl\u202ecod.txt": "rtl\\u202ecod.txt",
    "rtl\\u202ecod.txt": "rtl\\\\u202ecod.txt",
    "c\u00ffd.txt": "c\\xffd.txt",
    os.fsdecode(b"c\xffd.txt"): "c\\\\xffd.txt",
}


@pytest.fixture
def lookalike_env(tmp_path: Path, ascii_env: dict[str, str]) -> dict[str, str]:
    for name in LOOKALIKE_NAMES:
        (tmp_path / "docs" / name).write_text("Notes\nAgenda: roads\n")
    return ascii_env


@pytest.mark.parametrize("output_format", ["table", "csv"])
def test_ascii_stdout_tells_lookalike_names_apart(
    tmp_path: Path, lookalike_env: dict[str, str], output_format: str
) -> None:
    run = docflow(tmp_path, "classify", "-f", output_format, "docs", env=lookalike_env)
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    text = run.stdout.decode("ascii")
    if output_format == "table":
        rows = [line for line in text.splitlines() if line.startswith("| docs/")]
        paths = [row.split("|")[1].strip() for row in rows]
    else:
        paths = [row["path"] for row in csv.DictReader(io.StringIO(text))]
    names = sorted(path.rsplit("/", 1)[1] for path in paths)
    expected = [*LOOKALIKE_NAMES.values(), ESCAPED, "plain.txt"]
    assert names == sorted(expected)


def test_ascii_stdout_report_tells_lookalike_names_apart(
    tmp_path: Path, lookalike_env: dict[str, str]
) -> None:
    run = docflow(tmp_path, "classify", "docs", env=lookalike_env)
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    stored = docflow(tmp_path, "results", "-f", "jsonl", env=lookalike_env)
    ids = [json.loads(line)["id"] for line in stored.stdout.splitlines()]
    headers = []
    wide = {**lookalike_env, "COLUMNS": "300"}  # so that rich keeps each path whole
    for document_id in ids:
        report = docflow(tmp_path, "report", str(document_id), "-f", "table", env=wide)
        assert report.returncode == 0, report.stderr.decode(errors="replace")
        headers.append(report.stdout.decode("ascii").splitlines()[0])
    names = sorted(header.split("  (id")[0].rsplit("/", 1)[1] for header in headers)
    assert names == sorted([*LOOKALIKE_NAMES.values(), ESCAPED, "plain.txt"])


def test_ascii_stdout_json_keeps_lookalike_names(
    tmp_path: Path, lookalike_env: dict[str, str]
) -> None:
    run = docflow(tmp_path, "classify", "-f", "jsonl", "docs", env=lookalike_env)
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    paths = [
        json.loads(line)["path"] for line in run.stdout.decode("ascii").splitlines()
    ]
    names = sorted(path.rsplit("/", 1)[1] for path in paths)
    # JSON escapes give the real names back, and an undecodable byte reads
    # \xff, as docflow stores it.
    expected = [*LOOKALIKE_NAMES, NAME, "plain.txt"]
    expected[expected.index(os.fsdecode(b"c\xffd.txt"))] = "c\\xffd.txt"
    assert names == sorted(expected)
