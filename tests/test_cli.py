"""End-to-end tests of the docflow command, run as a real subprocess into a pipe."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from rich.cells import cell_len

from docflow.cli._output import RecordPrinter

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import docflow_env, read_terminal  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

LETTER = """Dear Ms Jansen,

Thank you for your letter of 3 March about the delivery of the office chairs.
We have arranged for the missing items to be shipped next week, and we will
call you to agree on a time that suits you.

Kind regards,
Peter de Vries
Customer Service
"""

MEMO = """MEMO

TO: All staff
FROM: Facilities
SUBJECT: Parking garage closed on Friday

The parking garage will be closed on Friday for cleaning. Please use the
public garage on Station Road instead; the company pays the parking fee.
"""


def run_docflow(
    tmp_path: Path,
    *args: str,
    stdin: str | bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 180,
) -> subprocess.CompletedProcess[bytes]:
    if isinstance(stdin, str):
        stdin = stdin.encode()
    return subprocess.run(
        [sys.executable, "-c", "from docflow.cli.main import run; run()", *args],
        cwd=tmp_path,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=env or docflow_env(tmp_path),
        timeout=timeout,
    )


def json_lines(output: bytes) -> list[dict]:
    return [json.loads(line) for line in output.decode().splitlines()]


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "letter.txt").write_text(LETTER)
    (folder / "sub" / "memo.md").write_text(MEMO)
    (folder / ".hidden.txt").write_text(LETTER)
    (folder / ".docflow").mkdir()
    (folder / ".docflow" / "skip.txt").write_text(MEMO)
    contract = CORPUS / "labeled" / "contract" / "ghpol__github-event-terms.md"
    if contract.is_file():
        shutil.copy(contract, folder / "terms.md")
    return folder


def test_help_imports_nothing_heavy():
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import docflow.cli.main"],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {line.split("|")[-1].strip() for line in completed.stderr.splitlines()}
    for heavy in (
        "duckdb",
        "sklearn",
        "mcp",
        "pdfplumber",
        "pypdfium2",
        "PIL",
        "pyarrow",
        "pytesseract",
    ):
        assert heavy not in imported, f"{heavy} imported by docflow --help"


def test_version(tmp_path):
    completed = run_docflow(tmp_path, "--version")
    assert completed.returncode == 0
    assert completed.stdout.decode().startswith("docflow ")


def test_python_m_docflow(tmp_path):
    """``python -m docflow`` runs the same command as the console script."""
    completed = subprocess.run(
        [sys.executable, "-m", "docflow", "--version"],
        cwd=tmp_path,
        capture_output=True,
        env=docflow_env(tmp_path),
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    assert completed.stdout.decode().startswith("docflow ")


def test_analyze_pipe_gives_one_line_per_file(tmp_path, docs):
    completed = run_docflow(tmp_path, "analyze", "docs")
    assert completed.returncode == 0, completed.stderr.decode()
    records = json_lines(completed.stdout)
    paths = sorted(Path(r["path"]).relative_to(docs).as_posix() for r in records)
    expected = sorted(
        p.relative_to(docs).as_posix()
        for p in docs.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.parts[-2:])
    )
    assert paths == expected
    assert all(r["status"] == "ok" for r in records)
    assert all(r["quality"] is not None for r in records)
    assert all(r["cached"] is False for r in records)
    assert f"{len(records)} documents in" in completed.stderr.decode()


def test_rerun_reuses_every_result(tmp_path, docs):
    first = run_docflow(tmp_path, "analyze", "docs")
    second = run_docflow(tmp_path, "analyze", "docs")
    assert first.returncode == 0
    assert second.returncode == 0
    records = json_lines(second.stdout)
    assert len(records) == len(json_lines(first.stdout))
    assert all(r["cached"] for r in records)
    assert f"{len(records)} cache hits" in second.stderr.decode()
    database = duckdb.connect(
        str(tmp_path / ".docflow" / "docflow.duckdb"), read_only=True
    )
    rows = database.execute("SELECT count(*) FROM documents").fetchall()[0][0]
    runs = database.execute("SELECT count(*) FROM runs WHERE status = 'finished'")
    assert rows == len(records)
    assert runs.fetchall()[0][0] == 2
    database.close()


def test_touched_file_is_hashed_not_reprocessed(tmp_path, docs):
    run_docflow(tmp_path, "analyze", "docs")
    letter = docs / "letter.txt"
    os.utime(letter, ns=(letter.stat().st_atime_ns, letter.stat().st_mtime_ns + 10**9))
    completed = run_docflow(tmp_path, "analyze", str(letter))
    assert json_lines(completed.stdout)[0]["cached"] is True


def test_copied_file_reuses_result(tmp_path, docs):
    run_docflow(tmp_path, "analyze", "docs")
    copy = tmp_path / "copy-of-letter.txt"
    shutil.copy(docs / "letter.txt", copy)
    completed = run_docflow(tmp_path, "analyze", str(copy))
    assert json_lines(completed.stdout)[0]["cached"] is True
    stored = json_lines(run_docflow(tmp_path, "results").stdout)
    assert str(copy) in {record["path"] for record in stored}


def test_changed_file_is_reprocessed(tmp_path, docs):
    run_docflow(tmp_path, "analyze", "docs")
    (docs / "letter.txt").write_text(LETTER + "\nP.S. The chairs are blue.\n")
    completed = run_docflow(tmp_path, "analyze", "docs")
    cached = {Path(r["path"]).name: r["cached"] for r in json_lines(completed.stdout)}
    assert cached["letter.txt"] is False
    assert cached["memo.md"] is True


def test_stdin_dash_reads_paths(tmp_path, docs):
    listing = f"{docs / 'letter.txt'}\n{docs / 'sub' / 'memo.md'}\n"
    completed = run_docflow(tmp_path, "analyze", "-", stdin=listing)
    assert completed.returncode == 0, completed.stderr.decode()
    names = sorted(Path(r["path"]).name for r in json_lines(completed.stdout))
    assert names == ["letter.txt", "memo.md"]


@pytest.mark.parametrize("via_stdin", [False, True], ids=["argument", "stdin"])
def test_missing_input_path_named_plainly(tmp_path, via_stdin):
    missing = f"{tmp_path / 'nonexistent'}/"
    db = str(tmp_path / "t.duckdb")
    if via_stdin:
        completed = run_docflow(tmp_path, "--db", db, "process", "-", stdin=missing)
    else:
        completed = run_docflow(tmp_path, "--db", db, "process", missing)
    [record] = json_lines(completed.stdout)
    assert record["status"] == "unreadable"
    assert "no such file or folder" in record["error"]
    assert "moved or deleted" not in record["error"]
    with duckdb.connect(db, read_only=True) as connection:
        errors = connection.execute("SELECT error FROM documents").fetchall()
    assert errors == [(record["error"],)]


def test_missing_path_of_many_folders(tmp_path, docs):
    """A path of 2,000 folder levels gets its own row; the others still run."""
    deep = "x/" * 2000 + "a.txt"
    listing = f"{docs / 'letter.txt'}\n{deep}\n"
    completed = run_docflow(tmp_path, "analyze", "-", stdin=listing)
    records = {Path(r["path"]).name: r for r in json_lines(completed.stdout)}
    assert records["letter.txt"]["status"] == "ok"
    assert records["a.txt"]["status"] == "unreadable"
    assert "RecursionError" not in completed.stderr.decode()


def test_folder_of_many_levels_is_walked(tmp_path, docs):
    """A folder 1,500 levels deep is walked; its file and the others get rows."""
    deep = tmp_path / "deep"
    folder = str(deep)
    os.mkdir(folder)
    try:
        for _ in range(1500):  # os.makedirs would recurse once per level
            folder = os.path.join(folder, "d")
            os.mkdir(folder)
        with open(os.path.join(folder, "memo.txt"), "w") as handle:
            handle.write(MEMO)
        completed = run_docflow(
            tmp_path, "analyze", "-f", "jsonl", "deep", str(docs / "letter.txt")
        )
    finally:
        _remove_deep_tree(deep)  # shutil.rmtree, as pytest uses, would recurse
    assert "RecursionError" not in completed.stderr.decode()
    records = {Path(r["path"]).name: r for r in json_lines(completed.stdout)}
    assert records["memo.txt"]["status"] == "ok"
    assert records["letter.txt"]["status"] == "ok"


def _remove_deep_tree(top: Path) -> None:
    """Remove ``top`` and everything in it, deepest folders first, without recursion."""
    from docflow.core.walking import walk

    folders = []
    for folder, _, files in walk(str(top)):
        folders.append(folder)
        for name in files:
            os.unlink(os.path.join(folder, name))
    for folder in reversed(folders):
        os.rmdir(folder)


@pytest.fixture
def hostile(tmp_path: Path):
    """Create hostile inputs; yield file name -> expected status."""
    folder = tmp_path / "hostile"
    folder.mkdir()
    os.mkfifo(folder / "pipe.pdf")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(folder / "sock.pdf"))
        yield make_special_files(folder)


def make_special_files(folder: Path) -> dict[str, str]:
    (folder / "loop.pdf").symlink_to(folder / "loop.pdf")
    (folder / "dangling.pdf").symlink_to(folder / "nowhere.pdf")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "new\nline.txt").write_text(LETTER)
    (folder / os.fsdecode(b"caf\xe9.txt")).write_text(MEMO)
    return {
        "pipe.pdf": "unreadable",
        "sock.pdf": "unreadable",
        "loop.pdf": "unreadable",
        "dangling.pdf": "unreadable",
        "empty.pdf": "empty",
        "missing.pdf": "unreadable",
        "new\nline.txt": "ok",
        # JSON cannot carry a name that is not UTF-8, so the servers get a
        # link to the file under a valid name.
        "caf\\xe9.txt": "ok",
    }


def test_special_files_end_as_rows(tmp_path, hostile):
    folder = tmp_path / "hostile"
    expected = hostile
    arguments = [os.fsencode(folder / name) for name in os.listdir(folder)]
    arguments.append(os.fsencode(folder / "missing.pdf"))
    arguments.append(b"/dev/null")
    expected["null"] = "unreadable"
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from docflow.cli.main import run; run()",
            "analyze",
            *arguments,
        ],
        cwd=tmp_path,
        input=b"",
        capture_output=True,
        env=docflow_env(tmp_path),
        timeout=180,
    )
    assert completed.returncode == 1, completed.stderr.decode()
    statuses = {Path(r["path"]).name: r["status"] for r in json_lines(completed.stdout)}
    assert statuses.keys() == expected.keys()
    for name, status in expected.items():
        if status != "any":
            assert statuses[name] == status, name
    for record in json_lines(completed.stdout):
        # The error names the file; an undecodable name is compared up to its
        # first escaped byte, which the message may escape differently.
        name = Path(record["path"]).name.split("\\")[0]
        if record["status"] != "ok":
            assert name in record["error"]


def test_undecodable_name_processed_the_same_twice(tmp_path):
    (tmp_path / os.fsdecode(b"caf\xe9.txt")).write_text(LETTER)
    for cached in (False, True):
        completed = run_docflow(tmp_path, "analyze", ".")
        assert completed.returncode == 0, completed.stderr.decode()
        [record] = json_lines(completed.stdout)
        assert record["path"].endswith("caf\\xe9.txt")
        assert record["status"] == "ok"
        assert record["cached"] is cached


def test_undecodable_name_and_its_escape_kept_apart(tmp_path):
    """A byte that is not UTF-8 and a name spelling its escape are two results."""
    (tmp_path / os.fsdecode(b"bad\xff.txt")).write_text(LETTER)
    (tmp_path / "bad\\xff.txt").write_text(LETTER + "\nA second letter.\n")
    (tmp_path / "plain\\name.txt").write_text(LETTER + "\nA third letter.\n")
    completed = run_docflow(tmp_path, "analyze", ".")
    assert completed.returncode == 0, completed.stderr.decode()
    names = sorted(Path(record["path"]).name for record in json_lines(completed.stdout))
    assert names == ["bad\\\\xff.txt", "bad\\xff.txt", "plain\\name.txt"]
    stored = run_docflow(tmp_path, "results", "-f", "jsonl")
    assert stored.returncode == 0, stored.stderr.decode()
    assert sorted(Path(r["path"]).name for r in json_lines(stored.stdout)) == names
    # report takes a real name, or a path as results print it. The text
    # bad\xff.txt is both a real name and how the other file prints; the
    # real name wins.
    for path, printed_name in [
        (str(tmp_path / "bad\\xff.txt"), "bad\\\\xff.txt"),
        (os.fsdecode(bytes(tmp_path) + b"/bad\xff.txt"), "bad\\xff.txt"),
        (str(tmp_path / "bad\\\\xff.txt"), "bad\\\\xff.txt"),
    ]:
        report = run_docflow(tmp_path, "report", "-f", "json", path)
        assert report.returncode == 0, (path, report.stderr.decode())
        assert Path(json.loads(report.stdout)["path"]).name == printed_name


def stored_paths(tmp_path: Path, sql: str) -> list[str]:
    connection = duckdb.connect(str(tmp_path / ".docflow" / "docflow.duckdb"))
    try:
        return [row[0] for row in connection.execute(sql).fetchall()]
    finally:
        connection.close()


def test_label_undecodable_name(tmp_path):
    name = os.fsdecode(bytes(tmp_path) + b"/caf\xe9.txt")
    Path(name).write_text(LETTER)
    assert run_docflow(tmp_path, "classify", ".").returncode == 0

    for reference, category in [("1", "memo"), (name, "receipt")]:
        labeled = run_docflow(tmp_path, "label", reference, category)
        assert labeled.returncode == 0, (reference, labeled.stderr.decode())
        [record] = json_lines(labeled.stdout)
        assert record["path"].endswith("caf\\xe9.txt")

    [stored] = stored_paths(tmp_path, "SELECT path FROM documents")
    assert stored_paths(tmp_path, "SELECT path FROM labels") == [stored, stored]
    results = run_docflow(tmp_path, "results", "-f", "jsonl")
    [record] = json_lines(results.stdout)
    assert record["classification"]["category"] == "receipt"


def test_label_keeps_escape_text_name_apart(tmp_path):
    """A label of the name bad\\xff.txt is not stored as the name with byte 0xFF."""
    (tmp_path / os.fsdecode(b"bad\xff.txt")).write_text(LETTER)
    (tmp_path / "bad\\xff.txt").write_text(LETTER + "\nA second letter.\n")
    assert run_docflow(tmp_path, "classify", ".").returncode == 0

    labeled = run_docflow(tmp_path, "label", str(tmp_path / "bad\\xff.txt"), "receipt")

    assert labeled.returncode == 0, labeled.stderr.decode()
    assert Path(json_lines(labeled.stdout)[0]["path"]).name == "bad\\\\xff.txt"
    [label_path] = stored_paths(tmp_path, "SELECT path FROM labels")
    assert Path(label_path).name == "bad\\\\xff.txt"
    by_name = {
        Path(record["path"]).name: record["classification"]["category"]
        for record in json_lines(run_docflow(tmp_path, "results").stdout)
    }
    assert by_name["bad\\\\xff.txt"] == "receipt"
    assert by_name["bad\\xff.txt"] != "receipt"


def test_database_in_walked_folder_is_not_a_document(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "letter.txt").write_text(LETTER)
    database = folder / "results.duckdb"
    for round_ in range(2):
        (folder / f"more{round_}.txt").write_text(LETTER + f"\nLetter {round_}.\n")
        completed = run_docflow(tmp_path, "analyze", "--db", str(database), "inbox")
        assert completed.returncode == 0, completed.stderr.decode()
        names = sorted(Path(r["path"]).name for r in json_lines(completed.stdout))
        assert names == ["letter.txt", "more0.txt", "more1.txt"][: round_ + 2]
    # The second run found the database and its lock file in the folder.
    assert b"skipped 2 files of the results database" in completed.stderr
    assert b"results.duckdb" in completed.stderr


def test_walk_gives_special_files_rows(tmp_path, hostile):
    completed = run_docflow(tmp_path, "analyze", "hostile")
    statuses = {Path(r["path"]).name: r["status"] for r in json_lines(completed.stdout)}
    assert statuses["pipe.pdf"] == "unreadable"
    assert statuses["sock.pdf"] == "unreadable"
    assert statuses["new\nline.txt"] == "ok"


def test_empty_folder_exits_no_input(tmp_path):
    (tmp_path / "nothing").mkdir()
    completed = run_docflow(tmp_path, "analyze", "nothing")
    assert completed.returncode == 4
    assert b"no documents found" in completed.stderr
    assert b"start with '.'" not in completed.stderr
    assert completed.stdout == b""


def test_only_hidden_files_named_in_message(tmp_path):
    folder = tmp_path / "hid"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "config").write_text(LETTER)
    (folder / ".notes.txt").write_text(LETTER)
    completed = run_docflow(tmp_path, "analyze", "hid")
    assert completed.returncode == 4
    message = completed.stderr.decode()
    assert "2 entries whose names start with '.' were left out" in message


@pytest.mark.parametrize(
    "args",
    [
        ["analyze", "--format", "xml", "docs"],
        ["analyze", "--no-such-flag", "docs"],
        ["analyze"],
        ["frobnicate"],
    ],
    ids=["bad-format", "unknown-flag", "no-path", "unknown-command"],
)
def test_usage_errors_exit_2(tmp_path, docs, args):
    completed = run_docflow(tmp_path, *args)
    assert completed.returncode == 2
    assert completed.stdout == b""


def test_database_folder_exits_store_error(tmp_path, docs):
    (tmp_path / "dbdir").mkdir()
    completed = run_docflow(tmp_path, "analyze", "--db", "dbdir", "docs")
    assert completed.returncode == 5
    assert b"'dbdir' is a folder" in completed.stderr


def test_csv_booleans_as_in_json(tmp_path, docs):
    completed = run_docflow(tmp_path, "analyze", "--format", "csv", "docs")
    header, *rows = completed.stdout.decode().splitlines()
    column = header.split(",").index("cached")
    assert rows
    assert {row.split(",")[column] for row in rows} == {"false"}


def test_csv_columns_same_for_each_command(tmp_path, docs):
    headers = {}
    for command in ("analyze", "classify", "process"):
        completed = run_docflow(tmp_path, command, "--format", "csv", "docs")
        headers[command] = completed.stdout.decode().splitlines()[0]
    assert "labeled_by" in headers["analyze"].split(",")
    assert headers["analyze"] == headers["classify"]
    assert headers["analyze"] == headers["process"]


def test_csv_format(tmp_path, docs):
    completed = run_docflow(tmp_path, "analyze", "--format", "csv", "docs")
    lines = completed.stdout.decode().splitlines()
    # Ids are assigned after the row is printed: no always-empty id column.
    assert lines[0].startswith("path,status,")
    assert "id" not in lines[0].split(",")
    assert len(lines) == 1 + len(json_lines(run_docflow(tmp_path, "results").stdout))


def test_json_format_is_one_array(tmp_path, docs):
    completed = run_docflow(tmp_path, "analyze", "-f", "json", "docs/letter.txt")
    records = json.loads(completed.stdout)
    assert [Path(r["path"]).name for r in records] == ["letter.txt"]


def test_verbose_logs_stay_on_stderr(tmp_path, docs):
    completed = run_docflow(tmp_path, "-vv", "analyze", "docs")
    assert completed.returncode == 0
    assert completed.stderr
    assert all(isinstance(r, dict) for r in json_lines(completed.stdout))


def test_quiet_prints_no_summary(tmp_path, docs):
    completed = run_docflow(tmp_path, "analyze", "-q", "docs/letter.txt")
    assert completed.returncode == 0
    assert completed.stderr == b""


def test_db_flag_overrides_environment(tmp_path, docs):
    env = docflow_env(tmp_path, DOCFLOW_DB=str(tmp_path / "env.duckdb"))
    run_docflow(tmp_path, "--db", "flag.duckdb", "analyze", "docs/letter.txt", env=env)
    assert (tmp_path / "flag.duckdb").is_file()
    assert not (tmp_path / "env.duckdb").exists()


def test_mcp_roots_do_not_limit_process(tmp_path, docs):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "docflow.toml").write_text(f"[mcp]\nroots = [{str(elsewhere)!r}]\n")
    env = docflow_env(tmp_path, config="docflow.toml")
    completed = run_docflow(
        tmp_path, "process", "docs/letter.txt", "docs/sub/memo.md", env=env
    )
    rows = json_lines(completed.stdout)
    assert completed.returncode == 0, completed.stderr.decode()
    assert [row["status"] for row in rows] == ["ok", "ok"]


def test_home_in_paths_makes_no_tilde_folder(tmp_path, docs):
    home = tmp_path / "home"
    home.mkdir()
    env = docflow_env(
        tmp_path,
        HOME=str(home),
        DOCFLOW_DB="~/env.duckdb",
        DOCFLOW_STORE_CACHE_DIR="~/.cache/docflow",
    )
    processed = run_docflow(tmp_path, "process", "docs/letter.txt", env=env)
    stats = run_docflow(tmp_path, "stats", "--format", "json", env=env)
    assert processed.returncode == 0, processed.stderr.decode()
    assert stats.returncode == 0, stats.stderr.decode()
    assert (home / "env.duckdb").is_file()
    assert (home / ".cache" / "docflow").is_dir()
    assert not (tmp_path / "~").exists()
    assert json.loads(stats.stdout)["documents"] == 1


def test_corrupt_pdf_exits_documents_failed(tmp_path):
    source = CORPUS / "edge" / "ocrmy__invalid.pdf"
    if not source.is_file():
        pytest.skip("corpus not available")
    shutil.copy(source, tmp_path / "invalid.pdf")
    completed = run_docflow(tmp_path, "analyze", "invalid.pdf")
    assert completed.returncode == 1
    assert json_lines(completed.stdout)[0]["status"] == "corrupt"


def test_missing_tesseract_exits_ocr_unavailable(tmp_path):
    scan = CORPUS / "labeled" / "invoice" / "i2d__AmazonWebServices.png"
    if not scan.is_file():
        pytest.skip("corpus not available")
    shutil.copy(scan, tmp_path / "scan.png")
    (tmp_path / "no-programs").mkdir()
    # A PATH without tesseract is how a machine without it looks to docflow.
    env = docflow_env(tmp_path, PATH=str(tmp_path / "no-programs"))
    completed = run_docflow(tmp_path, "analyze", "scan.png", env=env)
    assert completed.returncode == 3
    record = json_lines(completed.stdout)[0]
    assert record["status"] == "ocr_unavailable"
    assert "tesseract" in record["error"]
    assert record["detected_type"] == "image"
    assert record["pages"] == 1


def test_missing_model_exits_model_error(tmp_path, docs):
    env = docflow_env(
        tmp_path, DOCFLOW_CLASSIFICATION_MODEL_PATH=str(tmp_path / "no-model")
    )
    completed = run_docflow(tmp_path, "classify", "docs", env=env)
    assert completed.returncode == 7
    assert b"DOCFLOW_CLASSIFICATION_MODEL_PATH does not exist" in completed.stderr
    assert completed.stdout == b""


def test_file_as_model_names_variable(tmp_path, docs):
    env = docflow_env(
        tmp_path, DOCFLOW_CLASSIFICATION_MODEL_PATH=str(docs / "letter.txt")
    )
    completed = run_docflow(tmp_path, "classify", "docs", env=env)
    assert completed.returncode == 7
    message = completed.stderr.decode()
    assert "set by environment variable DOCFLOW_CLASSIFICATION_MODEL_PATH is a " in (
        message
    )
    assert "is a file, not a model folder" in message
    assert completed.stdout == b""


@pytest.mark.parametrize(
    ("content", "problem"),
    [("{oops", b"cannot read the model description"), ("{}", b"no 'version'")],
)
def test_invalid_model_json_gives_next_step(tmp_path, docs, content, problem):
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "model.json").write_text(content)
    env = docflow_env(tmp_path, DOCFLOW_CLASSIFICATION_MODEL_PATH=str(model_dir))
    completed = run_docflow(tmp_path, "classify", "docs", env=env)
    assert completed.returncode == 7, completed.stderr.decode()
    assert problem in completed.stderr
    assert f"docflow train FOLDER --output {model_dir}".encode() in completed.stderr
    assert (
        b"unset environment variable DOCFLOW_CLASSIFICATION_MODEL_PATH to use "
        b"the shipped model" in completed.stderr
    )


def test_truncated_model_exits_model_error(tmp_path, docs):
    from docflow.core.classify._checksum import FILE_FIELD
    from docflow.core.classify._model import (
        METADATA_FILE,
        MODEL_FILE,
        SHIPPED_MODEL_DIR,
    )

    model_dir = tmp_path / "damaged-model"
    shutil.copytree(SHIPPED_MODEL_DIR, model_dir)
    # A model.json without the file's checksum, as older versions wrote it, so
    # the command loads the file before any work to find the damage.
    metadata = json.loads((model_dir / METADATA_FILE).read_text())
    del metadata[FILE_FIELD]
    (model_dir / METADATA_FILE).write_text(json.dumps(metadata))
    model_file = model_dir / MODEL_FILE
    model_file.write_bytes(model_file.read_bytes()[:100_000])
    env = docflow_env(tmp_path, DOCFLOW_CLASSIFICATION_MODEL_PATH=str(model_dir))
    completed = run_docflow(tmp_path, "classify", "docs", env=env)
    assert completed.returncode == 7, completed.stderr.decode()
    assert completed.stdout == b""  # stopped before any document
    assert str(model_file).encode() in completed.stderr
    assert b"docflow train" in completed.stderr


def test_progress_bar_only_on_terminal(tmp_path, docs):
    master, terminal = pty.openpty()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from docflow.cli.main import run; run()",
            "analyze",
            "docs",
        ],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=docflow_env(tmp_path),
    )
    os.close(terminal)
    try:
        shown = read_terminal(master, process)
        stdout, _ = process.communicate(timeout=120)
    finally:
        os.close(master)
    assert process.returncode == 0
    assert "━".encode() in shown
    assert b"documents in" in shown
    assert b"quality-1:" not in shown  # the bar names files, not servers
    assert all(json.loads(line) for line in stdout.decode().splitlines())
    piped = run_docflow(tmp_path, "analyze", "docs")
    assert "━".encode() not in piped.stderr


@pytest.mark.parametrize("how", ["flag", "file"])
def test_password_opens_encrypted_pdf(tmp_path, how):
    source = CORPUS / "edge" / "pypdf__r2-user-password.pdf"
    if not source.is_file():
        pytest.skip("corpus not available")
    shutil.copy(source, tmp_path / "locked.pdf")
    locked = run_docflow(tmp_path, "analyze", "locked.pdf")
    assert locked.returncode == 1
    row = json_lines(locked.stdout)[0]
    assert row["status"] == "password_required"
    # The servers that docflow starts keep the advice for its command line.
    assert row["error"].endswith(
        "give it with --password or list it in extraction.password_file"
    )
    if how == "flag":
        option = ["--password", "wrong", "--password", "asdfzxcv"]
    else:
        (tmp_path / "passwords.txt").write_text("wrong\nasdfzxcv\n")
        option = ["--password-file", "passwords.txt"]
    opened = run_docflow(tmp_path, "analyze", *option, "locked.pdf")
    assert opened.returncode == 0, opened.stderr.decode()
    assert json_lines(opened.stdout)[0]["status"] == "ok"
    database = duckdb.connect(str(tmp_path / ".docflow" / "docflow.duckdb"))
    stored_args = database.execute("SELECT string_agg(args, ' ') FROM runs").fetchall()
    database.close()
    assert "asdfzxcv" not in stored_args[0][0]


def test_stdin_nul_separated_paths(tmp_path, docs):
    listing = b"\0".join(
        [os.fsencode(docs / "letter.txt"), os.fsencode(docs / "sub" / "memo.md"), b""]
    )
    completed = run_docflow(tmp_path, "analyze", "-", stdin=listing)
    assert completed.returncode == 0, completed.stderr.decode()
    names = sorted(Path(r["path"]).name for r in json_lines(completed.stdout))
    assert names == ["letter.txt", "memo.md"]


def test_stdin_blank_lines_are_skipped(tmp_path, docs):
    listing = f"\n   \n{docs / 'letter.txt'}\n\t\n"
    completed = run_docflow(tmp_path, "analyze", "-", stdin=listing)
    assert completed.returncode == 0, completed.stderr.decode()
    assert [Path(r["path"]).name for r in json_lines(completed.stdout)] == [
        "letter.txt"
    ]


def test_path_with_nul_becomes_unreadable_row(tmp_path, monkeypatch):
    from docflow.cli._process import plan_run
    from docflow.core.config import load_settings
    from docflow.core.store import ResultWriter, Store

    monkeypatch.chdir(tmp_path)
    store = Store(str(tmp_path / "t.duckdb"))
    path = str(tmp_path / "a\0b.txt")
    plan = plan_run(
        [path],
        store,
        load_settings(),
        classify=False,
        quality=True,
        model_version=None,
    )
    [row] = plan.rejected
    assert row.status == "unreadable"
    assert "NUL byte" in row.error
    with ResultWriter(store, fingerprint="fp") as writer:
        writer.add(row)
    assert [stored.result.status for stored in store.results()] == ["unreadable"]


@pytest.mark.parametrize("where", ["folder", "proc"])
def test_unusable_database_fails_before_processing(tmp_path, docs, where):
    (tmp_path / "dbdir").mkdir()
    database = "dbdir" if where == "folder" else "/proc/nope/x.duckdb"
    completed = run_docflow(tmp_path, "analyze", "--db", database, "docs")
    assert completed.returncode == 5, completed.stderr.decode()
    assert completed.stdout == b""
    assert database in completed.stderr.decode()


@pytest.mark.parametrize(
    ("how", "command"),
    [
        ("flag", ("analyze", "docs")),
        ("variable", ("analyze", "docs")),
        ("settings", ("analyze", "docs")),
        ("flag", ("watch", "--once", "--output", "out", "docs")),
    ],
)
def test_database_in_missing_folder_fails(tmp_path, docs, how, command):
    database = tmp_path / "typo" / "sub" / "x.duckdb"
    env = docflow_env(tmp_path)
    arguments: tuple[str, ...] = command
    if how == "flag":
        arguments = ("--db", str(database), *command)
        named = "given with --db"
    elif how == "variable":
        env["DOCFLOW_DB"] = str(database)
        named = "named by environment variable DOCFLOW_DB"
    else:
        (tmp_path / "docflow.toml").write_text(f'[store]\ndatabase = "{database}"\n')
        env = docflow_env(tmp_path, config="docflow.toml")
        named = "named by store.database in"
    completed = run_docflow(tmp_path, *arguments, env=env)
    message = completed.stderr.decode()
    assert completed.returncode == 5, message
    assert completed.stdout == b""
    assert f"the folder {str(database.parent)!r} of the database" in message
    assert named in message
    assert f"(mkdir -p {database.parent})" in message
    assert not (tmp_path / "typo").exists()
    assert not (tmp_path / "out").exists()


def test_named_database_in_docflow_folder_created(tmp_path, docs):
    """The default path written out in a settings file works in a new folder."""
    (tmp_path / "docflow.toml").write_text(
        '[store]\ndatabase = ".docflow/docflow.duckdb"\n'
    )
    env = docflow_env(tmp_path, config="docflow.toml")
    completed = run_docflow(tmp_path, "analyze", "docs", env=env)
    assert completed.returncode in (0, 1), completed.stderr.decode()
    assert (tmp_path / ".docflow" / "docflow.duckdb").is_file()


@pytest.mark.parametrize("how", ["flag", "setting"])
def test_missing_password_file_is_usage_error(tmp_path, docs, how):
    if how == "flag":
        completed = run_docflow(
            tmp_path, "analyze", "--password-file", "nope.txt", "docs"
        )
        source = "--password-file"
    else:
        env = docflow_env(tmp_path, DOCFLOW_EXTRACTION_PASSWORD_FILE="nope.txt")
        completed = run_docflow(tmp_path, "analyze", "docs", env=env)
        source = "extraction.password_file"
    assert completed.returncode == 2, completed.stderr.decode()
    assert completed.stdout == b""
    assert "nope.txt" in completed.stderr.decode()
    assert source in completed.stderr.decode()


def test_review_says_why(tmp_path):
    (tmp_path / "note.txt").write_text(
        "Dear Ms Jansen,\n\nThank you for your letter.\n"
    )
    # A wide console keeps each reason on one line of the table. The note
    # reads as a whole text, so a high minimum length makes it too short.
    env = docflow_env(
        tmp_path,
        DOCFLOW_QUALITY_REVIEW_THRESHOLD="100",
        DOCFLOW_QUALITY_MIN_DOCUMENT_CHARS="5000",
        COLUMNS="200",
    )
    analyzed = run_docflow(tmp_path, "analyze", "note.txt", env=env)
    (record,) = json_lines(analyzed.stdout)
    assert record["review_status"] == "needs_review"
    (reason,) = record["review_reasons"]
    assert reason.endswith("under quality.review_threshold 100")
    (queued,) = json_lines(run_docflow(tmp_path, "review", env=env).stdout)
    assert queued["review_reasons"] == [reason]
    table = run_docflow(tmp_path, "review", "-f", "table", env=env).stdout.decode()
    assert "reasons" in table
    assert reason in table
    report = run_docflow(tmp_path, "report", "-f", "table", "note.txt", env=env)
    assert f"needs review: {reason}" in " ".join(report.stdout.decode().split())


def analyze_on_terminal(tmp_path: Path, *args: str) -> tuple[str, str]:
    """Run ``docflow analyze ARGS`` with stdout on a 100-column terminal and
    return what the terminal showed, without escape sequences, and stderr."""
    master, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", "from docflow.cli.main import run; run()"]
        + ["analyze", *args],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=subprocess.PIPE,
        env=docflow_env(tmp_path, COLUMNS="100"),
    )
    os.close(terminal)
    try:
        shown = read_terminal(master, process)
        _, stderr = process.communicate(timeout=120)
    finally:
        os.close(master)
    assert process.returncode == 0, stderr.decode()
    text = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", shown.decode()).replace("\r", "")
    return text, stderr.decode()


@pytest.fixture
def blank_and_letter(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "letter.txt").write_text(LETTER)
    (folder / "blank.txt").write_text("   \n\n  \n")
    return folder


def test_analyze_table_shows_main_issue(tmp_path, blank_and_letter):
    text, stderr = analyze_on_terminal(tmp_path, "docs")
    rows = [line for line in text.splitlines() if line.startswith(("┃", "│"))]
    header, blank, letter = rows
    assert "issue" in header.split("┃")[-2]
    assert "blank.txt" in blank
    # empty_document is an error, no_words the one other issue.
    assert blank.split("│")[-2].strip() == "empty_document +1"
    assert "letter.txt" in letter
    # The letter's only issue explains a score left out, not a problem.
    assert letter.split("│")[-2].strip() == ""
    assert (
        "1 document needs review, 1 has quality issues: docflow review lists "
        "those to review, and docflow report ID or PATH shows one document's "
        "issues and advice"
    ) in stderr


def table_issues(tmp_path: Path, *args: str) -> dict[str, str]:
    """Run ``docflow ARGS -f table`` and return each file name's issue cell."""
    env = docflow_env(
        tmp_path, COLUMNS="200", DOCFLOW_CLASSIFICATION_REVIEW_THRESHOLD="0.999"
    )
    completed = run_docflow(tmp_path, *args, "-f", "table", env=env)
    assert completed.returncode == 0, completed.stderr.decode()
    lines = completed.stdout.decode().splitlines()
    header = next(line for line in lines if line.startswith("┃"))
    assert header.split("┃")[-2].strip() == "issue"
    cells = [line.split("│") for line in lines if line.startswith("│")]
    return {Path(row[1].strip()).name: row[-2].strip() for row in cells}


def test_table_issue_shows_review_reason(tmp_path):
    """A document without quality problems shows its review reason's code."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "memo.txt").write_text(MEMO)
    (folder / "short.txt").write_text("see you")
    processed = table_issues(tmp_path, "process", "docs/memo.txt")
    assert processed["memo.txt"] == "low_confidence"
    classified = table_issues(tmp_path, "classify", "docs")
    assert classified["memo.txt"] == "low_confidence"
    assert classified["short.txt"] == "unknown_category"


def test_analyze_csv_and_json_keep_fields(tmp_path, blank_and_letter):
    """Only the table gets the issue column, which scripts do not read."""
    csv_run = run_docflow(tmp_path, "analyze", "-f", "csv", "docs")
    assert csv_run.returncode == 0, csv_run.stderr.decode()
    assert csv_run.stdout.decode().splitlines()[0] == (
        "path,status,category,labeled_by,confidence,quality,review,type,pages,"
        "cached,error"
    )
    json_run = run_docflow(tmp_path, "analyze", "-f", "jsonl", "docs")
    for record in json_lines(json_run.stdout):
        assert "issue" not in record


def test_narrow_table_cuts_issue(tmp_path):
    row = {
        "path": "/archive/scans/received-by-post/department-of-finance/report.pdf",
        "status": "ok",
        "category": "report",
        "review": "needs_review",
        "issue": "no_headings_long_document +3",
    }
    master, terminal = pty.openpty()
    try:
        with os.fdopen(terminal, "w", encoding="utf-8") as stream:
            printer = RecordPrinter("table", stream=stream, width=60)
            printer.emit(row)
            printer.close()
        shown = read_terminal_closed(master)
    finally:
        os.close(master)
    lines = [line for line in shown.splitlines() if line.startswith(("┃", "│"))]
    assert all(cell_len(line) <= 60 for line in lines), shown
    [cells] = [line for line in lines if "report.pdf" in line]
    assert cells.split("│")[-2].strip() == "no_headings_long_do…"


def read_terminal_closed(master: int) -> str:
    """Read what was written to a pseudo-terminal whose other end is closed."""
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO once everything written has been read
            break
        if not chunk:
            break
        chunks.append(chunk)
    text = b"".join(chunks).decode()
    return re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", text).replace("\r", "")


def test_clean_run_has_no_review_hint(tmp_path, blank_and_letter):
    (blank_and_letter / "blank.txt").unlink()
    completed = run_docflow(tmp_path, "analyze", "docs")
    assert completed.returncode == 0, completed.stderr.decode()
    assert b"1 document in" in completed.stderr
    assert b"docflow report" not in completed.stderr
