"""Tests of the folder walk: every file found in a folder ends as a row.

Special files (FIFOs, sockets, links to devices) and broken links inside a
walked folder get the same ``unreadable`` row as when they are named on the
command line. A link to a folder inside a walked folder is not followed: it
gets an ``unreadable`` row, or a note on stderr and no row when it points back
into a walked folder. These tests run the real CLI in a child process against real
special files made under ``tmp_path``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from docflow.core.quoting import cut_value, quote_value

# A walk that opened the FIFO for reading would block forever, so the child
# gets a bound instead of hanging the test run.
RUN_TIMEOUT_SECONDS = 180


def docflow_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
    env["DOCFLOW_WORKERS_COUNT"] = "1"
    env["DOCFLOW_CONFIG"] = os.devnull
    # A database named by DOCFLOW_DB needs its folder to exist.
    (tmp_path / "db").mkdir(exist_ok=True)
    env["DOCFLOW_DB"] = str(tmp_path / "db" / "docflow.duckdb")
    env["DOCFLOW_STORE_CACHE_DIR"] = str(tmp_path / "cache")
    return env


def run_walk(tmp_path: Path, *paths: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from docflow.cli.main import run; run()",
            "process",
            "-f",
            "jsonl",
            *paths,
        ],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=docflow_env(tmp_path),
        timeout=RUN_TIMEOUT_SECONDS,
    )


def run_process(tmp_path: Path, *paths: str) -> list[dict]:
    completed = run_walk(tmp_path, *paths)
    assert completed.returncode == 1, completed.stderr.decode()
    return [json.loads(line) for line in completed.stdout.splitlines()]


def rows_by_name(rows: list[dict]) -> dict[str, list[dict]]:
    by_name: dict[str, list[dict]] = {}
    for row in rows:
        by_name.setdefault(Path(row["path"]).name, []).append(row)
    return by_name


@pytest.fixture
def special(tmp_path: Path) -> Iterator[Path]:
    """Create a folder of special files and broken links; yield the folder."""
    folder = tmp_path / "special"
    folder.mkdir()
    os.mkfifo(folder / "pipe.pdf")
    (folder / "zero.pdf").symlink_to("/dev/zero")
    (folder / "loop.pdf").symlink_to(folder / "loop.pdf")
    (folder / "dangling.pdf").symlink_to(folder / "nowhere.pdf")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(folder / "sock.pdf"))
        yield folder


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("pipe.pdf", "named pipe (FIFO)"),
        ("sock.pdf", "is a socket"),
        ("zero.pdf", "is a device file"),
        ("loop.pdf", "symbolic link loop"),
        ("dangling.pdf", "points to a missing file"),
    ],
)
def test_walk_rejects_special_file(tmp_path, special, name, reason):
    rows = rows_by_name(run_process(tmp_path, "special")).get(name, [])
    assert len(rows) == 1, f"{name}: expected one row, got {rows}"
    [row] = rows
    assert row["path"] == str(special / name)
    assert row["status"] == "unreadable"
    assert str(special / name) in row["error"]
    assert reason in row["error"]


def test_walk_error_matches_explicit_path(tmp_path, special):
    walked = rows_by_name(run_process(tmp_path, "special"))
    named = [str(special / name) for name in ("pipe.pdf", "sock.pdf")]
    explicit = rows_by_name(run_process(tmp_path, *named))
    for name in ("pipe.pdf", "sock.pdf"):
        assert name in walked, f"the walk left out {name}"
        assert walked[name][0]["error"] == explicit[name][0]["error"], name


def test_walk_names_broken_link_target(tmp_path, special):
    [row] = rows_by_name(run_process(tmp_path, "special"))["dangling.pdf"]
    target = str(special / "nowhere.pdf")
    assert row["error"].endswith(f"symbolic link points to a missing file: {target!r}")


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """Create a folder with a link to another folder, one back to itself, one
    to its own subfolder and one to a hidden subfolder, which no walk reads."""
    folder = tmp_path / "linked"
    other = tmp_path / "other"
    folder.mkdir()
    other.mkdir()
    (other / "note.txt").write_text("Meeting notes for the budget review.\n")
    (folder / "outside").symlink_to(other, target_is_directory=True)
    (folder / "back").symlink_to(folder, target_is_directory=True)
    (folder / ".hidden").mkdir()
    (folder / "to-hidden").symlink_to(folder / ".hidden", target_is_directory=True)
    (folder / "sub").mkdir()
    (folder / "to-sub").symlink_to(folder / "sub", target_is_directory=True)
    return folder


def _folder_link_row(tmp_path: Path, linked: Path, name: str) -> dict:
    by_name = rows_by_name(run_process(tmp_path, "linked"))
    rows = by_name.get(name, [])
    assert len(rows) == 1, f"{name}: expected one row, got {by_name}"
    [row] = rows
    assert row["path"] == str(linked / name)
    assert row["status"] == "unreadable"
    return row


@pytest.mark.parametrize(
    ("name", "target"), [("outside", "other"), ("to-hidden", "linked/.hidden")]
)
def test_walk_rejects_folder_link(tmp_path, linked, name, target):
    row = _folder_link_row(tmp_path, linked, name)
    assert "symbolic link to a folder" in row["error"]
    assert "give the folder itself" in row["error"]
    assert repr(str(tmp_path / target)) in row["error"]


@pytest.mark.parametrize("name", ["back", "to-sub"])
def test_walk_skips_link_into_walked_folder(tmp_path, linked, name):
    completed = run_walk(tmp_path, "linked")
    rows = [json.loads(line) for line in completed.stdout.splitlines()]
    assert str(linked / name) not in [row["path"] for row in rows]
    assert repr(str(linked / name)).encode() in completed.stderr
    assert b"to a folder this run reads or into one" in completed.stderr


@pytest.fixture
def looped(tmp_path: Path) -> Path:
    """Create ``wk/sub/m.txt`` and ``wk/sub/loop``, a link to ``wk``."""
    folder = tmp_path / "wk"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "m.txt").write_text("Meeting notes for the budget review.\n")
    (folder / "sub" / "loop").symlink_to("..", target_is_directory=True)
    return folder


def test_walk_loop_gets_no_row(tmp_path, looped):
    completed = run_walk(tmp_path, "wk")
    rows = [json.loads(line) for line in completed.stdout.splitlines()]
    assert completed.returncode == 0, completed.stderr.decode()
    assert [row["path"] for row in rows] == [str(looped / "sub" / "m.txt")]
    assert (
        f"docflow: skipped the symbolic link {str(looped / 'sub' / 'loop')!r}"
    ).encode() in completed.stderr


def test_given_loop_gets_row(tmp_path, looped):
    completed = run_walk(tmp_path, "wk", "wk/sub/loop")
    by_name = rows_by_name([json.loads(line) for line in completed.stdout.splitlines()])
    assert completed.returncode == 1, completed.stderr.decode()
    [row] = by_name["loop"]
    assert row["status"] == "unreadable"
    assert row["error"] == (
        f"{looped / 'sub' / 'loop'}: is a symbolic link to {str(looped)!r}, a "
        "folder this run reads, so its files have rows under their own paths; "
        "give the folder's path instead of the link's"
    )
    assert [row["status"] for row in by_name["m.txt"]] == ["ok"]


def test_walk_does_not_follow_folder_link(tmp_path, linked):
    rows = run_process(tmp_path, "linked")
    paths = sorted(row["path"] for row in rows)
    assert paths == [str(linked / name) for name in ("outside", "to-hidden")]


def test_walk_gives_unlistable_folder_a_row(tmp_path):
    """A folder nested past PATH_MAX cannot be listed; it gets a row."""
    top = tmp_path / "deep"
    top.mkdir()
    (top / "letter.txt").write_text("Dear Sir,\n\nYour order has shipped.\n")
    descriptor = os.open(top, os.O_RDONLY)
    try:
        # mkdir relative to a descriptor, since the full path is too long.
        for _ in range(os.pathconf(top, "PC_PATH_MAX") // 200 + 2):
            os.mkdir("d" * 200, dir_fd=descriptor)
            inner = os.open("d" * 200, os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
    finally:
        os.close(descriptor)
    rows = run_process(tmp_path, "deep")
    assert [Path(row["path"]).name for row in rows if row["status"] == "ok"] == [
        "letter.txt"
    ]
    [unlisted] = [row for row in rows if row["status"] != "ok"]
    assert unlisted["status"] == "unreadable"
    assert "cannot list this folder" in unlisted["error"]
    assert unlisted["path"].startswith(str(top))
    # The path is longer than PATH_MAX, so the message names it cut.
    assert unlisted["error"].startswith(
        f"{cut_value(unlisted['path'])}: cannot list this folder"
    )
    assert unlisted["path"] not in unlisted["error"]


def test_walk_messages_cut_long_paths(tmp_path):
    folder = tmp_path / "long" / ("d" * 200) / ("e" * 200)
    missing = folder / "nowhere.pdf"
    folder.mkdir(parents=True)
    (folder / "outside").symlink_to(tmp_path, target_is_directory=True)
    (folder / "dangling.pdf").symlink_to(missing)
    by_name = rows_by_name(run_process(tmp_path, "long"))
    [outside] = by_name["outside"]
    [dangling] = by_name["dangling.pdf"]
    assert outside["error"] == (
        f"{cut_value(str(folder / 'outside'))}: is a symbolic link to a folder, "
        "which docflow does not follow inside a walked folder, so give the "
        f"folder itself ({quote_value(str(tmp_path))}) to process it"
    )
    assert dangling["error"] == (
        f"{cut_value(str(folder / 'dangling.pdf'))}: symbolic link points to a "
        f"missing file: {quote_value(str(missing))}"
    )


def run_from_find(tmp_path: Path, folder: str) -> list[dict]:
    """Run ``find FOLDER -print0 | docflow process -`` in ``tmp_path``."""
    listing = subprocess.run(
        ["find", folder, "-print0"], cwd=tmp_path, capture_output=True, check=True
    ).stdout
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from docflow.cli.main import run; run()",
            "process",
            "-f",
            "jsonl",
            "-",
        ],
        cwd=tmp_path,
        input=listing,
        capture_output=True,
        env=docflow_env(tmp_path),
        timeout=RUN_TIMEOUT_SECONDS,
    )
    assert completed.returncode in (0, 1), completed.stderr.decode()
    return [json.loads(line) for line in completed.stdout.splitlines()]


def test_stdin_folder_link_no_duplicates(tmp_path):
    """find lists the link to the folder, so the run walks it as a folder."""
    folder = tmp_path / "odd"
    folder.mkdir()
    for number in (1, 2):
        (folder / f"note{number}.txt").write_text(f"Meeting notes {number}.\n")
    (folder / "dot").symlink_to(folder, target_is_directory=True)

    rows = run_from_find(tmp_path, "odd")

    paths = [row["path"] for row in rows]
    assert sorted(paths) == [
        str(folder / name) for name in ("dot", "note1.txt", "note2.txt")
    ]
    [link] = [row for row in rows if row["path"] == str(folder / "dot")]
    assert link["status"] == "unreadable"
    assert "is a symbolic link to" in link["error"]
    assert "a folder this run reads" in link["error"]


def test_file_link_kept_once(tmp_path):
    folder = tmp_path / "linked-file"
    folder.mkdir()
    (folder / "b-original.txt").write_text("Meeting notes for the budget review.\n")
    (folder / "a-link.txt").symlink_to(folder / "b-original.txt")

    rows = run_from_find(tmp_path, "linked-file")

    # The walk lists the link first, but the file it points to is kept.
    assert [row["path"] for row in rows] == [str(folder / "b-original.txt")]
    assert rows[0]["status"] == "ok"


def test_walk_keeps_link_target(tmp_path):
    folder = tmp_path / "lk"
    folder.mkdir()
    (folder / "m.txt").write_text("Meeting notes for the budget review.\n")
    (folder / "link.txt").symlink_to("m.txt")

    completed = run_walk(tmp_path, "lk")

    rows = [json.loads(line) for line in completed.stdout.splitlines()]
    assert completed.returncode == 0, completed.stderr.decode()
    assert [row["path"] for row in rows] == [str(folder / "m.txt")]
    assert (
        "docflow: skipped a path that names a file processed under another "
        f"path: {str(folder / 'link.txt')!r} (kept {str(folder / 'm.txt')!r})"
    ).encode() in completed.stderr


def test_given_link_kept_over_target(tmp_path):
    folder = tmp_path / "lk"
    folder.mkdir()
    (folder / "m.txt").write_text("Meeting notes for the budget review.\n")
    (folder / "link.txt").symlink_to("m.txt")

    completed = run_walk(tmp_path, "lk/link.txt", "lk")

    rows = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [row["path"] for row in rows] == [str(folder / "link.txt")]
    assert f"{str(folder / 'm.txt')!r} (kept".encode() in completed.stderr


def test_hard_link_kept_once(tmp_path):
    folder = tmp_path / "hard-linked"
    folder.mkdir()
    original = folder / "original.txt"
    original.write_text("Meeting notes for the budget review.\n")
    os.link(original, folder / "hard-link.txt")
    listing = f"{folder / 'hard-link.txt'}\n{folder}\n{original}\n"

    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from docflow.cli.main import run; run()",
            "process",
            "-f",
            "jsonl",
            "-",
        ],
        cwd=tmp_path,
        input=listing.encode(),
        capture_output=True,
        env=docflow_env(tmp_path),
        timeout=RUN_TIMEOUT_SECONDS,
    )

    assert completed.returncode == 0, completed.stderr.decode()
    rows = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [row["path"] for row in rows] == [str(folder / "hard-link.txt")]
    assert rows[0]["status"] == "ok"
