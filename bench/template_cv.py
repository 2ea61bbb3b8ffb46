"""Cross-validate the whole classifier on the training corpus, template by template.

Each fold fits a model on ``sample_docs/train/`` without some whole templates.
A template is one writer's layout, for example the telecom invoice. The fold
then classifies the held-out documents with ``classify_document``, so the
rules, the abstention and the disagreement check all take part. This
estimates how the classifier does on writers it has not seen, without
touching the evaluation corpus that ``bench/accuracy.py`` measures.

Prints macro-F1 and accuracy of the best guesses and the expected
calibration error (ECE). It also prints the share of wrong best guesses under
the confidence and review thresholds, the abstention rate, and how often the
disagreement check fired, with how often the best guess was right then.

Usage (from the repository root):

    .venv/bin/python bench/template_cv.py [--folds 5] [--train sample_docs/train]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TRAIN = ROOT / "sample_docs" / "train"
# Start of the evidence term of classification.min_fit_score's check.
FIT_CHECK = "fits no category well"


def cross_validate(
    train: Path, folds: int, *, confidence_map: bool = True
) -> list[dict[str, Any]]:
    """Return one row per training document: truth, category, best guess, confidence."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    from docflow.core.classify import classify_document
    from docflow.core.classify._model import save_model
    from docflow.core.classify.train import collect_folder, fit_parts
    from docflow.core.config import load_settings
    from docflow.core.pipeline import extract_cached

    settings = load_settings()
    samples, _ = collect_folder(train, settings)
    groups = [sample.group or sample.source for sample in samples]
    labels = np.array([s.label for s in samples])
    rows = []
    with tempfile.TemporaryDirectory(prefix="docflow-cv-") as scratch:
        splits = GroupKFold(n_splits=folds).split(labels, labels, groups)
        for fold, (train_rows, test_rows) in enumerate(splits):
            parts = fit_parts([samples[i] for i in train_rows], settings=settings)
            model_dir = Path(scratch) / f"fold{fold}"
            metadata = {
                "version": f"cv-{fold}",
                "confidence_map": parts["confidence_map"] if confidence_map else None,
            }
            save_model(parts, metadata, model_dir)
            fold_settings = load_settings(
                {"classification": {"model_path": str(model_dir)}}
            )
            for index in test_rows:
                sample = samples[index]
                document = extract_cached(sample.source, sample.key, fold_settings)
                result = classify_document(document, fold_settings)
                guess = result.category
                if guess == "unknown" and result.metadata.runners_up:
                    guess = result.metadata.runners_up[0].category
                rows.append(
                    {
                        "template": groups[index],
                        "truth": sample.label,
                        "category": result.category,
                        "guess": guess,
                        "confidence": result.confidence,
                        "disagreement": any(
                            "sent to review" in item.term and FIT_CHECK not in item.term
                            for item in result.evidence
                        ),
                        "fit_check": any(
                            FIT_CHECK in item.term for item in result.evidence
                        ),
                    }
                )
            print(f"fold {fold + 1}/{folds} done", file=sys.stderr)
    return rows


def report(rows: list[dict[str, Any]], threshold: float, review: float) -> str:
    """Return the summary as Markdown lines."""
    from docflow.core.classify.metrics import evaluate_predictions

    best = evaluate_predictions(
        [r["truth"] for r in rows],
        [r["guess"] for r in rows],
        [r["confidence"] for r in rows],
    )
    wrong = [r for r in rows if r["guess"] != r["truth"]]
    flagged = [r for r in rows if r["disagreement"]]
    unfit = [r for r in rows if r["fit_check"]]
    abstained = sum(r["category"] == "unknown" for r in rows)
    lines = [
        "| measure | value |",
        "|---|---:|",
        f"| documents | {len(rows)} |",
        f"| macro-F1, best guess | {best.macro_f1:.3f} |",
        f"| accuracy, best guess | {best.accuracy:.3f} |",
        f"| expected calibration error (10 bins) | {best.ece:.3f} |",
        f"| wrong best guesses below the threshold {threshold:g} | "
        f"{sum(r['confidence'] < threshold for r in wrong)}/{len(wrong)} |",
        f"| wrong best guesses below review_threshold {review:g} | "
        f"{sum(r['confidence'] < review for r in wrong)}/{len(wrong)} |",
        f"| abstention rate | {abstained / max(len(rows), 1):.3f} |",
        f"| disagreement check fired | {len(flagged)} |",
        f"| best guess right when it fired | "
        f"{sum(r['guess'] == r['truth'] for r in flagged)}/{len(flagged)} |",
        f"| fit check fired (fits no category well) | {len(unfit)} |",
        f"| best guess right when it fired | "
        f"{sum(r['guess'] == r['truth'] for r in unfit)}/{len(unfit)} |",
    ]
    lines += [
        "",
        "| confidence | documents | mean confidence | accuracy |",
        "|---|---:|---:|---:|",
    ]
    for low in range(10):
        rows_in = [
            r
            for r in rows
            if low <= r["confidence"] * 10 < low + 1
            or (low == 9 and r["confidence"] == 1)
        ]
        if rows_in:
            mean = sum(r["confidence"] for r in rows_in) / len(rows_in)
            right = sum(r["guess"] == r["truth"] for r in rows_in) / len(rows_in)
            span = f"{low / 10:.1f}-{(low + 1) / 10:.1f}"
            lines.append(f"| {span} | {len(rows_in)} | {mean:.3f} | {right:.3f} |")
    confusions = Counter((r["truth"], r["guess"]) for r in wrong).most_common(8)
    lines += ["", "Most frequent confusions (true -> best guess):", ""]
    lines += [f"- {truth} -> {guess}: {count}" for (truth, guess), count in confusions]
    lines += ["", "Templates with the lowest recall when held out:", ""]
    lines += [
        f"- {template}: {right}/{total}"
        for template, right, total in _template_recall(rows)[:8]
    ]
    return "\n".join(lines)


def _template_recall(rows: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    totals = Counter(r["template"] for r in rows)
    right = Counter(r["template"] for r in rows if r["guess"] == r["truth"])
    recall = [(name, right[name], total) for name, total in totals.items()]
    return sorted(recall, key=lambda item: item[1] / item[2])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=DEFAULT_TRAIN)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--no-map",
        action="store_true",
        help="classify without the confidence map, to compare",
    )
    parser.add_argument(
        "--dump", type=Path, help="also write one JSON line per document to this file"
    )
    args = parser.parse_args(argv)
    if not (args.train / "MANIFEST.tsv").is_file():
        print(
            f"training corpus manifest not found: {str(args.train / 'MANIFEST.tsv')!r}"
            "; write the corpus with: python -m scripts.make_corpus",
            file=sys.stderr,
        )
        return 2

    from docflow.core.config import load_settings

    options = load_settings().classification
    rows = cross_validate(args.train, args.folds, confidence_map=not args.no_map)
    if args.dump is not None:
        import json

        with args.dump.open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(row) + "\n" for row in rows)
    print(report(rows, options.confidence_threshold, options.review_threshold))
    return 0


if __name__ == "__main__":
    sys.exit(main())
