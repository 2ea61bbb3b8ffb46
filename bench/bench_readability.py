"""Time docflow's once-counted readability against textstat called per formula.

Run from the repository root:

    .venv/bin/python bench/bench_readability.py [--textstat-max-chars N]

Documents: the .md and .txt files under ../shared/corpus/labeled/ and the
3.2 MB War and Peace text under ../shared/corpus/edge/. For each, it prints the
time of ``count_text_statistics`` + ``compute_readability`` (sampled as
analyze_quality does, and over the whole text) and of calling the six textstat
0.7.13 formulas one by one, then the ratio. Those timings start with empty
syllable caches (docflow's and pyphen's, which both share) and are the best
of three runs. The "warm" column is docflow again with the caches kept, as in
a worker that has already seen the words. It also prints the import time of
each in a fresh interpreter.

textstat runs with its cmudict lookup disabled and ``nltk.download`` made to
raise, so it counts syllables with pyphen as docflow does and never touches
the network. Timings depend on the machine and on what else runs on it;
compare the ratios, measured in the same run, rather than the absolute times.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from docflow.core.config import QualitySettings
from docflow.core.readability import (
    FORMULAS,
    compute_readability,
    count_text_statistics,
    count_word_syllables,
)

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
WAR_AND_PEACE = CORPUS / "edge" / "unst__book-war-and-peace-1225p.txt"


def measure_import(module: str) -> float:
    """Return the seconds a fresh interpreter takes to import ``module``."""
    code = (
        "import time; started = time.perf_counter(); "
        f"import {module}; print(time.perf_counter() - started)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return float(completed.stdout.strip())


def load_textstat():
    """Import textstat limited to pyphen syllables and unable to download."""
    import nltk

    def refuse_download(*args, **kwargs):
        raise RuntimeError("nltk.download called during the benchmark")

    nltk.download = refuse_download
    import textstat
    from textstat.backend.counts import _count_syllables

    _count_syllables.get_cmudict = lambda lang: None
    textstat.set_lang("en_US")
    return textstat


def clear_syllable_caches() -> None:
    """Forget every word's syllables, in docflow and in pyphen's shared
    per-dictionary cache, so neither side profits from the other's run."""
    import pyphen

    count_word_syllables.cache_clear()
    for dictionary in pyphen.hdcache.values():
        dictionary.cache.clear()


def time_docflow(text: str, max_words: int, *, cold: bool = True) -> float:
    if cold:
        clear_syllable_caches()
    started = time.perf_counter()
    stats = count_text_statistics([text], "en", max_words=max_words)
    compute_readability(stats)
    return time.perf_counter() - started


def time_textstat(textstat, text: str) -> float:
    clear_syllable_caches()
    started = time.perf_counter()
    for name in FORMULAS:
        getattr(textstat, name)(text)
    elapsed = time.perf_counter() - started
    # textstat caches results by text, so clear them for the next run.
    for function in vars(textstat.backend.metrics).values():
        if hasattr(function, "cache_clear"):
            function.cache_clear()
    for function in vars(textstat.backend.counts).values():
        if hasattr(function, "cache_clear"):
            function.cache_clear()
    return elapsed


def best_of(runs: int, measure, *args) -> float:
    return min(measure(*args) for _ in range(runs))


def collect_documents() -> list[Path]:
    labeled = CORPUS / "labeled"
    paths = sorted(labeled.glob("*/*.md")) + sorted(labeled.glob("*/*.txt"))
    if WAR_AND_PEACE.is_file():
        paths.append(WAR_AND_PEACE)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--textstat-max-chars",
        type=int,
        default=0,
        help="give textstat only the first N characters of each text "
        "(0, the default, gives it the whole text)",
    )
    args = parser.parse_args()
    paths = collect_documents()
    if not paths:
        sys.exit(f"no documents found under {CORPUS}")

    print("import times (fresh interpreter):")
    ours_import = measure_import("docflow.core.readability")
    theirs_import = measure_import("textstat")
    print(f"  docflow.core.readability {ours_import * 1000:8.1f} ms")
    print(f"  textstat                 {theirs_import * 1000:8.1f} ms")
    print(f"  ratio textstat/docflow   {theirs_import / ours_import:8.1f}x")
    print()

    textstat = load_textstat()
    sample_words = QualitySettings().readability_max_words
    # Load pyphen's dictionary outside the timings, because both use the same
    # one. Every timing then starts with empty syllable caches.
    time_docflow("warm up the hyphenation dictionary.", 100)
    textstat.syllable_count("warm up")

    header = (
        f"{'document':44s} {'words':>8s} {'sampled ms':>10s} {'full ms':>9s} "
        f"{'warm ms':>8s} {'textstat ms':>11s} {'ratio full':>10s}"
    )
    print(header)
    totals = [0.0, 0.0, 0.0, 0.0]
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        textstat_text = (
            text[: args.textstat_max_chars] if args.textstat_max_chars else text
        )
        runs = 1 if len(text) > 1_000_000 else 3
        sampled = best_of(runs, time_docflow, text, sample_words)
        full = best_of(runs, time_docflow, text, 10**9)
        warm = time_docflow(text, 10**9, cold=False)
        theirs = best_of(runs, time_textstat, textstat, textstat_text)
        for index, value in enumerate((sampled, full, warm, theirs)):
            totals[index] += value
        print(
            f"{path.name[:44]:44s} {len(text.split()):8d} {sampled * 1000:10.1f} "
            f"{full * 1000:9.1f} {warm * 1000:8.1f} {theirs * 1000:11.1f} "
            f"{theirs / full:9.1f}x"
        )
    print(
        f"{'total':44s} {'':8s} {totals[0] * 1000:10.1f} {totals[1] * 1000:9.1f} "
        f"{totals[2] * 1000:8.1f} {totals[3] * 1000:11.1f} "
        f"{totals[3] / totals[1]:9.1f}x"
    )
    if args.textstat_max_chars:
        print(f"(textstat read at most {args.textstat_max_chars} characters per text)")


if __name__ == "__main__":
    main()
