"""The confidence map: Platt's logistic map of the final confidence.

The fitting tests draw outcomes from a known map with a fixed seed, so a fit
that ignored the data, or got the sign of a parameter wrong, fails them.
"""

from __future__ import annotations

import json
import math
import random
import shutil
from pathlib import Path

import pytest

from docflow.core.classify._model import load_model
from docflow.core.classify.calibration import (
    MIN_DOCUMENTS,
    apply_map,
    fit_confidence_map,
)
from docflow.core.classify.train import collect_folder, read_groups, train_model
from docflow.core.config import Settings

TRAIN_CORPUS = Path(__file__).resolve().parents[1] / "sample_docs" / "train"


def _draw(slope: float, intercept: float, count: int) -> tuple[list[float], list[bool]]:
    rng = random.Random(7)
    confidences, correct = [], []
    for _ in range(count):
        confidence = rng.uniform(0.2, 0.99)
        logit = math.log(confidence / (1 - confidence))
        chance = 1 / (1 + math.exp(-(slope * logit + intercept)))
        confidences.append(confidence)
        correct.append(rng.random() < chance)
    return confidences, correct


def test_no_map_leaves_confidence_alone() -> None:
    assert apply_map(0.63, None) == 0.63
    assert apply_map(0.63, {}) == 0.63


def test_map_keeps_order_and_range() -> None:
    mapping = {"slope": 1.2, "intercept": 0.4}
    values = [0.0, 0.01, 0.2, 0.5, 0.63, 0.9, 0.999, 1.0]
    mapped = [apply_map(value, mapping) for value in values]
    assert mapped == sorted(mapped)
    assert all(0.0 < value < 1.0 for value in mapped)
    assert apply_map(0.5, mapping) == pytest.approx(1 / (1 + math.exp(-0.4)))


def test_fit_recovers_an_under_confident_map() -> None:
    confidences, correct = _draw(1.0, 1.0, 4000)
    mapping = fit_confidence_map(confidences, correct)
    assert mapping is not None
    assert mapping["slope"] == pytest.approx(1.0, abs=0.2)
    assert mapping["intercept"] == pytest.approx(1.0, abs=0.25)
    assert apply_map(0.6, mapping) > 0.75


def test_fit_recovers_an_over_confident_map() -> None:
    confidences, correct = _draw(0.6, -0.5, 4000)
    mapping = fit_confidence_map(confidences, correct)
    assert mapping is not None
    assert mapping["slope"] == pytest.approx(0.6, abs=0.15)
    assert mapping["intercept"] < -0.2
    assert apply_map(0.9, mapping) < 0.8


def test_fit_needs_documents_and_outcomes() -> None:
    confidences, correct = _draw(1.0, 0.0, MIN_DOCUMENTS - 1)
    assert fit_confidence_map(confidences, correct) is None
    many = [0.7] * (MIN_DOCUMENTS * 2)
    assert fit_confidence_map(many, [True] * len(many)) is None


def test_groups_come_from_the_manifest(tmp_path: Path) -> None:
    (tmp_path / "MANIFEST.tsv").write_text(
        "path\tcategory\ttemplate\nmemo/a.txt\tmemo\tplain\nmemo/b.txt\tmemo\t\n"
    )
    assert read_groups(tmp_path) == {"memo/a.txt": "memo:plain"}
    assert read_groups(tmp_path / "missing") == {}


@pytest.mark.skipif(
    not (TRAIN_CORPUS / "MANIFEST.tsv").is_file(),
    reason=f"training corpus not found at {TRAIN_CORPUS}",
)
def test_training_fits_map_classify_applies(tmp_path: Path) -> None:
    """Three templates of four categories: enough held-out scores for a map.

    Only formats with a text layer are copied, so no page needs OCR.
    """
    manifest = (TRAIN_CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    chosen: dict[tuple[str, str], int] = {}
    manifest_lines = [manifest[0]]
    for line in manifest[1:]:
        path, category, template, _, kind = line.split("\t")[:5]
        if category not in {"invoice", "letter", "memo", "receipt"}:
            continue
        if kind not in {"txt", "md", "eml", "html", "docx", "pdf"}:
            continue  # no OCR, to keep the test short
        templates = {key[1] for key in chosen if key[0] == category}
        if template not in templates and len(templates) >= 3:
            continue
        if chosen.get((category, template), 0) >= 6:
            continue
        chosen[(category, template)] = chosen.get((category, template), 0) + 1
        (tmp_path / "corpus" / category).mkdir(parents=True, exist_ok=True)
        shutil.copy(TRAIN_CORPUS / path, tmp_path / "corpus" / path)
        manifest_lines.append(line)
    (tmp_path / "corpus" / "MANIFEST.tsv").write_text("\n".join(manifest_lines) + "\n")
    model_dir = tmp_path / "model"
    settings = Settings.model_validate(
        {
            "store": {"cache_dir": str(tmp_path / "cache")},
            "classification": {"model_path": str(model_dir)},
        }
    )

    samples, _ = collect_folder(tmp_path / "corpus", settings)
    assert len({sample.group for sample in samples}) == len(chosen)
    train_model(tmp_path / "corpus", settings, output=model_dir)

    mapping = json.loads((model_dir / "model.json").read_text())["confidence_map"]
    assert mapping is not None
    assert mapping["held_out_scores"] >= MIN_DOCUMENTS
    model = load_model(settings)
    assert model.calibrate(0.5) == pytest.approx(apply_map(0.5, mapping))
