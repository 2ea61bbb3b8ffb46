"""Measure the shipped classifier on the labelled evaluation set.

Runs every file under the evaluation corpus through
``process_document(path, settings, quality=False)`` and prints per-category
precision and recall, macro-F1, the confusion matrix, calibration (ECE and
the reliability table), how many wrong predictions fall under the review
threshold, the abstention rate, key-fact accuracy, model load time and
per-document classification time. ``--markdown`` also writes the report to
docs/accuracy.md.

Usage (from the repository root):

    .venv/bin/python bench/accuracy.py [--corpus DIR] [--markdown]
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import statistics
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "labeled"
FIT_CHECK = "fits no category well"
FACT_KINDS = ("document_date", "due_date", "total", "tax", "sender", "recipient")
#: The categories whose key facts are scored together, by the title of their table.
FACT_GROUPS = {
    "invoices and receipts": {"invoice", "receipt"},
    "e-mails, letters and meeting minutes": {"email", "letter", "meeting_minutes"},
}


def default_out_of_scope() -> list[Path]:
    """Return readable documents that belong to none of docflow's categories.

    They are a novel from the edge corpus, this project's own Markdown files,
    and the text and HTML files of IDLE's documentation in Python's standard
    library (change logs, credits, a to-do list, a manual). Every CPython
    installation carries IDLE's files, and they played no part in choosing
    the ``classification.min_fit_*`` defaults.
    """
    import sysconfig

    idle = Path(sysconfig.get_paths()["stdlib"]) / "idlelib"
    edge = ROOT.parent / "shared" / "corpus" / "edge"
    paths = [
        edge / "unst__book-war-and-peace-1225p.txt",
        ROOT / "README.md",
        ROOT / "bench" / "README.md",
        ROOT / "docs" / "benchmarks.md",
        *sorted(idle.glob("*.txt")),
        idle / "help.html",
    ]
    return [path for path in paths if path.is_file()]


@dataclass
class Outcome:
    """One document's true label and what docflow returned for it."""

    path: Path
    truth: str
    category: str  # the returned category, may be "unknown"
    guess: str  # the best guess, also when the returned category is "unknown"
    confidence: float
    classify_ms: float
    facts: dict[str, str]
    error: str | None = None
    fit_check: bool = False  # the fit check made the category unknown


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="settings file to use instead of ./docflow.toml",
    )
    parser.add_argument(
        "--rules",
        type=Path,
        default=None,
        help="TOML file whose [classification.rules.*] replace the configured rules",
    )
    parser.add_argument(
        "--out-of-scope",
        type=Path,
        action="append",
        default=None,
        metavar="FILE",
        help="a document of no category, to check that it comes out 'unknown' "
        "(repeat; default: a novel, this project's docs and IDLE's)",
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="also write the report to docs/accuracy.md",
    )
    return parser.parse_args(argv)


def run_documents(corpus: Path, settings: Any) -> list[Outcome]:
    """Process each labelled file and time a second, cached classification."""
    from docflow.core.classify import classify_document
    from docflow.core.pipeline import extract_cached, process_document

    outcomes = []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        truth = path.relative_to(corpus).parts[0]
        result = process_document(str(path), settings, quality=False)
        if result.classification is None:
            outcomes.append(
                Outcome(path, truth, "error", "error", 0.0, 0.0, {}, result.error)
            )
            continue
        assert result.content_hash is not None
        document = extract_cached(str(path), result.content_hash, settings)
        started = time.perf_counter()
        classify_document(document, settings)
        elapsed = (time.perf_counter() - started) * 1000
        outcomes.append(_outcome(path, truth, result.classification, elapsed))
    return outcomes


@dataclass
class OutOfScope:
    """A document of no category and docflow's result with and without the check."""

    path: Path
    category: str
    confidence: float
    unchecked: str  # the category with classification.min_fit_lead = 0
    unchecked_confidence: float


def run_out_of_scope(paths: list[Path], settings: Any) -> list[OutOfScope]:
    """Classify each file with the fit check and again with it turned off."""
    from docflow.core.pipeline import process_document

    unchecked_settings = settings.model_copy(deep=True)
    unchecked_settings.classification.min_fit_lead = 0.0
    outcomes = []
    for path in paths:
        checked = process_document(str(path), settings, quality=False)
        unchecked = process_document(str(path), unchecked_settings, quality=False)
        if checked.classification is None or unchecked.classification is None:
            print(f"error: {checked.error or unchecked.error}", file=sys.stderr)
            continue
        outcomes.append(
            OutOfScope(
                path=path,
                category=checked.classification.category,
                confidence=checked.classification.confidence,
                unchecked=unchecked.classification.category,
                unchecked_confidence=unchecked.classification.confidence,
            )
        )
    return outcomes


def _outcome(path: Path, truth: str, classification: Any, elapsed: float) -> Outcome:
    guess = classification.category
    if guess == "unknown" and classification.metadata.runners_up:
        guess = classification.metadata.runners_up[0].category
    facts = {fact.kind: fact.normalized or fact.value for fact in classification.facts}
    fit_check = any(FIT_CHECK in item.term for item in classification.evidence)
    return Outcome(
        path=path,
        truth=truth,
        category=classification.category,
        guess=guess,
        confidence=classification.confidence,
        classify_ms=elapsed,
        facts=facts,
        fit_check=fit_check,
    )


def load_expected_facts() -> dict[str, dict[str, Any]]:
    """Read the hand-checked fact table from tests/test_facts.py."""
    spec = importlib.util.spec_from_file_location(
        "expected_facts", ROOT / "tests" / "test_facts.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.EXPECTED_FACTS


def score_facts(
    outcomes: list[Outcome], corpus: Path
) -> dict[str, dict[str, dict[str, int]]]:
    """Count, per group of categories and fact kind, facts found right and invented.

    A document counts in the group of its true category, and documents of
    no group are not scored.
    """
    from docflow.core.facts import fact_matches

    expected_table = load_expected_facts()
    by_path = {o.path.relative_to(corpus).as_posix(): o for o in outcomes}
    scores = {
        group: {kind: {"stated": 0, "right": 0, "spurious": 0} for kind in FACT_KINDS}
        for group in FACT_GROUPS
    }
    for relative, expected in expected_table.items():
        outcome = by_path.get(relative)
        group = _fact_group(relative.split("/")[0])
        if outcome is None or group is None:
            continue
        for kind in FACT_KINDS:
            value = expected.get(kind)
            found = outcome.facts.get(kind)
            if value is None:
                scores[group][kind]["spurious"] += found is not None
                continue
            scores[group][kind]["stated"] += 1
            scores[group][kind]["right"] += fact_matches(kind, found, value)
    return scores


def _fact_group(category: str) -> str | None:
    return next(
        (group for group, members in FACT_GROUPS.items() if category in members),
        None,
    )


def summarize(
    outcomes: list[Outcome], threshold: float, review_threshold: float
) -> dict[str, Any]:
    from docflow.core.classify.metrics import (
        evaluate_predictions,
        per_category_metrics,
        reliability_table,
    )

    scored = [o for o in outcomes if o.error is None]
    truth = [o.truth for o in scored]
    guesses = [o.guess for o in scored]
    confidences = [o.confidence for o in scored]
    best_guess = evaluate_predictions(truth, guesses, confidences)
    final = per_category_metrics(truth, [o.category for o in scored])
    wrong = [o for o in scored if o.guess != o.truth]
    accepted = [o for o in scored if o.category != "unknown"]
    return {
        "documents": len(outcomes),
        "errors": [o for o in outcomes if o.error is not None],
        "best_guess": best_guess,
        "final": final,
        "final_macro_f1": statistics.fmean(m.f1 for m in final.values()),
        "reliability": reliability_table(
            confidences, [o.guess == o.truth for o in scored]
        ),
        "wrong": len(wrong),
        "wrong_below_threshold": sum(o.confidence < threshold for o in wrong),
        "wrong_to_review": sum(o.confidence < review_threshold for o in wrong),
        "abstained": len(scored) - len(accepted),
        "accepted_accuracy": (
            sum(o.category == o.truth for o in accepted) / len(accepted)
            if accepted
            else 0.0
        ),
    }


def _confusion_lines(outcomes: list[Outcome]) -> list[str]:
    truths = sorted({o.truth for o in outcomes})
    predicted = sorted({o.category for o in outcomes} - set(truths))
    columns = truths + predicted
    counts = Counter((o.truth, o.category) for o in outcomes)
    short = [name[:6] for name in columns]
    lines = ["| true \\ predicted | " + " | ".join(short) + " |"]
    lines.append("|---|" + "---:|" * len(columns))
    for truth in truths:
        cells = [str(counts[truth, name] or ".") for name in columns]
        lines.append(f"| {truth} | " + " | ".join(cells) + " |")
    return lines


def render_report(
    outcomes: list[Outcome],
    summary: dict[str, Any],
    facts: dict[str, dict[str, int]],
    timing: dict[str, float],
    context: dict[str, Any],
) -> str:
    """Render the whole report as Markdown (also printed to stdout)."""
    best = summary["best_guess"]
    scored = len(outcomes) - len(summary["errors"])
    lines = [
        "# Classifier accuracy",
        "",
        f"Measured {context['date']} on {context['machine']} with model "
        f"`{context['model']}`, confidence threshold {context['threshold']} and "
        f"{context['rules']}.",
        "",
        "Command (from the repository root):",
        "",
        "```",
        context["command"],
        "```",
        "",
        f"Evaluation set: {summary['documents']} documents in "
        f"{len(best.per_category)} categories ({context['corpus']}). "
        "The model never saw these files: it is trained on `sample_docs/train/`.",
        "",
        "## Summary",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| macro-F1, best guess (no abstention) | {best.macro_f1:.3f} |",
        f"| accuracy, best guess | {best.accuracy:.3f} |",
        f"| macro-F1, final answers (`unknown` counts as wrong) | "
        f"{summary['final_macro_f1']:.3f} |",
        f"| abstention rate (`unknown`) | {summary['abstained']}/{scored} = "
        f"{summary['abstained'] / max(scored, 1):.3f} |",
        f"| accuracy of the answers given (not `unknown`) | "
        f"{summary['accepted_accuracy']:.3f} |",
        f"| expected calibration error (10 bins) | {best.ece:.3f} |",
        f"| wrong best guesses below the threshold | "
        f"{summary['wrong_below_threshold']}/{summary['wrong']}"
        f"{_share(summary['wrong_below_threshold'], summary['wrong'])} |",
        f"| wrong best guesses sent to review (below review_threshold "
        f"{context['review_threshold']}) | {summary['wrong_to_review']}/"
        f"{summary['wrong']}{_share(summary['wrong_to_review'], summary['wrong'])} |",
        f"| documents that failed to process | {len(summary['errors'])} |",
        f"| model load time | {timing['load_ms']:.0f} ms |",
        f"| classify time per document, median / max | "
        f"{timing['median_ms']:.1f} / {timing['max_ms']:.1f} ms |",
        "",
        "## Per category",
        "",
        "Best guess, then the final answer after the threshold.",
        "",
        "| category | n | precision | recall | F1 | final precision | final recall |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, metrics in best.per_category.items():
        final = summary["final"][name]
        lines.append(
            f"| {name} | {metrics.support} | {metrics.precision:.2f} | "
            f"{metrics.recall:.2f} | {metrics.f1:.2f} | {final.precision:.2f} | "
            f"{final.recall:.2f} |"
        )
    lines += NOTES.rstrip("\n").split("\n")
    lines += ["", "## Confusion matrix (final answers)", ""]
    lines += _confusion_lines([o for o in outcomes if o.error is None])
    lines += _reliability_lines(summary)
    lines += _threshold_lines(outcomes)
    lines += _out_of_scope_lines(
        outcomes, context["out_of_scope"], context["unchecked"]
    )
    lines += _fact_lines(facts)
    lines += _mistake_lines(outcomes, context["corpus_path"])
    return "\n".join(lines) + "\n"


NOTES = """
## How the model is built

- Input: the first `classification.max_chars` characters of the extracted
  text, lower-cased with every digit mapped to 0. A first pass reads the
  first `classification.first_chars` characters; only a document that pass
  leaves `unknown` or under the review threshold is classified again from
  `max_chars`.
- Features: word TF-IDF (unigrams and bigrams, sublinear tf), character n-grams
  (`char_wb`, 3 to 5, which carry over to French, German, Dutch, Polish and to
  OCR noise) and 21 layout features (e-mail header lines, short `Label: value`
  lines, lines with amounts or currencies, table-like lines, date density,
  salutation and closing lines, reference markers, headings, page count, OCR
  share and others, listed in `model.json`).
- Classifier: LinearSVC with balanced class weights. Its decision scores go
  through a softmax with one temperature, fitted on out-of-fold scores of the
  training corpus.
- Rules from `[classification.rules.*]` are mixed in with weight
  `rule_weight × min(1, fired weight / 3)`; `processing_method` names what
  decided. A keyword inside a longer keyword of the same category that
  fired ("sincerely" in "yours sincerely") does not count.
- Confidence map: the best guess's mixed score goes through
  `sigmoid(slope × logit(score) + intercept)`, fitted by `docflow train` on
  scores of training documents whose template was held out (5 folds, dealt
  5 times; documents the checks below would cap are left out). The shipped
  model's map is slope 1.197, intercept 0.419 (in `model.json`): a mixed
  score of 0.65 becomes 0.76, 0.95 becomes 0.98. It keeps the order of
  confidences, so it changes no best guess.
- Disagreement check: the confidence drops to 0.2, so the category is
  `unknown` and the document goes to review, in two cases. Either rules of
  another category fire with weight 1.5 or more and lead the best guess's
  own rules by 1. Or a total with a tax amount or due date is found on a
  document whose best guess is not an invoice, receipt, purchase order or
  bank statement. The evidence names the reason.
- Language check: the confidence also drops to 0.2 when the text is in a
  language the model was not trained on. The shipped model's `model.json`
  has no `languages` list, so the languages of docflow's word lists count
  (English, French, German, Dutch, Polish, Spanish, Italian); `docflow
  train` writes the list.
- Fit check: the confidence also drops to 0.2 when the document fits no
  category. That is when the linear model's best raw score is under
  `classification.min_fit_score` (-0.35), it leads the next by less than
  `min_fit_lead` (0.2), and no rule of the best guess fired. The softmax
  depends only on the differences between scores. Before this check, a
  novel that every category rejected came out `contract` at 0.95.
- Abstention for too little or mostly garbage text returns no key facts.

## Reading these numbers

- The evaluation set is small: one bank statement and one memo, so one
  document moves a category's F1 from 0 to 1 and the macro-F1 by 0.08.
- *Best guess* is the top category before the threshold. *Final answers*
  count `unknown` as wrong. ECE uses the best guess and its confidence.
- The key-fact rules were written while reading these invoices and receipts,
  so the fact accuracy below is optimistic for other documents. The facts of
  the e-mails, letters and minutes were read from them after those rules.
  One rule came after reading their misses: a letter without a letterhead
  takes its sender from its signature, which raised the letters' senders
  from 7 to 10 of 11, so that figure is optimistic too. The other categories
  of this set are not scored. Its forms, contracts, reports, papers and
  resumes have no clear sender, recipient or date. The memo's text layer is
  unreadable OCR, and the bank statement is a ledger of two accounts with no
  issuer or issue date.
- How often the evaluation set was looked at: the previous model's mistakes
  on it were known when this model was started, and the classifier's
  internals (model scores, rules, facts) were printed once for its five
  confident mistakes. The changes since then (letter-style invoices, more
  scientific paper layouts, Dutch and Spanish resumes, memos and reports,
  the disagreement check) follow from those mistakes and from gaps in the
  training corpus, and copy no text from the evaluation files. The test
  suite also checks loose calibration bounds on this set. The disagreement
  cap was chosen with `bench/template_cv.py` on the training corpus. Before
  the run recorded here, this script ran on the evaluation set seven times
  while the changes were made, so the figures are somewhat optimistic for
  unseen documents.
  The model before the last one (`2026.12.04-3`) had ECE 0.052 here; the
  last change, a second European CV layout, was chosen from the template
  cross-validation below, not from these files, and moved ECE to 0.066.
  That was the eighth run. A faster computation of the same
  features and a faster model load then added four more: one before, two
  after and the run recorded here. The categories and confidences came out
  identical each time; the key-fact figures come from a later version of
  the fact rules. The confidence map came next. It was written and checked
  with `bench/template_cv.py` at 5 folds (ECE 0.027 to 0.024). This script
  then ran once on the evaluation set with it (ECE 0.066 to 0.047), and
  the template cross-validation at 3, 4 and 6 folds ran after that (see
  below). The run recorded here is the fifteenth, with identical figures.
- The fit check's two defaults were chosen after looking at printed
  figures: the raw model scores, the rule scores and the final results. They
  covered this set's 54 text documents and 15 documents of no category (the
  novel, this project's Markdown files, and software documentation on the
  machine). IDLE's
  documentation files in the section below were not among them: they were
  classified once, after the defaults were fixed, as a held-out check, and 7
  of their 8 came out `unknown`. The check catches 3 of this set's
  documents, and the best guess was right for all 3. So on this set alone
  it costs calibration and final recall. The section below gives both
  sides.
- The training corpus is synthetic (`sample_docs/train/`, written by a
  generator from templates). `bench/template_cv.py` holds out whole
  templates in a 5-fold cross-validation on it and runs the full classifier
  (rules, abstention, confidence map fitted inside each fold, disagreement
  check). At 5 folds it gives macro-F1 0.879, ECE 0.024 (0.027 without the
  map), 62 of 76 wrong guesses under review_threshold 0.8 and 9%
  abstention; the check fired on 32 documents, and the best guess was right
  for 1 of them. Meeting minutes and reports, whose other-language
  documents come from few templates, are confused most. With the fit check,
  the language check and the memo and minutes rules of 5 December, the same
  5 folds give ECE 0.021, 65 of 76 wrong guesses under both thresholds and
  14% abstention. The fit check fired on 60 of the 650 documents, and the
  best guess was right for 26 of them: a writer the model has not seen
  often looks like no category at all.
- The map does not help at every fold count. ECE without and with it:
  3 folds 0.034 and 0.036, 4 folds 0.030 and 0.058, 5 folds 0.027 and
  0.024, 6 folds 0.038 and 0.019 (means 0.032 and 0.034). With 3 or 4
  folds a fold can hold out most templates of a category. The held-out
  documents are then further from the training set than in the map's own
  folds, so the map is over-confident. At 4 folds, the best guesses it put
  between 0.5 and 0.8 were right 23% to 54% of the time. The shipped model
  is trained on every template, closer to the 5- and 6-fold case. On this
  evaluation set the confidence is still a little low: every best guess at
  0.7 or more is right.
- Two other ways to fit the temperature were tried with
  `bench/template_cv.py` alone, at 3, 4, 5 and 6 folds, each alone and
  both together. One takes out-of-fold scores from folds that hold out
  whole templates; the other minimises the log loss after the rules are
  mixed in. Their mean ECE over the four runs was 0.035 to 0.039, against
  0.032 for the folds over documents used here, so the calibration was
  left as it is.
"""


def _out_of_scope_lines(
    outcomes: list[Outcome], others: list[OutOfScope], unchecked: list[Outcome]
) -> list[str]:
    """Render what the fit check did to documents of no category and to this set.

    ``unchecked`` are this set's outcomes with the check turned off. The
    calibration error over both sets counts every best guess for a document
    of no category as wrong.
    """
    from docflow.core.classify.metrics import expected_calibration_error

    def joint_ece(scored: list[Outcome], confidences: list[float]) -> float:
        kept = [o for o in scored if o.error is None]
        return expected_calibration_error(
            [o.confidence for o in kept] + confidences,
            [o.guess == o.truth for o in kept] + [False] * len(confidences),
        )

    with_check = joint_ece(outcomes, [o.confidence for o in others])
    without = joint_ece(unchecked, [o.unchecked_confidence for o in others])
    unchecked_ece = summary_ece(unchecked)
    fired = [o for o in outcomes if o.fit_check]
    right = sum(o.guess == o.truth for o in fired)
    caught = sum(o.category == "unknown" for o in others)
    before = sum(o.unchecked == "unknown" for o in others)
    lines = [
        "",
        "## Documents of no category",
        "",
        "The fit check (`classification.min_fit_score` and `min_fit_lead`) makes "
        "a document `unknown` when every category's raw model score is low, "
        "the best leads by little and no rule of the best guess fired. "
        f"Of {len(others)} documents that belong to no category, {caught} came "
        f"out `unknown` with the check and {before} with it turned off "
        "(`min_fit_lead = 0`). On the evaluation set above, the check made "
        f"{len(fired)} documents `unknown`, and their best guess was right for "
        f"{right} of them.",
        "",
        "The check trades calibration on this set for calibration on "
        "documents of no category. Expected calibration error (10 bins) on "
        f"this set alone: {summary_ece(outcomes):.3f} with the check, "
        f"{unchecked_ece:.3f} without. On this set and the documents of no "
        f"category together, where any category counts as wrong: "
        f"{with_check:.3f} with the check, {without:.3f} without.",
        "",
        "| document | with the check | check off |",
        "|---|---|---|",
    ]
    for other in others:
        lines.append(
            f"| {_short_name(other.path)} | {other.category} "
            f"{other.confidence:.2f} | {other.unchecked} "
            f"{other.unchecked_confidence:.2f} |"
        )
    if fired:
        lines += ["", "Documents of the evaluation set the check made `unknown`:", ""]
        lines += [
            f"- {o.path.parent.name}/{o.path.name}: best guess {o.guess}"
            f" ({'right' if o.guess == o.truth else 'wrong'})"
            for o in fired
        ]
    return lines


def summary_ece(outcomes: list[Outcome]) -> float:
    """Return the calibration error of the best guesses in ``outcomes``."""
    from docflow.core.classify.metrics import expected_calibration_error

    kept = [o for o in outcomes if o.error is None]
    return expected_calibration_error(
        [o.confidence for o in kept], [o.guess == o.truth for o in kept]
    )


def _short_name(path: Path) -> str:
    """Name a file by its last two path parts, without this machine's folders."""
    return f"{path.parent.name}/{path.name}"


def _share(part: int, whole: int) -> str:
    return f" = {part / whole:.2f}" if whole else ""


def _reliability_lines(summary: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "## Reliability table",
        "",
        "Confidence of the best guess against how often it was right.",
        "",
        "| confidence | documents | mean confidence | accuracy |",
        "|---|---:|---:|---:|",
    ]
    for row in summary["reliability"]:
        if row.count:
            lines.append(
                f"| {row.low:.1f}–{row.high:.1f} | {row.count} | "
                f"{row.mean_confidence:.3f} | {row.accuracy:.3f} |"
            )
    return lines


def _threshold_lines(outcomes: list[Outcome]) -> list[str]:
    """Show what other values of classification.confidence_threshold would do."""
    scored = [o for o in outcomes if o.error is None]
    wrong = [o for o in scored if o.guess != o.truth]
    lines = [
        "",
        "## Other thresholds",
        "",
        "The same run with classification.confidence_threshold set to each value.",
        "",
        "| threshold | wrong best guesses below it | abstention "
        "| accuracy of answers |",
        "|---:|---:|---:|---:|",
    ]
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
        below = sum(o.confidence < threshold for o in wrong)
        accepted = [o for o in scored if o.confidence >= threshold]
        right = sum(o.guess == o.truth for o in accepted)
        lines.append(
            f"| {threshold:.1f} | {below}/{len(wrong)} | "
            f"{(len(scored) - len(accepted)) / max(len(scored), 1):.2f} | "
            f"{right / max(len(accepted), 1):.3f} |"
        )
    return lines


def _fact_lines(facts: dict[str, dict[str, dict[str, int]]]) -> list[str]:
    lines = [
        "",
        "## Key facts",
        "",
        "Expected values were read from the rendered pages and source files, not",
        "from docflow's output, and are listed in `tests/test_facts.py`.",
        "*Stated* counts the documents that state the fact,",
        "*spurious* counts facts reported where the document states none. Facts",
        "come from the category docflow chose, so a wrong category can cost facts.",
    ]
    for group, rows in facts.items():
        lines += _fact_table(group, rows)
    return lines


def _fact_table(group: str, facts: dict[str, dict[str, int]]) -> list[str]:
    lines = [
        "",
        f"### Key facts on the {group}",
        "",
        "| fact | stated | found right | accuracy | spurious |",
        "|---|---:|---:|---:|---:|",
    ]
    stated = right = spurious = 0
    for kind, row in facts.items():
        stated += row["stated"]
        right += row["right"]
        spurious += row["spurious"]
        # No document of the group states the fact: no accuracy to give.
        accuracy = f"{row['right'] / row['stated']:.2f}" if row["stated"] else "-"
        lines.append(
            f"| {kind} | {row['stated']} | {row['right']} | {accuracy} | "
            f"{row['spurious']} |"
        )
    lines.append(
        f"| all | {stated} | {right} | {right / max(stated, 1):.2f} | {spurious} |"
    )
    return lines


def _mistake_lines(outcomes: list[Outcome], corpus: Path) -> list[str]:
    lines = ["", "## Wrong or abstained documents", ""]
    misses = [o for o in outcomes if o.category != o.truth]
    if not misses:
        return lines + ["None."]
    lines += ["| document | true | answer | best guess | confidence |"]
    lines += ["|---|---|---|---|---:|"]
    for o in misses:
        lines.append(
            f"| {o.path.relative_to(corpus)} | {o.truth} | {o.category} | "
            f"{o.guess} | {o.confidence:.2f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.corpus.is_dir():
        print(f"evaluation corpus not found: {args.corpus}", file=sys.stderr)
        return 2

    from docflow.core.classify import model_version
    from docflow.core.classify._model import load_model
    from docflow.core.config import load_settings

    overrides = None
    if args.rules is not None:
        fragment = tomllib.loads(args.rules.read_text(encoding="utf-8"))
        overrides = {"classification": {"rules": fragment["classification"]["rules"]}}
    settings = load_settings(overrides, config_path=args.config)
    started = time.perf_counter()
    load_model(settings)
    load_ms = (time.perf_counter() - started) * 1000

    outcomes = run_documents(args.corpus, settings)
    out_of_scope = run_out_of_scope(
        args.out_of_scope if args.out_of_scope is not None else default_out_of_scope(),
        settings,
    )
    unchecked_settings = settings.model_copy(deep=True)
    unchecked_settings.classification.min_fit_lead = 0.0
    unchecked = run_documents(args.corpus, unchecked_settings)
    threshold = settings.classification.confidence_threshold
    review_threshold = settings.classification.review_threshold
    summary = summarize(outcomes, threshold, review_threshold)
    facts = score_facts(outcomes, args.corpus)
    times = [o.classify_ms for o in outcomes if o.error is None]
    timing = {
        "load_ms": load_ms,
        "median_ms": statistics.median(times) if times else 0.0,
        "max_ms": max(times, default=0.0),
    }
    command = ".venv/bin/python bench/accuracy.py" + (
        " --markdown" if args.markdown else ""
    )
    if args.corpus != DEFAULT_CORPUS:
        command += f" --corpus {args.corpus}"
    if args.config is not None:
        command += f" --config {args.config}"
    if args.rules is not None:
        command += f" --rules {args.rules}"
    for path in args.out_of_scope or ():
        command += f" --out-of-scope {path}"
    context = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()} Linux, {_cpu_count()} CPUs",
        "model": model_version(settings),
        "threshold": f"{threshold:g}",
        "review_threshold": f"{review_threshold:g}",
        "rules": _describe_rules(settings),
        "command": command,
        "corpus": "the evaluation corpus that --corpus names",
        "corpus_path": args.corpus,
        "out_of_scope": out_of_scope,
        "unchecked": unchecked,
    }
    report = render_report(outcomes, summary, facts, timing, context)
    print(report)
    for outcome in summary["errors"]:
        print(f"error: {outcome.error}", file=sys.stderr)
    if args.markdown:
        (ROOT / "docs" / "accuracy.md").write_text(report, encoding="utf-8")
        print("wrote docs/accuracy.md", file=sys.stderr)
    return 0


def _describe_rules(settings: Any) -> str:
    options = settings.classification
    count = sum(len(r.keywords) + len(r.patterns) for r in options.rules.values())
    if not count:
        return "no rules"
    return f"{count} rules over {len(options.rules)} categories at rule_weight " + (
        f"{options.rule_weight:g}"
    )


def _cpu_count() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


if __name__ == "__main__":
    sys.exit(main())
