"""Print an unchanged run's output again without processing machinery.

A processing command (classify, analyze, process) whose results the next run
would all reuse saves a replay record in ``<store.cache_dir>/replay/``. The
record contains what that next run would print on stdout (the same results,
marked ``cached``), the notes it writes on stderr before them (the folders
it skipped), its summary and its exit code, with everything they depend on.
When the same command line runs again, ``replay`` checks the record using
the standard library only. If nothing changed, it prints the record instead
of importing typer, pydantic, DuckDB and the MCP SDK, which take most of the
0.28-0.30 s (measured) of a re-run that reads the cache.

A record is keyed by the invocation: the arguments, the working folder, the
DOCFLOW_* variables and the variables that change how output looks. The key
also covers which of stdin, stdout and stderr are terminals and their sizes,
the interpreter, the installed rich, and the size and modification time of
every file of the docflow package (its code, shipped model and rules).
Inside the record, each of these must still have the same size, modification
time, inode and change time, or be missing as before:

- each input as it was before the run read or rejected it, and each folder
  walked to find them as it was before the walk (adding, removing or
  renaming an entry changes a folder's modification time);
- the database and its write-ahead log, so any write to the database (another
  run, a label, a correction) makes every record stale. A run during which
  another process wrote to the database saves no record;
- the settings file, the files of a custom model and the password file, as
  they were when the run started.

Records are never made when stdout is a terminal, for ``--rehash``, with
``-v``, or when a warning was logged. A replayed run adds no row to the runs
table, because it processed and stored nothing. ``store.replay = false``
(``DOCFLOW_STORE_REPLAY=false``) turns records off. Saving a record deletes
all but the ``MAX_RECORDS`` newest.
"""

from __future__ import annotations

import codecs
import hashlib
import marshal
import os
import sys
import time
from stat import S_ISREG

from docflow.core.walking import walk

# The fast path imports as little as it can: typing, pathlib, json and
# dataclasses cost about 17 ms of a 40 ms replay.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Any

__all__ = [
    "Recorder",
    "ShownResult",
    "count_warnings",
    "folder_states",
    "pending_key",
    "replay",
    "warnings_logged",
]

#: Version of the record layout; a record of another version is ignored.
FORMAT = 4
#: Records are written with ``marshal``, which the key's interpreter version
#: keeps readable, and which loads a large record in about a millisecond.
#: NOTE: marshal is not safe against crafted data. Anyone who can write the
#: cache folder can also replace the database or the pickled model beside it.
SUFFIX = ".rec"
COMMANDS = frozenset({"classify", "analyze", "process"})
FOLDER = "replay"
#: Larger outputs save no record, to bound the memory a run keeps for it
#: (about 1,300 documents in JSON Lines).
MAX_OUTPUT_CHARS = 4 * 1024 * 1024
#: Tables of more rows save no record.
MAX_ROWS = 2_000
#: Records kept per cache folder; older ones are deleted when one is saved.
MAX_RECORDS = 64
ELAPSED = "{elapsed}"
#: The exit code of a run that cannot write its output (``ExitCode.OUTPUT``).
EXIT_OUTPUT_FAILED = 74

#: Variables besides DOCFLOW_* that can change what a run prints.
_VARIABLES = frozenset(
    {
        "PATH",
        "HOME",
        "TERM",
        "COLUMNS",
        "LINES",
        "NO_COLOR",
        "FORCE_COLOR",
        "TTY_COMPATIBLE",
        "TTY_INTERACTIVE",
        "LANG",
        "LANGUAGE",
        "LC_ALL",
        "LC_CTYPE",
        "LC_MESSAGES",
        "TZ",
        "PYTHONIOENCODING",
        "PYTHONUTF8",
        "TESSDATA_PREFIX",
        "OMP_THREAD_LIMIT",
    }
)

# Set by replay() when it found no usable record, for the full run to save one.
_pending: tuple[str, str] | None = None
# Installed by count_warnings() before a full run.
_counter: Any = None


def replay(
    argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> int | None:
    """Print the stored output of this command line; return its exit code.

    Returns None, having printed nothing, when there is no record or any
    check fails: the caller then runs the command in full.
    """
    global _pending
    started = time.perf_counter()
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    try:
        if not _may_replay(argv):
            return None
        key = invocation_key(argv, environ)
        folder = record_folder(argv, environ)
        _pending = (key, folder)
        record = _load(os.path.join(folder, key + SUFFIX), key)
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return None
    if record is None:
        return None
    return _print(record, started)


def pending_key() -> tuple[str, str] | None:
    """Return the key and folder ``replay`` computed for this process, if any."""
    return _pending


def _may_replay(argv: Sequence[str]) -> bool:
    from docflow.cli._descriptors import names_descriptor

    arguments = argv[1:]
    if not COMMANDS.intersection(arguments) or "-" in arguments:
        return False  # another command, or paths read from stdin
    if any(map(names_descriptor, arguments)):
        return False  # /dev/stdin names another file in each run
    try:
        for fd in (0, 1, 2):
            os.fstat(fd)
        return not os.isatty(1)
    except OSError:  # a closed standard stream: the full run handles it
        return False


def invocation_key(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """Return a digest of everything about this process that shapes its output."""
    parts = {
        "format": FORMAT,
        # -X utf8, -I and the like change encodings and settings without
        # an environment variable, so the flags and the streams' encodings count.
        "python": [sys.executable, sys.version, tuple(sys.flags)],
        "encodings": [
            sys.getfilesystemencoding(),
            *(
                (getattr(stream, "encoding", None), getattr(stream, "errors", None))
                for stream in (sys.stdout, sys.stderr)
            ),
        ],
        "argv": list(argv[1:]),
        "cwd": os.getcwd(),
        "environ": sorted(
            (name, value)
            for name, value in environ.items()
            if name.startswith("DOCFLOW_") or name in _VARIABLES
        ),
        # rich takes a table's width from whichever stream is a terminal.
        "terminals": [_terminal_size(fd) for fd in (0, 1, 2)],
        "package": _package_signature(),
        "rich": _module_signature("rich"),
    }
    # repr of these plain values is stable, and escapes lone surrogates.
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def record_folder(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """Return where records live: ``replay`` inside the configured cache folder.

    Only DOCFLOW_STORE_CACHE_DIR and the settings file's ``[store] cache_dir``
    set that folder. The full run saves a record only when its settings give
    the same folder.
    """
    cache_dir = environ.get("DOCFLOW_STORE_CACHE_DIR") or None  # empty is unset
    if cache_dir is None:
        config = _config_argument(argv) or environ.get("DOCFLOW_CONFIG")
        cache_dir = _configured_cache_dir(os.path.expanduser(config or "docflow.toml"))
    # ~ is expanded as load_settings expands it, or no record would match.
    cache_dir = os.path.expanduser(cache_dir or ".docflow/cache")
    return os.path.join(os.path.abspath(cache_dir), FOLDER)


def _config_argument(argv: Sequence[str]) -> str | None:
    for index, argument in enumerate(argv):
        if argument == "--config" and index + 1 < len(argv):
            return argv[index + 1]
        if argument.startswith("--config="):
            return argument.partition("=")[2]
    return None


def _configured_cache_dir(path: str) -> str | None:
    if not os.path.isfile(path):
        return None
    import tomllib

    with open(path, "rb") as stream:
        data = tomllib.load(stream)
    store = data.get("store")
    value = store.get("cache_dir") if isinstance(store, dict) else None
    return value if isinstance(value, str) else None


def _terminal_size(fd: int) -> tuple[int, int] | None:
    """Return the size of the terminal on ``fd``, or None if it is not one."""
    try:
        if not os.isatty(fd):
            return None
        return tuple(os.get_terminal_size(fd))  # type: ignore[return-value]
    except OSError:
        return (0, 0)


def _module_signature(name: str) -> list[int] | None:
    """Return the state of an installed package's ``__init__.py`` (its version)."""
    for folder in sys.path:
        path = os.path.join(folder or ".", name, "__init__.py")
        state = signature(path)
        if state is not None:
            return state
    return None


def _package_signature() -> list[list[Any]]:
    import docflow

    root = os.path.dirname(docflow.__file__)
    entries = []
    for folder, subfolders, files in walk(root):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        for name in sorted(files):
            path = os.path.join(folder, name)
            info = os.stat(path)
            entries.append(
                [os.path.relpath(path, root), info.st_size, info.st_mtime_ns]
            )
    return entries


def signature(path: str) -> list[int] | None:
    """Return what identifies the current state of ``path``, or None if missing."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return [
        info.st_mode,
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
        info.st_ino,
        info.st_dev,
    ]


def _load(path: str, key: str) -> dict[str, Any] | None:
    try:
        # Non-blocking, so a FIFO put in a record's place cannot hang the open.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    with open(fd, "rb") as stream:
        if not S_ISREG(os.fstat(fd).st_mode):
            return None
        record = marshal.load(stream)
    if not isinstance(record, dict):
        return None
    if record.get("format") != FORMAT or record.get("key") != key:
        return None
    for checked, expected in record["checks"]:
        if signature(checked) != expected:
            return None
    return record


def _print(record: Mapping[str, Any], started: float) -> int:
    if record["notes"]:
        sys.stderr.write("".join(line + "\n" for line in record["notes"]))
        sys.stderr.flush()
    try:
        _escape_unencodable_output()
        sys.stdout.write(record["stdout"])
        sys.stdout.flush()
    except BrokenPipeError:  # docflow process docs | head -1: as a full run
        _silence_stdout()
    except OSError as exc:  # a full disk, for one: the full run's message
        sys.stderr.write(
            f"docflow: error: cannot write the output: {exc.strerror or exc}; free "
            "some space and run the same command again (finished results are "
            "kept)\n"
        )
        return EXIT_OUTPUT_FAILED
    if record["errors"]:
        sys.stderr.write("".join(line + "\n" for line in record["errors"]))
        sys.stderr.flush()
    if not record["quiet"]:
        elapsed = f"{time.perf_counter() - started:.1f}"
        lines = [line.replace(ELAPSED, elapsed) for line in record["summary"]]
        lines.append(
            f"nothing changed since run {record['run_id']}, so its output was "
            f"printed again; results are in {_one_line(record['database'])}"
        )
        sys.stderr.write("".join(line + "\n" for line in lines))
        sys.stderr.flush()
    return int(record["exit_code"])


def _one_line(text: str) -> str:
    """Escape control characters as the full run's summary does."""
    if not any(ord(character) < 0x20 or character == "\x7f" for character in text):
        return text
    from docflow.core.store._rows import escape_controls  # imports pydantic

    return escape_controls(text)


def _escape_unencodable_output() -> None:
    """Do what _output.escape_unencodable_output does for the full run (that
    module imports more than a replay may)."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        unicode = codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        unicode = False
    if not unicode:
        sys.stdout.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]


def _silence_stdout() -> None:
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    except OSError:
        pass


class Recorder:
    """Keep what a run shows, then save it as a replay record.

    The record contains what the next, fully cached run of the same command
    would print. The caller renders each result with ``cached`` set as soon
    as it is shown and passes the text (or, for a table, the row). Past
    ``max_chars`` of text or ``max_rows`` rows everything is dropped and the
    run saves no record, so a long run keeps little memory for it.
    """

    def __init__(
        self,
        key: str,
        folder: str,
        *,
        folders: Mapping[str, list[int] | None] | None = None,
        dependencies: Iterable[str] = (),
        max_chars: int = MAX_OUTPUT_CHARS,
        max_rows: int = MAX_ROWS,
    ) -> None:
        self.key = key
        self.folder = folder
        # The state of the walked folders before the walk (``folder_states``),
        # of the settings and model files, and of the inputs before the run
        # read them (``note_inputs``).
        self.folders = dict(folders or {})
        self.dependencies = {
            os.path.abspath(path): signature(path) for path in dependencies
        }
        self.inputs: dict[str, list[int] | None] = {}
        #: The lines the run wrote on stderr before the results.
        self.notes: list[str] = []
        self.max_chars = max_chars
        self.max_rows = max_rows
        self.items: list[ShownResult] = []
        self.overflow = False
        self._chars = 0

    def note_inputs(self, paths: Iterable[str]) -> None:
        """Note the state of ``paths`` before the run reads or rejects them."""
        self.inputs = {path: signature(path) for path in paths}

    def collect(self, entry: ShownResult) -> None:
        """Keep what was shown for one input."""
        if self.overflow:
            return
        output = entry.output
        self._chars += len(output) if isinstance(output, str) else 0
        if self._chars > self.max_chars or len(self.items) >= self.max_rows:
            self.discard()
            return
        self.items.append(entry)

    @property
    def path(self) -> str:
        """The record's file."""
        return os.path.join(self.folder, self.key + SUFFIX)

    def remove(self) -> None:
        """Delete the saved record."""
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def discard(self) -> None:
        """Drop what was kept: this run saves no record."""
        self.overflow = True
        self.items = []

    def save(
        self,
        *,
        output: str,
        run_id: int | None,
        database: str,
        exit_code: int,
        quiet: bool,
        errors: Sequence[str],
        summary: Sequence[str],
    ) -> bool:
        """Write the record; return False when the run cannot be replayed.

        Every file and folder noted before the run read it must still be as
        it was, or the record would describe a state the run never saw.
        """
        if self.overflow:
            return False
        checks: dict[str, list[int] | None] = {}
        for states in (self.folders, self.dependencies, self.inputs):
            for path, before in states.items():
                if signature(path) != before:
                    return False
                checks[path] = before
        for path in (database, f"{database}.wal"):
            checks[os.path.abspath(path)] = signature(path)
        record = {
            "format": FORMAT,
            "key": self.key,
            "run_id": run_id,
            "database": database,
            "exit_code": exit_code,
            "quiet": quiet,
            "notes": list(self.notes),
            "errors": list(errors),
            "summary": list(summary),
            "stdout": output,
            "checks": [[path, value] for path, value in checks.items()],
        }
        os.makedirs(self.folder, exist_ok=True)
        temporary = os.path.join(self.folder, f".{self.key}.{os.getpid()}")
        try:
            with open(temporary, "wb") as stream:
                marshal.dump(record, stream)
            os.replace(temporary, self.path)
        except BaseException:
            _unlink(temporary)
            raise
        _prune(self.folder, keep=self.path)
        return True


def _prune(folder: str, keep: str) -> None:
    """Delete all but the ``MAX_RECORDS`` newest records, and stale temporaries.

    A temporary file older than an hour was left by a process that died
    while it saved a record.
    """
    records = []
    stale = time.time_ns() - 3600 * 10**9
    for entry in os.scandir(folder):
        try:
            modified = entry.stat(follow_symlinks=False).st_mtime_ns
        except OSError:
            continue
        if entry.name.startswith("."):
            if modified < stale:
                _unlink(entry.path)
        elif entry.name.endswith(SUFFIX) and entry.path != keep:
            records.append((modified, entry.path))
    records.sort(reverse=True)
    for _, path in records[MAX_RECORDS - 1 :]:
        _unlink(path)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


class ShownResult:
    """The output a run showed for one input, as the next run would show it.

    ``display`` is the path as printed, which the table and the JSON array
    sort by. ``rejected`` marks an input rejected before processing (a FIFO,
    a missing file), which is not a cache hit. ``output`` is the JSON Lines
    or CSV line, the JSON array item, or the table row.
    """

    __slots__ = ("path", "display", "rejected", "status", "category", "output")

    def __init__(
        self,
        path: str,
        display: str,
        rejected: bool,
        status: str,
        category: str | None,
        output: Any,
    ) -> None:
        self.path = path
        self.display = display
        self.rejected = rejected
        self.status = status
        self.category = category
        self.output = output


def folder_states(
    arguments: Iterable[str], own_folders: Iterable[str] = ()
) -> dict[str, list[int] | None]:
    """Return the state of every folder a walk of ``arguments`` visits.

    Call it before the walk: an entry added later changes its folder's
    modification time, so the record no longer matches. The walk does not
    enter docflow's own folders (absolute paths in ``own_folders``), and
    they are left out here too, because saving the record writes to one.
    """
    own = set(own_folders)
    own.update([os.path.realpath(folder) for folder in own])
    states: dict[str, list[int] | None] = {}
    for argument in arguments:
        if not os.path.isdir(argument):
            continue
        # The walk does not follow links to folders, so a real path is the
        # real path of the top plus the names below it.
        real_paths = {argument: os.path.realpath(argument)}
        for folder, subfolders, _ in walk(argument):
            real_folder = real_paths.pop(folder)
            subfolders[:] = [
                name
                for name in subfolders
                if not name.startswith(".")
                and os.path.join(real_folder, name) not in own
            ]
            for name in subfolders:
                real_paths[os.path.join(folder, name)] = os.path.join(real_folder, name)
            states[os.path.abspath(folder)] = signature(folder)
    return states


def count_warnings() -> Any:
    """Install and return a root logging handler that counts warnings.

    Replay prints no log records, so a run that logged a warning is not saved.
    """
    import logging

    class WarningCounter(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.WARNING)
            self.count = 0

        def emit(self, record: logging.LogRecord) -> None:
            self.count += 1

    global _counter
    _counter = WarningCounter()
    logging.getLogger().addHandler(_counter)
    return _counter


def warnings_logged() -> bool:
    """Return True if a warning was logged, or ``count_warnings`` was not called."""
    return _counter is None or _counter.count > 0
