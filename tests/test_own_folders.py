"""Tests of the folders docflow writes to (cache, server logs) inside a walk.

With ``store.cache_dir`` inside the folder a run walks, the cache entries and
the ``logs`` folder beside the cache are docflow's own files, not documents.
The runs here are real CLI processes, and the other tests call the real walk,
the replay record's folder states and a real watch daemon's inbox filter.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docflow.cli._inputs import (
    collect_paths,
    given_paths_in_own_folders,
    skipped_links_into_own_folders,
    skipped_own_folders,
)
from docflow.cli._replay import folder_states
from docflow.core.config import load_settings
from docflow.core.own_folders import own_folders, server_log_folder
from docflow.errors import UsageError
from docflow.watch.daemon import WatchDaemon
from docflow.watch.processor import InProcessProcessor
from processes import docflow_env, run_console_script
from test_cli import LETTER, MEMO, json_lines, run_docflow

DOCUMENTS = ["letter.txt", "memo.txt"]
SKIP_NOTE = "skipped the folders docflow writes to"


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """Return a folder with two documents, which will also hold the cache."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "letter.txt").write_text(LETTER)
    (folder / "memo.txt").write_text(MEMO)
    return folder


def cache_env(tmp_path: Path, docs: Path) -> dict[str, str]:
    return docflow_env(
        tmp_path,
        DOCFLOW_DB=str(tmp_path / "x.duckdb"),
        DOCFLOW_STORE_CACHE_DIR=str(docs / "cache"),
    )


def classify(
    tmp_path: Path, docs: Path, *args: str, stdin: str | None = None
) -> tuple[list[str], str]:
    """Run ``docflow classify ARGS`` in ``docs``; return the names and stderr."""
    completed = run_docflow(
        docs,
        "classify",
        "-f",
        "jsonl",
        *args,
        stdin=stdin,
        env=cache_env(tmp_path, docs),
    )
    assert completed.returncode == 0, completed.stderr.decode()
    names = sorted(Path(r["path"]).name for r in json_lines(completed.stdout))
    return names, completed.stderr.decode()


def test_runs_skip_cache_and_logs(tmp_path: Path, docs: Path) -> None:
    """Each run finds the same two documents, not the previous run's files."""
    for _ in range(3):
        names, stderr = classify(tmp_path, docs, ".")
        assert names == DOCUMENTS
    # Both folders were there to be skipped.
    assert list((docs / "cache" / "extract").iterdir())
    assert (docs / "logs").is_dir()
    assert "skipped the folders docflow writes to" in stderr
    assert repr(str(docs / "cache")) in stderr
    assert repr(str(docs / "logs")) in stderr


def test_quiet_run_has_no_skip_note(tmp_path: Path, docs: Path) -> None:
    classify(tmp_path, docs, ".")
    names, stderr = classify(tmp_path, docs, "-q", ".")
    assert names == DOCUMENTS
    assert stderr == ""


@pytest.mark.parametrize("given_on", ["command line", "stdin"])
def test_named_cache_files_skipped(tmp_path: Path, docs: Path, given_on: str) -> None:
    """Files in the cache are skipped when named, as the database files are."""
    classify(tmp_path, docs, ".")
    everything = sorted(str(path) for path in docs.rglob("*") if path.is_file())
    assert len(everything) > len(DOCUMENTS)  # cache entries and server logs
    if given_on == "stdin":
        names, stderr = classify(tmp_path, docs, "-", stdin="\n".join(everything))
    else:
        names, stderr = classify(tmp_path, docs, *everything)
    assert names == DOCUMENTS
    assert "skipped the folders docflow writes to" in stderr


@pytest.mark.parametrize("folder", ["cache", "cache/extract"])
def test_named_cache_folder_rejected(tmp_path: Path, docs: Path, folder: str) -> None:
    """A folder in the cache gets one usage error, not "no documents found"."""
    classify(tmp_path, docs, ".")
    completed = run_docflow(docs, "classify", folder, env=cache_env(tmp_path, docs))
    stderr = completed.stderr.decode()
    assert completed.returncode == 2, stderr
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith(f"docflow: error: {folder!r} ")
    assert f"the extraction cache (store.cache_dir) {str(docs / 'cache')!r}" in stderr
    assert "DOCFLOW_STORE_CACHE_DIR" in stderr
    assert "no documents found" not in stderr


def test_links_into_cache_skipped(tmp_path: Path, docs: Path) -> None:
    """A link to a cache entry gets no row, walked or named, only the note."""
    state = tmp_path / "state"
    env = docflow_env(
        tmp_path,
        DOCFLOW_DB=str(tmp_path / "x.duckdb"),
        DOCFLOW_STORE_CACHE_DIR=str(state / "cache"),
    )
    first = run_docflow(docs, "classify", "-f", "jsonl", ".", env=env)
    assert first.returncode == 0, first.stderr.decode()
    assert SKIP_NOTE not in first.stderr.decode()
    entry = next((state / "cache" / "extract").rglob("*.json"))
    (docs / "entry.json").symlink_to(entry)
    (docs / "entries").symlink_to(entry.parent)
    for arguments in ([], ["entry.json", "letter.txt"]):
        completed = run_docflow(
            docs, "classify", "-f", "jsonl", ".", *arguments, env=env
        )
        stderr = completed.stderr.decode()
        assert completed.returncode == 0, stderr
        names = sorted(Path(r["path"]).name for r in json_lines(completed.stdout))
        assert names == DOCUMENTS
        assert SKIP_NOTE not in stderr
        assert "2 links (" in stderr
        assert repr(str(docs / "entry.json")) in stderr
        assert "which point into the extraction cache" in stderr
        assert repr(str(state / "cache")) in stderr


def test_named_link_into_cache_rejected(tmp_path: Path, docs: Path) -> None:
    classify(tmp_path, docs, ".")
    entry = next((docs / "cache" / "extract").rglob("*.json"))
    (tmp_path / "entry.json").symlink_to(entry)
    completed = run_docflow(
        docs, "classify", str(tmp_path / "entry.json"), env=cache_env(tmp_path, docs)
    )
    stderr = completed.stderr.decode()
    assert completed.returncode == 2, stderr
    assert "is a symbolic link into the extraction cache" in stderr


def test_replay_with_cache_in_walked_folder(tmp_path: Path, docs: Path) -> None:
    """The third run replays, although the second saved its record in the cache."""
    env = cache_env(tmp_path, docs)
    runs = [
        run_console_script(docs, "classify", "-f", "jsonl", ".", env=env)
        for _ in range(3)
    ]
    for completed in runs:
        assert completed.returncode == 0, completed.stderr.decode()
    assert list((docs / "cache" / "replay").iterdir())
    assert b"nothing changed since run 2" in runs[2].stderr
    assert runs[2].stdout == runs[1].stdout


def test_replay_repeats_skip_note(tmp_path: Path, docs: Path) -> None:
    """A replayed run writes the note about the skipped cache as the full run did."""
    env = cache_env(tmp_path, docs)
    runs = [
        run_console_script(docs, "classify", "-f", "jsonl", ".", env=env)
        for _ in range(3)
    ]
    full, replayed = (run.stderr.decode().splitlines() for run in runs[1:])
    assert "nothing changed since run 2" in replayed[-1]
    assert full[0].startswith(f"docflow: {SKIP_NOTE}: ")
    assert replayed[0] == full[0]


def test_link_note_names_links(tmp_path: Path, docs: Path) -> None:
    """Links into the cache get a note that names them, not the folder note."""
    cache = tmp_path / "cache"
    (cache / "sub").mkdir(parents=True)
    (cache / "sub" / "inner.txt").write_text("not a document")
    for index in range(5):
        (docs / f"link{index}.txt").symlink_to(cache / "sub" / "inner.txt")
    env = docflow_env(
        tmp_path,
        DOCFLOW_DB=str(tmp_path / "x.duckdb"),
        DOCFLOW_STORE_CACHE_DIR=str(cache),
    )
    runs = [
        run_console_script(docs, "classify", "-f", "jsonl", ".", env=env)
        for _ in range(2)
    ]
    full, replayed = (run.stderr.decode().splitlines() for run in runs)
    assert SKIP_NOTE not in full[0]
    named = ", ".join(repr(str(docs / f"link{index}.txt")) for index in range(3))
    assert full[0] == (
        f"docflow: skipped 5 links ({named} and 2 more), which point into the "
        f"extraction cache (store.cache_dir) {str(cache)!r}, a folder docflow "
        "writes to; its files are not documents"
    )
    assert "nothing changed since run 1" in replayed[-1]
    assert replayed[0] == full[0]


def own_paths(docs: Path) -> list[str]:
    """Make a cache entry and a server log under ``docs``; return the own folders."""
    (docs / "cache" / "extract" / "ab").mkdir(parents=True)
    (docs / "cache" / "extract" / "ab" / "entry.json").write_text("{}")
    (docs / "logs").mkdir()
    (docs / "logs" / "template.log").write_text("")
    return [str(docs / "cache"), str(docs / "logs")]


def test_walk_skips_own_folders(docs: Path) -> None:
    own = own_paths(docs)
    assert len(collect_paths([str(docs)])) == len(DOCUMENTS) + 2
    paths = collect_paths([str(docs)], own_folders=own)
    assert sorted(Path(path).name for path in paths) == DOCUMENTS
    assert skipped_own_folders() == own


def test_walk_skips_link_to_own_folder(tmp_path: Path, docs: Path) -> None:
    """A link to the cache would otherwise get an ``unreadable`` row."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    own = own_paths(elsewhere)
    (docs / "cache-link").symlink_to(elsewhere / "cache")
    paths = collect_paths([str(docs)], own_folders=own)
    assert sorted(Path(path).name for path in paths) == DOCUMENTS
    assert skipped_own_folders() == []
    cache = str(elsewhere / "cache")
    assert skipped_links_into_own_folders() == {str(docs / "cache-link"): cache}


def test_linked_walk_skips_own_folder(tmp_path: Path, docs: Path) -> None:
    """The cache is recognized when the walked folder is named through a link."""
    own = own_paths(docs)
    (tmp_path / "docs-link").symlink_to(docs)
    paths = collect_paths([str(tmp_path / "docs-link")], own_folders=own)
    assert sorted(Path(path).name for path in paths) == DOCUMENTS


def test_walk_skips_links_into_own_folder(tmp_path: Path, docs: Path) -> None:
    """Links to a file and to a subfolder inside the cache are left out."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    own = own_paths(elsewhere)
    (docs / "entry-link.json").symlink_to(elsewhere / "cache/extract/ab/entry.json")
    (docs / "folder-link").symlink_to(elsewhere / "cache" / "extract")
    paths = collect_paths([str(docs)], own_folders=own)
    assert sorted(Path(path).name for path in paths) == DOCUMENTS
    assert skipped_own_folders() == []
    cache = str(elsewhere / "cache")
    assert skipped_links_into_own_folders() == {
        str(docs / "entry-link.json"): cache,
        str(docs / "folder-link"): cache,
    }
    assert given_paths_in_own_folders() == {}


def test_walk_given_link_into_own_folder(tmp_path: Path, docs: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    own = own_paths(elsewhere)
    link = docs / "entry-link.json"
    link.symlink_to(elsewhere / "cache" / "extract" / "ab" / "entry.json")
    paths = collect_paths([str(link), str(docs / "letter.txt")], own_folders=own)
    assert paths == [str(docs / "letter.txt")]
    assert given_paths_in_own_folders() == {str(link): str(elsewhere / "cache")}


def test_walk_given_own_folder_finds_nothing(docs: Path) -> None:
    own = own_paths(docs)
    given = str(docs / "cache" / "extract")
    assert collect_paths([given], own_folders=own) == []
    assert skipped_own_folders() == [str(docs / "cache")]
    assert given_paths_in_own_folders() == {given: str(docs / "cache")}


def test_walk_without_own_folders_skips_nothing(docs: Path) -> None:
    own_paths(docs)
    collect_paths([str(docs)])
    assert skipped_own_folders() == []


def test_folder_states_skip_own_folders(docs: Path) -> None:
    """A record saved in the cache must not make itself stale."""
    own = own_paths(docs)
    states = folder_states([str(docs)], own)
    assert sorted(states) == [str(docs)]
    assert str(docs / "cache" / "extract") in folder_states([str(docs)])


def test_own_folders_from_settings(tmp_path: Path) -> None:
    settings = load_settings(
        {"store": {"cache_dir": str(tmp_path / "state" / "cache")}}, environ={}
    )
    assert server_log_folder(settings) == tmp_path / "state" / "logs"
    assert list(own_folders(settings)) == [
        tmp_path / "state" / "cache",
        tmp_path / "state" / "logs",
    ]


def test_watch_inbox_skips_own_folders(tmp_path: Path, docs: Path) -> None:
    """The daemon would otherwise move its open server logs to quarantine."""
    own_paths(docs)
    settings = load_settings(
        {
            "store": {
                "database": str(tmp_path / "db" / "docflow.duckdb"),
                "cache_dir": str(docs / "cache"),
            }
        },
        environ={},
    )
    daemon = WatchDaemon(
        settings,
        InProcessProcessor(settings),
        inboxes=[docs],
        output_dir=tmp_path / "out",
        once=True,
    )
    scanned = sorted(os.path.relpath(path, docs) for path in daemon.filter.scan())
    assert scanned == DOCUMENTS
    assert daemon.filter.inbox_of(str(docs / "logs" / "classification-1.log")) is None


def test_watch_inbox_inside_cache_rejected(tmp_path: Path) -> None:
    """An inbox inside the cache folder would be watched with nothing seen."""
    cache = tmp_path / "state" / "cache"
    inbox = cache / "inbox"
    inbox.mkdir(parents=True)
    settings = load_settings(
        {
            "store": {
                "database": str(tmp_path / "db" / "docflow.duckdb"),
                "cache_dir": str(cache),
            }
        },
        environ={},
    )
    with pytest.raises(UsageError, match="lies inside the extraction cache") as info:
        WatchDaemon(
            settings,
            InProcessProcessor(settings),
            inboxes=[inbox],
            output_dir=tmp_path / "out",
            once=True,
        )
    assert "DOCFLOW_STORE_CACHE_DIR" in str(info.value)
