"""Two real processes writing to one DuckDB file at once keep all their rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb

WRITER = textwrap.dedent(
    """
    import sys
    from docflow.core.models import DocumentResult
    from docflow.core.store import ResultWriter, RunProgress, Store

    database, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store(database, lock_timeout=120)
    run = RunProgress("test", {"prefix": prefix}, total=count)
    sys.stdout.write("ready\\n")
    sys.stdout.flush()
    sys.stdin.readline()  # both processes start writing together
    with ResultWriter(
        store, fingerprint="fp", run=run, flush_rows=7, flush_seconds=0.01
    ) as writer:
        for index in range(count):
            writer.add(DocumentResult(
                path=f"{prefix}/{index}.txt",
                status="ok",
                content_hash=f"{prefix}-{index}",
                size=index,
            ))
            # Interleave the result stream with reads, as the CLI's cache
            # check does in another process.
            if index % 50 == 0:
                store.lookup_hashes([])
                store.stats()
    writer.finish("finished")
    """
)


def start_writer(database: Path, prefix: str, count: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(database), prefix, str(count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "ready"
    return process


def run_pair(database: Path, prefixes: tuple[str, str], count: int) -> None:
    writers = [start_writer(database, prefix, count) for prefix in prefixes]
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        _, stderr = writer.communicate(timeout=240)
        assert writer.returncode == 0, stderr


def query(database: Path, sql: str):
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_two_writers_keep_all_rows(tmp_path):
    database = tmp_path / "shared.duckdb"
    run_pair(database, ("/a", "/b"), 300)
    assert query(database, "SELECT count(*) FROM documents")[0][0] == 600
    assert query(database, "SELECT count(DISTINCT id) FROM documents")[0][0] == 600
    runs = query(database, "SELECT status, done FROM runs ORDER BY id")
    assert runs == [("finished", 300), ("finished", 300)]


def test_two_writers_same_paths_one_current_each(tmp_path):
    database = tmp_path / "shared.duckdb"
    run_pair(database, ("/same", "/same"), 200)
    assert query(database, "SELECT count(*) FROM documents")[0][0] == 400
    per_path = query(
        database,
        "SELECT count(*) FILTER (WHERE is_current) AS current FROM documents "
        "GROUP BY path HAVING current <> 1",
    )
    assert per_path == []


LETTER = (
    "Dear Sir,\n\nThank you for the chairs, which arrived today.\n\nRegards,\nAnn\n"
)


def test_two_cli_runs_share_database(tmp_path):
    for name in ("one", "two"):
        folder = tmp_path / name
        folder.mkdir()
        for index in range(4):
            (folder / f"{name}-{index}.txt").write_text(
                f"{LETTER}\nNo. {index} {name}\n"
            )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
    env.update(
        DOCFLOW_WORKERS_COUNT="1",
        DOCFLOW_STORE_FLUSH_ROWS="1",
        DOCFLOW_CONFIG=os.devnull,
    )
    command = [sys.executable, "-c", "from docflow.cli.main import run; run()"]
    runs = [
        subprocess.Popen(
            [*command, "analyze", "--db", "shared.duckdb", name],
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for name in ("one", "two")
    ]
    outputs = [run.communicate(timeout=240) for run in runs]
    for run, (_, stderr) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, stderr.decode()
    for stdout, _ in outputs:
        assert len(stdout.decode().splitlines()) == 4
    stats = subprocess.run(
        [*command, "stats", "--db", "shared.duckdb", "-f", "json"],
        cwd=tmp_path,
        capture_output=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert json.loads(stats.stdout)["documents"] == 8
