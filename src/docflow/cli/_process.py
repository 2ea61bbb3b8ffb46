"""``docflow classify|analyze|process``: cache check, orchestrator, storage.

1. Collect the files and stat them. Files that cannot be read become rows
   at once, with the status ``check_readable`` gives them.
2. Look up each file's content hash by (path, size, mtime), and hash only
   the files whose stat changed. Stored results of the same content,
   settings fingerprint and model (its version and the SHA-256 of its
   ``model.joblib``) are reused.
3. Send only the cache misses to the MCP orchestrator, and print and store
   each result as it arrives.

A run of one analysis (``classify`` or ``analyze``) stores each result with
the other analysis of the file's stored result, so the row stays whole.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import signal
import stat
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from docflow.cli import _replay
from docflow.cli._errors import (
    Interrupted,
    NoInput,
    silence_terminal,
    terminal_gone,
)
from docflow.cli._inputs import (
    collect_paths,
    given_paths_in_own_folders,
    skipped_duplicates,
    skipped_links_into_own_folders,
    skipped_links_into_walked_folders,
    skipped_own_folders,
)
from docflow.cli._output import (
    RESULT_COLUMNS,
    RecordPrinter,
    csv_header,
    csv_row,
    json_array,
    json_item,
    jsonl_line,
    plural,
    resolve_format,
    result_record,
    summary_row,
    terminal_text,
)
from docflow.core.own_folders import own_folders, server_log_folder
from docflow.core.walking import walk
from docflow.errors import DocumentError, ExitCode, UsageError, is_query_interrupted

if TYPE_CHECKING:
    from datetime import datetime

    from docflow.cli._state import CliOptions
    from docflow.core.classify.corrections import CorrectionIndex
    from docflow.core.config import Settings
    from docflow.core.models import DocumentResult
    from docflow.core.store import (
        CacheHit,
        FileStat,
        ResultWriter,
        Store,
        StoredAnalysis,
    )

__all__ = ["Plan", "check_password_file", "plan_run", "run_command"]

log = logging.getLogger(__name__)

#: Files hashed at once in the main process when their stat changed.
_HASH_THREADS = 4

# NOTE: DocumentResult has no field for the cause of an ``error`` status, so a
# classifier model that cannot be loaded is recognised by the text that
# core.pipeline.process_document puts after the document's path in the error.
# Keep the two in step.
_MODEL_FAILURE = ": classifier model unusable: "


@dataclass
class Plan:
    """Files of a run sorted into cache hits, unreadable files and cache misses."""

    hits: list[CacheHit] = field(default_factory=list)
    rejected: list[DocumentResult] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    stats: dict[str, FileStat] = field(default_factory=dict)
    touched: list[tuple[FileStat, str]] = field(default_factory=list)
    # For a run of one analysis: stored results of the same content that have
    # the other analysis, which the new result of a miss keeps.
    stored: dict[str, StoredAnalysis] = field(default_factory=dict)
    # Analyses of a cache hit kept from a result with other settings.
    stale: dict[str, frozenset[str]] = field(default_factory=dict)


def _reject(path: str) -> DocumentResult | None:
    """Return a result for a file that cannot be read, or None if it can."""
    from docflow.core.detect import check_readable
    from docflow.core.models import DocumentResult, Status
    from docflow.core.quoting import cut_value, quote_value

    if "\0" in path:
        return DocumentResult(
            path=path,
            status=Status.UNREADABLE,
            error=f"{quote_value(path)}: the path contains a NUL byte, which no "
            "file name can; separate paths on stdin with NUL or newline, not both",
        )
    try:
        check_readable(path)
    except DocumentError as exc:
        return DocumentResult(
            path=path, status=Status(exc.status), error=f"{cut_value(path)}: {exc}"
        )
    return None


def _stat_files(paths: Sequence[str], plan: Plan) -> dict[str, FileStat]:
    from docflow.cli._inputs import collected_path_result
    from docflow.core.store import FileStat

    candidates: dict[str, FileStat] = {}
    for path in paths:
        try:
            info = os.stat(path)
        except (OSError, ValueError):  # ValueError: a NUL byte in the path
            info = None
        if info is not None and stat.S_ISREG(info.st_mode) and info.st_size > 0:
            candidates[path] = FileStat(path, info.st_size, info.st_mtime_ns)
            continue
        rejected = collected_path_result(path) or _reject(path)
        if rejected is not None:
            plan.rejected.append(rejected)
        else:
            plan.misses.append(path)
    return candidates


def _hash_quietly(path: str) -> tuple[str, str | None]:
    from docflow.core.pipeline import hash_file

    try:
        return path, hash_file(path)[0]
    except OSError:
        return path, None  # the worker reports why it cannot read the file


def plan_run(
    paths: Sequence[str],
    store: Store,
    settings: Settings,
    *,
    classify: bool,
    quality: bool,
    model_version: str | None,
    rehash: bool = False,
    resumed_runs: Sequence[int] = (),
) -> Plan:
    """Sort ``paths`` into cache hits, unreadable files and files to process.

    ``model_version`` is the model's cache key (``classify.model_key``), or
    None when the run does not classify. With ``rehash`` every file is
    hashed, so a file whose content changed while its size and modification
    time stayed the same is processed again. With ``store.reuse`` false
    (``--no-cache``) only the results that ``resumed_runs`` stored are
    reused, and with no such runs every file is processed.
    """
    from docflow.core.config import settings_fingerprint

    plan = Plan()
    candidates = _stat_files(paths, plan)
    plan.stats = candidates
    cache_key = {
        "fingerprint": settings_fingerprint(settings),
        "model_version": model_version,
        "classify": classify,
        "quality": quality,
    }
    from_runs = None if settings.store.reuse else resumed_runs
    if from_runs is not None and not from_runs:  # --no-cache, not resuming
        # Keep the misses _stat_files found: a file caught empty by its stat
        # and readable by the time of its check.
        plan.misses.extend(candidates)
        if classify != quality:
            _, _, hashes = _find_stored(candidates, store, cache_key, rehash=rehash)
            _keep_other_analysis(plan, store, settings, hashes, classify=classify)
        return plan
    hits, hashed, hashes = _find_stored(
        candidates, store, cache_key, rehash=rehash, from_runs=from_runs
    )
    for path in candidates:
        hit = hits.get(path)
        if hit is None:
            plan.misses.append(path)
            continue
        plan.hits.append(hit)
        if path in hashed and not hit.needs_write:
            plan.touched.append((candidates[path], hashed[path]))
    if classify != quality:
        _keep_other_analysis(plan, store, settings, hashes, classify=classify)
    return plan


def _keep_other_analysis(
    plan: Plan,
    store: Store,
    settings: Settings,
    hashes: dict[str, str],
    *,
    classify: bool,
) -> None:
    """Find the stored other analysis of the files a run of one analysis stores.

    A new result of one analysis becomes the file's current row, so without
    this a ``classify`` after ``process`` would lose the quality, and an
    ``analyze`` the category. The other analysis is kept whatever settings,
    model or docflow version computed it. The misses keep theirs when their
    results arrive. The cache hits that are stored again keep theirs now.
    """
    import dataclasses

    from docflow.core.config import settings_fingerprint
    from docflow.core.pipeline import limit_to_analyses

    rewritten = {hit.result.path: hit for hit in plan.hits if hit.needs_write}
    content_hashes = {path: hashes[path] for path in plan.misses if path in hashes}
    for path, hit in rewritten.items():
        if hit.result.content_hash is not None:
            content_hashes[path] = hit.result.content_hash
    plan.stored = store.lookup_analyses(
        content_hashes,
        analysis="quality" if classify else "classification",
        fingerprint=settings_fingerprint(settings),
    )
    for index, hit in enumerate(plan.hits):
        if hit.result.path not in rewritten:
            continue
        # The hit may have an older other analysis than the file's current row.
        result = limit_to_analyses(
            hit.result, settings, classify=classify, quality=not classify
        )
        result, stale = _merge_stored_analysis(
            result, plan.stored.get(hit.result.path), settings
        )
        plan.hits[index] = dataclasses.replace(hit, result=result)
        plan.stale[hit.result.path] = stale


def _merge_stored_analysis(
    result: DocumentResult, stored: StoredAnalysis | None, settings: Settings
) -> tuple[DocumentResult, frozenset[str]]:
    """Add the other analysis of ``stored`` to a result of one analysis.

    Returns the result and the analyses it kept that the cache must not
    reuse, because other settings computed them.
    """
    from docflow.core.pipeline import add_stored_analyses

    if stored is None:
        return result, frozenset()
    merged = add_stored_analyses(result, stored.result, settings)
    if merged is result or stored.reusable:
        return merged, frozenset()
    other = "quality" if result.quality is None else "classification"
    return merged, frozenset({other})


def _find_stored(
    candidates: dict[str, FileStat],
    store: Store,
    cache_key: dict[str, Any],
    *,
    rehash: bool,
    from_runs: Sequence[int] | None = None,
) -> tuple[dict[str, CacheHit], dict[str, str], dict[str, str]]:
    """Look up the reusable stored results of ``candidates``.

    Returns the hits by path, the content hashes computed here for the files
    whose stat did not match a stored one, and every content hash known,
    those included. With ``rehash`` every file is hashed. A file whose size
    no stored document has is not hashed, because no stored result can be of
    its content. With ``from_runs`` only the results of those runs are hits.
    """
    cache_key = {**cache_key, "from_runs": from_runs}
    known: dict[str, str] = {}
    if rehash:
        hits, worth_hashing = {}, set(candidates)
    else:
        found = store.lookup(list(candidates.values()), **cache_key)
        hits, worth_hashing = found.hits, found.worth_hashing
        known.update(found.hashes)
    hashed: dict[str, str] = {}
    if worth_hashing:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(_HASH_THREADS) as pool:
            for path, content_hash in pool.map(_hash_quietly, worth_hashing):
                if content_hash is not None:
                    hashed[path] = content_hash
        hits.update(store.lookup_results(hashed, **cache_key))
    known.update(hashed)
    return hits, hashed, known


class _Session:
    """One processing run: prints, counts, stores and shows progress."""

    def __init__(
        self, printer: RecordPrinter, writer: ResultWriter, progress: Any, total: int
    ) -> None:
        self.printer = printer
        self.writer = writer
        self.progress = progress
        self.total = total
        self.categories: Counter[str] = Counter()
        self.seen: set[str] = set()
        # People's corrections, applied to what is printed. The store keeps the
        # classifier's result and applies them when results are read back.
        self.corrections: CorrectionIndex | None = None
        # stopping: stdout's reader left while documents remain to process.
        # stopped: the run has been interrupted for that reason.
        self.stopping = False
        self.stopped = False
        self.model_failures = 0
        self.model_problem: str | None = None
        # The first error met while printing a result the orchestrator
        # delivered; the run stops and the command raises it at the end.
        self.output_error: Exception | None = None
        # Keeps what is shown for a replay record (``_replay``), when one may be saved.
        self.recorder: _replay.Recorder | None = None
        self.rejected: set[str] = set()
        # The parts the run requested, which a cached result must have. A
        # cached result may have more, which stay stored but are not printed.
        self.classify = True
        self.quality = True
        # The run's settings, whose review thresholds judge a cached result
        # cut down to the requested parts.
        self.settings: Settings | None = None
        # Messages of the documents that failed, for stderr (see error_lines).
        self.errors: list[str] = []
        self.errors_left_out = 0
        # Documents shown that wait for review, and that have quality problems.
        self.to_review = 0
        self.with_problems = 0
        # With store.reuse false: the unfinished runs of the same command that
        # this run resumes, newest first (``Store.unfinished_runs``).
        self.resumed_runs: list[int] = []
        # --restart was given, so a re-run of the same command line would not
        # resume this run.
        self.restart = False

    def deliver(self, result: DocumentResult, **storing: Any) -> None:
        """Record a result (``storing`` as for ``record``) and print it."""
        self.record(result, **storing)
        self.show(result)

    def record(
        self,
        result: DocumentResult,
        *,
        file_stat: FileStat | None = None,
        cache_hit: bool = False,
        store: bool = True,
        stale_analyses: frozenset[str] = frozenset(),
    ) -> None:
        """Count a result and queue it for storage when ``store``."""
        self.seen.add(result.path)
        problem = _model_problem(result)
        if problem is not None:
            self.model_failures += 1
            self.model_problem = self.model_problem or problem
        self.writer.add(
            result,
            stat=file_stat,
            cache_hit=cache_hit,
            store=store,
            stale_analyses=stale_analyses,
            # The model failed, not the document, so the last good result and
            # its label stay current.
            replace_current=problem is None,
        )

    def show(self, result: DocumentResult) -> None:
        """Print the requested parts of a result, with people's corrections."""
        if self.settings is not None:
            from docflow.core.pipeline import limit_to_analyses

            result = limit_to_analyses(
                result, self.settings, classify=self.classify, quality=self.quality
            )
        if self.corrections:
            result = self.corrections.apply(result)
        if result.classification is not None:
            self.categories[result.classification.category] += 1
        if result.review_status == "needs_review":
            self.to_review += 1
        if result.quality is not None and result.quality.list_problems():
            self.with_problems += 1
        if result.error and not result.ok:
            if len(self.errors) < _MAX_ERROR_LINES:
                self.errors.append(result.error)
            else:
                self.errors_left_out += 1
        if self.recorder is not None:
            self._collect(result)
        self.printer.emit(result_record(result), summary_row(result))
        self.progress.advance()
        if self.printer.broken and self.writer.done < self.total:
            self._stop()
        elif self.writer.error is not None and not self.stopping:
            # The database cannot be written: the rest would not be stored.
            self.fail_output(self.writer.error)

    def _collect(self, result: DocumentResult) -> None:
        """Give the recorder ``result`` as the next run would print it."""
        assert self.recorder is not None
        if result.path not in self.rejected:
            if not _reusable(result, classify=self.classify, quality=self.quality):
                self.recorder.discard()  # the next run processes it again
                return
            result = result.model_copy(update={"cached": True})
        record, row = result_record(result), summary_row(result)
        printer = self.printer
        output: Any = row
        if printer.format == "jsonl":
            output = jsonl_line(record, ascii_only=printer.ascii_json)
        elif printer.format == "csv":
            output = csv_row(printer.columns, row)
        elif printer.format == "json":
            output = json_item(record, ascii_only=printer.ascii_json)
        classification = result.classification
        entry = _replay.ShownResult(
            path=result.path,
            display=str(record.get("path")),
            rejected=result.path in self.rejected,
            status=str(result.status),
            category=classification.category if classification else None,
            output=output,
        )
        self.recorder.collect(entry)

    def fail_output(self, error: Exception) -> None:
        """Stop the run because a result could not be printed or stored.

        The result is already queued for storage. Without this the
        orchestrator, which keeps a callback's error from the other
        documents, would only log it, and the command would end with status
        0 and a line missing from its output.
        """
        if self.output_error is None:
            self.output_error = error
        self._stop()

    def _stop(self) -> None:
        """Interrupt the run because its output cannot be written or read."""
        if self.stopping:
            return
        self.stopping = True
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a cache hit, printed before the orchestrator starts
            raise KeyboardInterrupt from None
        # Raised by the event loop, not inside the orchestrator task that
        # delivered the result, so asyncio.run stops the loop and cancels the
        # orchestrator's tasks, as after a SIGTERM.
        loop.call_soon(self._interrupt)

    def _interrupt(self) -> None:
        self.stopped = True
        raise KeyboardInterrupt


def _model_problem(result: DocumentResult) -> str | None:
    """Return why the classifier model failed on ``result``, or None if it did not."""
    if result.status != "error" or not result.error:
        return None
    _, found, problem = result.error.partition(_MODEL_FAILURE)
    return problem if found else None


def _model_key(settings: Settings) -> str:
    from docflow.core.classify import model_key

    return model_key(settings)


def _process_misses(
    session: _Session,
    plan: Plan,
    settings: Settings,
    *,
    classify: bool,
    quality: bool,
) -> dict[str, Any]:
    if not plan.misses:
        return {}
    from docflow.cli.launch import raise_if_stop_lost
    from docflow.mcp.orchestrator import run_documents

    # A SIGTERM during the planning whose KeyboardInterrupt was swallowed.
    raise_if_stop_lost()

    def on_result(result: DocumentResult) -> None:
        if session.stopped:
            # A crash result that the orchestrator's shutdown made up for a
            # document in flight. Ctrl-C drops these too, so a re-run
            # processes the document.
            return
        result, stale = _merge_stored_analysis(
            result, plan.stored.get(result.path), settings
        )
        try:
            session.deliver(
                result, file_stat=plan.stats.get(result.path), stale_analyses=stale
            )
        except Exception as exc:  # raised once the run has stopped
            session.fail_output(exc)

    results, stats = run_documents(
        plan.misses,
        settings,
        classify=classify,
        quality=quality,
        on_result=on_result,
        # Without a bar no one reads the servers' progress messages.
        on_progress=session.progress.describe if session.progress.enabled else None,
        # After the servers are forked: none may inherit an import in progress
        # in another thread (see run_documents).
        on_started=session.writer.warm_up,
    )
    for result in results:
        if result.path not in session.seen:
            on_result(result)
    return (
        stats.model_dump(mode="json") if hasattr(stats, "model_dump") else dict(stats)
    )


#: Signals that stop a run the way Ctrl-C does.
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM and SIGHUP (a closed terminal) like Ctrl-C.

    Finished results are then stored before the command exits.
    """

    def interrupt(signum: int, frame: Any) -> None:
        from docflow.cli.launch import note_stop_signal

        note_stop_signal(signum)
        # Do what Ctrl-C does. Inside asyncio.run, its SIGINT handler cancels
        # the main task, so the orchestrator stops its servers in order. A
        # KeyboardInterrupt raised in whatever frame runs could land in code
        # that swallows it, and the event loop would then wait for ever.
        on_interrupt = signal.getsignal(signal.SIGINT)
        if callable(on_interrupt):
            on_interrupt(signal.SIGINT, frame)
            return
        raise KeyboardInterrupt

    try:
        previous = {
            signum: signal.signal(signum, interrupt) for signum in _STOP_SIGNALS
        }
    except ValueError:  # not the main thread (a test runner)
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Ignore Ctrl-C and SIGTERM while the last results are being stored.

    A second Ctrl-C during the final flush would otherwise lose the results
    the first one meant to keep.
    """
    try:
        previous = {
            signum: signal.signal(signum, signal.SIG_IGN)
            for signum in (signal.SIGINT, *_STOP_SIGNALS)
        }
    except ValueError:  # not the main thread (a test runner)
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run_command(
    command: str,
    arguments: Sequence[str],
    options: CliOptions,
    *,
    classify: bool,
    quality: bool,
) -> int:
    """Run a processing command and return its exit code."""
    from docflow.core.store import Store

    settings = options.settings()
    check_password_file(settings, options)
    # Before the walk: a record notes the walked folders as they were then.
    recorder = _replay_recorder(settings, options, arguments)
    store = Store.from_settings(settings)
    # The run starts before the walk, which can take a while on a large folder.
    started_at = store.clock()
    own = {str(folder): about for folder, about in own_folders(settings).items()}
    collected = _collect_paths(command, arguments, options, store, started_at, own)
    if not collected:
        _reject_paths_in_own_folders(own)
    # The notes on stderr before the results, which a replay repeats.
    notes: list[str] = []
    _note_skipped_own_folders(own, options, notes)
    paths = _without_database_files(collected, store, options, notes)
    if not paths and list(arguments) == ["-"]:
        raise NoInput(
            "no paths on stdin; pipe one path per line (or NUL-separated), as in "
            f"find . -name '*.pdf' | docflow {command} -"
        )
    if not paths:
        hidden = _count_hidden(arguments)
        skipped = (
            f"; {plural(hidden, 'entry', 'entries')} whose names start with '.' "
            "were left out (name such files to process them)"
            if hidden
            else ""
        )
        raise NoInput(
            f"no documents found under {', '.join(map(repr, arguments))}{skipped}; "
            "give files, folders that contain files, or - to read paths from stdin"
        )
    if settings.extraction.ocr:
        from docflow.core.ocr import check_languages

        # Once here, instead of an ocr_unavailable result per scanned document.
        check_languages(
            settings.extraction.ocr_languages,
            settings.origin_of("extraction", "ocr_languages"),
        )
    started = time.perf_counter()
    model_version = _model_key(settings) if classify else None
    # One connection for the check and the cache lookup. When every file is
    # known, the run is also stored in it. Otherwise only the run's row is,
    # so that a run killed before its first batch still has a row, and the
    # connection closes before any document is processed.
    opened = ExitStack()
    opened.enter_context(store.session())
    outcome, stats = "failed", {}
    store_error: Exception | None = None
    if recorder is not None:
        recorder.notes = notes
        recorder.note_inputs(paths)
    run_arguments = _run_arguments(arguments, options, paths)
    try:
        store.check_writable()
        resumed_runs = _runs_to_resume(store, command, run_arguments, settings, options)
        session = _open_session(
            command, run_arguments, paths, options, store, started_at=started_at
        )
        session.resumed_runs = resumed_runs
        session.restart = bool(options.restart)
        session.recorder = recorder
        session.classify = classify
        session.quality = quality
        session.settings = settings
    except BaseException:
        opened.close()
        raise
    try:
        with _sigterm_as_interrupt(), session.progress:
            with opened:
                plan = plan_run(
                    paths,
                    store,
                    settings,
                    classify=classify,
                    quality=quality,
                    model_version=model_version,
                    rehash=options.rehash,
                    resumed_runs=session.resumed_runs,
                )
                session.rejected = {result.path for result in plan.rejected}
                if classify:
                    session.corrections = _corrections(store)
                if plan.misses:
                    session.writer.begin_run()
                else:
                    store_error = _store_known(session, plan)
            if plan.misses:
                session.writer.start()
                _deliver_known(session, plan)
                stats = _process_misses(
                    session, plan, settings, classify=classify, quality=quality
                )
            else:
                _show_known(session, plan)
                if store_error is not None:
                    raise store_error
        outcome = "finished"
    except (KeyboardInterrupt, RuntimeError, OSError) as exc:
        if isinstance(exc, OSError):
            if not terminal_gone(exc):
                raise
            # The terminal closed under the progress bar; SIGHUP follows.
            silence_terminal()
        elif not isinstance(exc, KeyboardInterrupt) and not is_query_interrupted(exc):
            raise
        outcome = "interrupted"
        if session.stopping and session.writer.done >= len(paths):
            # stdout closed, but the last results arrived before the stop.
            outcome = "finished"
    finally:
        opened.close()
        try:
            # The table and the JSON array are written here. When that fails
            # (a full disk), the results must still be stored below.
            session.printer.close()
        finally:
            with _interrupts_deferred():
                # Does nothing when _store_known has already finished the run.
                session.writer.finish(outcome, stats)
    if session.output_error is not None:
        raise session.output_error
    if outcome == "interrupted":
        code = ExitCode.OUTPUT if session.stopping else ExitCode.INTERRUPTED
        raise Interrupted(_interrupted_message(session, len(paths)), code)
    lost = _kinds_without_servers(stats)
    _print_errors(error_lines(session))
    if not options.quiet:
        _print_summary(session, time.perf_counter() - started, settings)
        for kind in lost:
            sys.stderr.write(
                f"every {kind} MCP server failed to start repeatedly, so the "
                "documents left got status crashed; see the server logs under "
                f"{terminal_text(str(server_log_folder(settings)))} or rerun "
                "with -v\n"
            )
    if lost:
        return int(ExitCode.SERVER)
    code = _exit_code(session.writer.status_counts, session.model_failures)
    if recorder is not None and not session.printer.broken:
        _save_replay(recorder, session, plan, store, settings, options, code)
    return code


def _runs_to_resume(
    store: Store,
    command: str,
    run_arguments: Mapping[str, Any],
    settings: Settings,
    options: CliOptions,
) -> list[int]:
    """Return the unfinished runs of this command that the run resumes.

    Only a run with store.reuse false resumes. With --restart it resumes
    none and marks them abandoned. Both raise UsageError when one of them
    still runs, before this run is recorded, so a rejected run leaves no run
    behind.
    """
    if settings.store.reuse:
        return []
    unfinished = store.unfinished_runs(command, run_arguments)
    if options.restart:
        store.abandon_runs(unfinished)
        return []
    store.check_not_running(unfinished)
    return unfinished


def _count_hidden(arguments: Sequence[str]) -> int:
    """Return how many hidden entries (names starting with '.') the walk skipped."""
    count = 0
    for argument in arguments:
        if argument == "-" or not os.path.isdir(argument):
            continue
        for _, subfolders, files in walk(argument):
            count += sum(name.startswith(".") for name in (*subfolders, *files))
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
    return count


def _collect_paths(
    command: str,
    arguments: Sequence[str],
    options: CliOptions,
    store: Store,
    started_at: datetime,
    own: dict[str, str],
) -> list[str]:
    """Collect the paths to process, or record an interrupted run of no
    documents when a stop signal comes first.

    Reading paths from stdin waits for the writer of the pipe, and walking a
    large folder takes a while, so a stop signal can come before any document
    is known. The paths in docflow's own folders ``own`` are left out.
    """
    try:
        return collect_paths(arguments, own_folders=own)
    except KeyboardInterrupt:
        pass
    from docflow.core.store import RunProgress
    from docflow.errors import StoreError

    cause = "interrupted while collecting the paths to process"
    run = RunProgress(
        command, _run_arguments(arguments, options), total=0, started_at=started_at
    )
    # Interrupts stay enabled because the lock may be busy for up to
    # store.lock_timeout. A second Ctrl-C or SIGTERM then gives up the record
    # instead of waiting, and no result is lost without it.
    try:
        run_id = store.end_run(run, status="interrupted")
    except KeyboardInterrupt:
        raise Interrupted(f"{cause}; the run was not recorded") from None
    except StoreError as exc:
        raise Interrupted(f"{cause}; the run was not recorded: {exc}") from None
    raise Interrupted(
        f"{cause}, before any document was processed (recorded as run {run_id}). "
        "Run the same command again to process them"
    )


def _reject_paths_in_own_folders(own: dict[str, str]) -> None:
    """Raise UsageError when the last walk left out given paths because they
    lie in docflow's own folders ``own``.

    Called when the walk found nothing, because "no documents found" would
    not say why.
    """
    given_paths = given_paths_in_own_folders()
    if not given_paths:
        return
    first, folder = next(iter(given_paths.items()))
    if len(given_paths) > 1:
        others = plural(len(given_paths) - 1, "other path")
        subject = f"{first!r} and {others} given lie inside"
    elif os.path.islink(first):
        subject = f"{first!r} is a symbolic link into"
    elif os.path.abspath(first) == folder:
        subject = f"{first!r} is"
    else:
        subject = f"{first!r} lies inside"
    folders = " and ".join(
        f"{own[own_folder]} {own_folder!r}"
        for own_folder in dict.fromkeys(given_paths.values())
    )
    raise UsageError(
        f"{subject} {folders}, where docflow keeps its own files, not documents; "
        "process another folder, or set store.cache_dir (DOCFLOW_STORE_CACHE_DIR) "
        "to a folder outside the ones you process"
    )


def _note_skipped_own_folders(
    own: dict[str, str], options: CliOptions, notes: list[str]
) -> None:
    """Write notes on stderr that name the own folders and the links into them
    that the last walk skipped, and append them to ``notes``."""
    if options.quiet:
        return
    written: list[str] = []
    skipped = skipped_own_folders()
    if skipped:
        folders = " and ".join(f"{own[folder]} {folder!r}" for folder in skipped)
        written.append(
            "docflow: skipped the folders docflow writes to: "
            f"{terminal_text(folders)}; their files are not documents"
        )
    links_by_folder: dict[str, list[str]] = {}
    for link, folder in skipped_links_into_own_folders().items():
        links_by_folder.setdefault(folder, []).append(link)
    for folder, links in links_by_folder.items():
        written.append(_skipped_links_note(links, f"{own[folder]} {folder!r}"))
    loops = list(skipped_links_into_walked_folders())
    if loops:
        written.append(_skipped_loops_note(loops))
    duplicates = skipped_duplicates()
    if duplicates:
        written.append(_skipped_duplicates_note(duplicates))
    for note in written:
        sys.stderr.write(note + "\n")
    notes.extend(written)


#: How many skipped links a note names before "and N more".
_LINKS_NAMED = 3


def _name_links(links: list[str], noun: str) -> str:
    """Return "the NOUN 'a', which points" or "3 NOUNs ('a', ...), which point"."""
    if len(links) == 1:
        return f"the {noun} {links[0]!r}, which points"
    named = ", ".join(map(repr, links[:_LINKS_NAMED]))
    if len(links) > _LINKS_NAMED:
        named += f" and {len(links) - _LINKS_NAMED} more"
    return f"{len(links)} {noun}s ({named}), which point"


def _skipped_links_note(links: list[str], folder: str) -> str:
    """Return the note about the symbolic ``links`` skipped because they point
    to or into ``folder`` (an own folder with its description)."""
    subject = _name_links(links, "link")
    return terminal_text(
        f"docflow: skipped {subject} into {folder}, a folder docflow writes to; "
        "its files are not documents"
    )


def _skipped_loops_note(links: list[str]) -> str:
    """Return the note about the symbolic ``links`` to folders that the walk
    left out because they point to a walked folder or into one."""
    subject = _name_links(links, "symbolic link")
    return terminal_text(
        f"docflow: skipped {subject} to a folder this run reads or into one; "
        "its files have rows under their own paths"
    )


def _skipped_duplicates_note(duplicates: dict[str, str]) -> str:
    """Return the note about the paths left out because they name the same
    file as a path kept, given as ``{left out: kept}``."""
    pairs = [f"{path!r} (kept {kept!r})" for path, kept in duplicates.items()]
    named = ", ".join(pairs[:_LINKS_NAMED])
    if len(pairs) > _LINKS_NAMED:
        named += f" and {len(pairs) - _LINKS_NAMED} more"
    if len(pairs) == 1:
        subject = "a path that names a file"
    else:
        subject = f"{len(pairs)} paths that name files"
    return terminal_text(
        f"docflow: skipped {subject} processed under another path: {named}"
    )


#: Options that change how a run goes but none of its results, so that a
#: run resumes another whatever their values: --workers and --format.
_RESULT_NEUTRAL_OPTIONS = (("workers", "count"), ("output", "format"))


def _run_arguments(
    arguments: Sequence[str],
    options: CliOptions,
    paths: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Return what the runs table stores about a command's arguments and options.

    ``paths`` are the absolute paths collected for ``arguments``, or None
    when the collection was interrupted. ``Store.unfinished_runs`` compares
    the whole record, so the path arguments are stored as absolute paths,
    and two spellings of one folder resume each other's runs. ``reuse`` and
    ``inputs`` tell apart runs whose options or inputs differ in ways the
    command line does not show: a ``store.reuse`` setting, more than the 50
    paths kept, or other paths on stdin.
    """
    absolute = _absolute_arguments(arguments)
    described = options.describe()
    for section, key in _RESULT_NEUTRAL_OPTIONS:
        values = described.get(section)
        if isinstance(values, dict):
            values.pop(key, None)
            if not values:
                del described[section]
    return {
        "paths": absolute[:50],
        "options": described,
        "reuse": options.settings().store.reuse,
        "inputs": _inputs_digest(absolute, paths),
    }


def _absolute_arguments(arguments: Sequence[str]) -> list[str]:
    """Return the path arguments as absolute paths, with ``-`` (stdin) kept.

    ``os.path.abspath`` is the normalization ``collect_paths`` gives the
    stored paths: it drops a trailing slash and ``.`` parts but does not
    resolve symbolic links. So ``docs``, ``docs/`` and ``$PWD/docs`` are one
    input, as they are the same stored documents, while a link to ``docs``
    stays another input, whose documents are stored under the link's path.
    """
    return [
        argument if argument == "-" else os.path.abspath(argument)
        for argument in map(str, arguments)
    ]


def _inputs_digest(absolute: Sequence[str], paths: Sequence[str] | None) -> str:
    """Return the SHA-256 of the absolute path arguments ``absolute``, as hex.

    The arguments keep their order and repeats. With ``-`` the paths read
    from stdin are part of the input, so the digest is of every collected
    path, sorted, when ``paths`` is known.
    """
    import hashlib
    import json

    named = sorted(paths) if "-" in absolute and paths is not None else list(absolute)
    return hashlib.sha256(json.dumps(named).encode("ascii")).hexdigest()


def _without_database_files(
    paths: list[str], store: Store, options: CliOptions, notes: list[str]
) -> list[str]:
    """Leave out the database's own files, found when it sits in a walked folder.

    The note this writes on stderr is appended to ``notes``.
    """
    documents = [path for path in paths if not store.owns(path)]
    if len(documents) < len(paths) and not options.quiet:
        skipped = len(paths) - len(documents)
        note = (
            f"docflow: skipped {plural(skipped, 'file')} of the results database "
            f"{str(store.path)!r} (the database, its log or its lock); they are "
            "not documents"
        )
        sys.stderr.write(note + "\n")
        notes.append(note)
    return documents


def _kinds_without_servers(stats: dict[str, Any]) -> list[str]:
    """Return the server kinds whose every server slot gave up during the run."""
    slots: dict[str, list[bool]] = {}
    for server in stats.get("servers", []):
        slots.setdefault(server.get("kind", ""), []).append(bool(server.get("gave_up")))
    return sorted(kind for kind, gave_up in slots.items() if gave_up and all(gave_up))


def _interrupted_message(session: _Session, total: int) -> str:
    writer = session.writer
    run_id = writer.run.run_id if writer.run is not None else None
    cause = "stopped because stdout was closed" if session.stopping else "interrupted"
    if not writer.done:
        return (
            f"{cause} before any of {plural(total, 'document')} was finished "
            f"(recorded as run {run_id}). Run the same command again to process them"
        )
    reused = "the stored results"
    if session.settings is not None and not session.settings.store.reuse:
        # --no-cache: the next run of this command reuses only what this run
        # and the runs it resumed stored (Store.unfinished_runs).
        runs = [*session.resumed_runs, *([run_id] if run_id is not None else [])]
        stored_by = _run_names(runs) if runs else "this run"
        reused = (
            f"only the results stored by {stored_by} and processes the other "
            "documents again"
        )
    # --restart would abandon this run instead of resuming it.
    without = " without --restart" if session.restart else ""
    return (
        f"{cause} after {writer.done} of {plural(total, 'document')}; their "
        f"results are stored as run {run_id}. Run the same command again"
        f"{without} to resume: it reuses {reused}"
    )


def _run_names(run_ids: Sequence[int]) -> str:
    """Return ``run 3`` or ``runs 1, 2 and 3`` for run ids, oldest first."""
    ordered = [str(run_id) for run_id in sorted(run_ids)]
    if len(ordered) == 1:
        return f"run {ordered[0]}"
    return f"runs {', '.join(ordered[:-1])} and {ordered[-1]}"


def check_password_file(settings: Settings, options: CliOptions) -> None:
    """Raise UsageError when the configured password file cannot be read."""
    from docflow.errors import UsageError

    path = settings.extraction.password_file
    if not path:
        return
    try:
        with open(path, encoding="utf-8"):
            pass
    except OSError as exc:
        source = (
            "--password-file"
            if options.password_file is not None
            else "the extraction.password_file setting"
        )
        raise UsageError(
            f"cannot read the password file {path!r} given by {source}: "
            f"{exc.strerror or exc}"
        ) from None


def _open_session(
    command: str,
    run_arguments: dict[str, Any],
    paths: Sequence[str],
    options: CliOptions,
    store: Store,
    *,
    started_at: datetime,
) -> _Session:
    from docflow.cli._progress import Progress
    from docflow.core.config import settings_fingerprint
    from docflow.core.store import ResultWriter, RunProgress

    settings = options.settings()
    run = RunProgress(command, run_arguments, total=len(paths), started_at=started_at)
    writer = ResultWriter(
        store,
        fingerprint=settings_fingerprint(settings),
        run=run,
        flush_rows=settings.store.flush_rows,
        flush_seconds=settings.store.flush_seconds,
        background=False,  # started once the cache lookup's session is closed
    )
    # Ids are assigned when the writer flushes a batch, after the row is
    # printed, so processing output has no id column; docflow results has.
    # Every command prints the same columns, empty where it computed nothing.
    left_out = {"id"}
    printer = RecordPrinter(
        resolve_format(options.output_format or settings.output.format),
        columns=[column for column in RESULT_COLUMNS if column not in left_out],
        order=_input_order(paths),
    )
    progress = Progress(len(paths), enabled=not options.quiet)
    return _Session(printer, writer, progress, len(paths))


def _input_order(paths: Sequence[str]) -> dict[str, int]:
    """Map each path, and its printed form where that differs, to its position.

    The table and the JSON array sort records by their printed path, which
    escapes bytes of a file name that are not UTF-8.
    """
    from docflow.core.store import display_path

    order: dict[str, int] = {}
    for index, path in enumerate(paths):
        order[path] = index
        order.setdefault(display_path(path), index)
    return order


def _corrections(store: Store) -> CorrectionIndex | None:
    corrections = store.corrections()
    if not corrections:
        return None  # spares importing the classifier package
    from docflow.core.classify.corrections import CorrectionIndex

    return CorrectionIndex(corrections)


def _known_results(plan: Plan) -> Iterator[tuple[DocumentResult, dict[str, Any]]]:
    """Yield unreadable files' results, then cache hits, with their storing options."""
    for result in plan.rejected:
        yield result, {}
    for hit in plan.hits:
        stored = {
            "file_stat": plan.stats.get(hit.result.path),
            "cache_hit": True,
            "store": hit.needs_write,
            "stale_analyses": plan.stale.get(hit.result.path, frozenset()),
        }
        yield hit.result, stored


def _deliver_known(session: _Session, plan: Plan) -> None:
    for result, stored in _known_results(plan):
        session.deliver(result, **stored)
    _touch_and_log(session, plan)


def _store_known(session: _Session, plan: Plan) -> Exception | None:
    """Store a run that has no file to process; return the error it raised.

    The caller has the store's session open, so the results and the end of
    the run go into the connection that looked them up. They are printed after
    the connection closes, because a slow reader of stdout must not keep
    other docflow processes waiting for the database. The caller raises the
    error after printing, as a run with files to process does.
    """
    for result, stored in _known_results(plan):
        session.record(result, **stored)
    _touch_and_log(session, plan)
    try:
        with _interrupts_deferred():
            session.writer.finish("finished")
    except Exception as exc:
        return exc
    return None


def _show_known(session: _Session, plan: Plan) -> None:
    for result in plan.rejected:
        session.show(result)
    for hit in plan.hits:
        session.show(hit.result)


def _touch_and_log(session: _Session, plan: Plan) -> None:
    for file_stat, content_hash in plan.touched:
        session.writer.touch(file_stat, content_hash)
    if plan.hits:
        log.info(
            "%d of %d documents reused from the store", len(plan.hits), len(plan.stats)
        )


def _exit_code(status_counts: Counter[str], model_failures: int = 0) -> int:
    if model_failures:
        return int(ExitCode.MODEL)
    if status_counts.get("ocr_unavailable"):
        return int(ExitCode.OCR_UNAVAILABLE)
    if any(status != "ok" for status in status_counts):
        return int(ExitCode.DOCUMENTS_FAILED)
    return int(ExitCode.OK)


def _format_counts(counts: Counter[str]) -> str:
    return ", ".join(f"{count} {name}" for name, count in counts.most_common())


#: Error lines a run prints at the most; the results keep every message.
_MAX_ERROR_LINES = 1000


def error_lines(session: _Session) -> list[str]:
    """Return a line on stderr for each document that failed, -q or not.

    A table lists the errors under it on stdout already. In the other
    formats each error is in its record, and a line on stderr also shows a
    person or a log that reads only stderr which files failed and why.
    """
    if session.printer.format == "table":
        return []
    lines = [f"docflow: {terminal_text(error)}" for error in session.errors]
    if session.errors_left_out:
        lines.append(
            f"docflow: and {session.errors_left_out} more errors; docflow results "
            "--status STATUS lists the documents of each status"
        )
    return lines


def _print_errors(lines: list[str]) -> None:
    if lines:
        sys.stderr.write("".join(line + "\n" for line in lines))
        sys.stderr.flush()


def _print_summary(session: _Session, elapsed: float, settings: Settings) -> None:
    writer = session.writer
    lines = _summary_lines(session, f"{elapsed:.1f}")
    run_id = writer.run.run_id if writer.run is not None else None
    lines.append(f"run {run_id} stored in {terminal_text(settings.store.database)}")
    write: Callable[[str], Any] = sys.stderr.write
    for line in lines:
        write(line + "\n")
    sys.stderr.flush()


def _summary_lines(
    session: _Session,
    elapsed: str,
    *,
    cache_hits: int | None = None,
    categories: Counter[str] | None = None,
    statuses: Counter[str] | None = None,
) -> list[str]:
    """Return the summary lines; keyword arguments override the session's counts."""
    writer = session.writer
    hits = writer.cache_hits if cache_hits is None else cache_hits
    categories = session.categories if categories is None else categories
    statuses = writer.status_counts if statuses is None else statuses
    reused = plural(hits, "cache hit")
    if session.resumed_runs:
        reused = (
            f"resumed {_run_names(session.resumed_runs)}: "
            f"{plural(hits, 'result')} reused"
        )
    lines = [
        f"{plural(writer.done, 'document')} in {elapsed} s: "
        f"{_format_counts(statuses)}; {reused}"
    ]
    if categories:
        lines.append(f"categories: {_format_counts(categories)}")
    if session.model_failures:
        lines.append(
            f"classifier model unusable for "
            f"{plural(session.model_failures, 'document')}: "
            f"{terminal_text(session.model_problem or '')}"
        )
    if session.to_review or session.with_problems:
        lines.append(_where_details(session.to_review, session.with_problems))
    return lines


def _where_details(to_review: int, with_problems: int) -> str:
    """Return a line that counts the documents to look at and names the
    commands that show their details."""
    counts = []
    if to_review:
        verb = "needs" if to_review == 1 else "need"
        counts.append(f"{plural(to_review, 'document')} {verb} review")
    if with_problems:
        verb = "has" if with_problems == 1 else "have"
        # After the review count the noun is left out: "2 documents need
        # review, 1 has quality issues".
        documents = str(with_problems)
        if not to_review:
            documents = plural(with_problems, "document")
        counts.append(f"{documents} {verb} quality issues")
    commands = "docflow report ID or PATH shows one document's issues and advice"
    if to_review:
        commands = f"docflow review lists those to review, and {commands}"
    return f"{', '.join(counts)}: {commands}"


def _replay_recorder(
    settings: Settings, options: CliOptions, arguments: Sequence[str]
) -> _replay.Recorder | None:
    """Return a recorder of this run's output when a replay record may be saved.

    Only the ``docflow`` console script computes the key it needs (``launch``).
    Call it before the walk, because it notes the state of the walked folders.
    """
    pending = _replay.pending_key()
    if pending is None or not settings.store.replay:
        return None
    if options.rehash or options.verbose or not settings.store.reuse:
        return None
    key, folder = pending
    configured = os.path.join(os.path.abspath(settings.store.cache_dir), _replay.FOLDER)
    if configured != folder:
        return None  # the fast path would look elsewhere
    return _replay.Recorder(
        key,
        folder,
        folders=_replay.folder_states(arguments, map(str, own_folders(settings))),
        dependencies=_replay_dependencies(settings, options),
    )


def _save_replay(
    recorder: _replay.Recorder,
    session: _Session,
    plan: Plan,
    store: Store,
    settings: Settings,
    options: CliOptions,
    code: int,
) -> None:
    """Save what the next run of this command would print, for ``_replay``.

    That run would reuse every result, so it prints them with ``cached`` set.
    JSON Lines and CSV list unreadable files first and then the rest in the
    order given. The table and the JSON array sort all by the printed path.
    Nothing is saved when a result would not be reused (a status such as
    ``timeout`` is retried), the run logged a warning, or another process
    changed the database during the run (a label, say).
    """

    items = recorder.items
    if (
        _replay.warnings_logged()
        or recorder.overflow
        or session.model_failures
        or len(items) != len(plan.stats) + len(session.rejected)
        or not store.unchanged_elsewhere()
    ):
        return
    order = session.printer.order or {}
    last = len(order)
    if session.printer.format in ("jsonl", "csv"):
        items = sorted(
            items, key=lambda item: (not item.rejected, order.get(item.path, last))
        )
    else:
        items = sorted(items, key=lambda item: order.get(item.display, last))
    output = _replay_output(session.printer, [item.output for item in items])
    hits = sum(1 for item in items if not item.rejected)
    # Counts in printing order, so equal counts are listed as the next run would.
    categories = Counter(item.category for item in items if item.category is not None)
    statuses = Counter(item.status for item in items)
    run = session.writer.run
    try:
        saved = recorder.save(
            run_id=run.run_id if run is not None else None,
            database=settings.store.database,
            exit_code=code,
            quiet=options.quiet,
            output=output,
            errors=error_lines(session),
            summary=_summary_lines(
                session,
                _replay.ELAPSED,
                cache_hits=hits,
                categories=categories,
                statuses=statuses,
            ),
        )
        if saved and not store.unchanged_elsewhere():
            recorder.remove()  # a write slipped in while the record was made
    except OSError as exc:  # a cache folder that cannot be written
        log.debug("cannot save the replay record: %s", exc)


def _replay_dependencies(settings: Settings, options: CliOptions) -> list[str]:
    """Return the files besides the inputs that shape a run's output."""
    from docflow.core.config import CONFIG_FILE

    config = options.config or os.environ.get("DOCFLOW_CONFIG") or CONFIG_FILE
    dependencies = [os.path.expanduser(config)]
    if settings.extraction.password_file:
        dependencies.append(settings.extraction.password_file)
    if settings.classification.model_path:
        from docflow.core.classify._model import resolve_model_dir

        # The folder and each file in it: a file can be replaced in place.
        model_dir = resolve_model_dir(settings)
        dependencies.append(str(model_dir))
        with contextlib.suppress(OSError):
            dependencies += [entry.path for entry in os.scandir(model_dir)]
    return dependencies


class _Buffer(io.StringIO):
    """Text kept in memory under the encoding of the stream it replaces, so
    the table drawn into it gets the same borders and escapes."""

    def __init__(self, encoding: str | None) -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str | None:  # type: ignore[override]
        return self._encoding


def _replay_output(printer: RecordPrinter, outputs: Sequence[Any]) -> str:
    """Return what ``_Session._collect`` kept, in the printer's format."""
    if printer.format == "jsonl":
        return "".join(outputs)
    if printer.format == "csv":
        return csv_header(printer.columns) + "".join(outputs) if outputs else ""
    if printer.format == "json":
        return json_array(outputs)
    output = _Buffer(getattr(printer.stream, "encoding", None))
    table = RecordPrinter(
        printer.format,
        columns=printer.columns,
        stream=output,
        title=printer.title,
        width=printer.width,
    )
    for row in outputs:
        table.emit(row, row)
    table.close()
    return output.getvalue()


#: Statuses the cache reuses (``Store.lookup``); the others are processed again.
_REUSED_STATUSES = frozenset({"ok", "unsupported", "empty", "corrupt", "too_large"})


def _reusable(result: DocumentResult, *, classify: bool, quality: bool) -> bool:
    """Return whether the next run would take ``result`` from the cache."""
    if str(result.status) not in _REUSED_STATUSES:
        return False
    if str(result.status) != "ok":
        return True
    return (not classify or result.classification is not None) and (
        not quality or result.quality is not None
    )
