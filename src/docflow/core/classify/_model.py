"""The classifier model on disk: locating, describing, loading and saving it.

A model is two files side by side: ``model.joblib`` (the fitted vectorisers and
classifier, as a dict of scikit-learn objects) and ``model.json`` (version,
categories, training date, feature configuration, metrics). ``model.json`` is
read without scikit-learn so ``model_version`` stays cheap on the CLI path.

NOTE: joblib files are pickles. Load only models you trained or that shipped
with docflow, because unpickling a file can run arbitrary code.
"""

from __future__ import annotations

import json
import logging
import pickle
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docflow.core.classify._features import (
    LAYOUT_FEATURES,
    ClassifierInput,
    compute_layout_features,
    normalize_text,
)
from docflow.errors import ModelError

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

    from docflow.core.config import Settings

__all__ = [
    "MODEL_FILE",
    "METADATA_FILE",
    "SHIPPED_MODEL_DIR",
    "LoadedModel",
    "build_matrix",
    "load_model",
    "predict_proba",
    "read_metadata",
    "resolve_model_dir",
    "save_model",
]

log = logging.getLogger(__name__)

MODEL_FILE = "model.joblib"
METADATA_FILE = "model.json"
SHIPPED_MODEL_DIR = Path(__file__).resolve().parent / "data"

_cache: dict[Path, LoadedModel] = {}
_cache_lock = threading.Lock()


def resolve_model_dir(settings: Settings) -> Path:
    """Return the folder holding the configured model, or the shipped one.

    ``classification.model_path`` may name the folder or its ``model.joblib``.
    """
    configured = settings.classification.model_path
    if not configured:
        return SHIPPED_MODEL_DIR
    path = Path(configured).expanduser()
    return path.parent if path.suffix == ".joblib" else path


def read_metadata(model_dir: Path) -> dict[str, Any]:
    """Return the parsed ``model.json`` of ``model_dir``.

    Raises ModelError when the file is missing, unreadable or has no version.
    """
    path = model_dir / METADATA_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(
            f"classifier model description not found: {str(path)!r}; set "
            "classification.model_path to a folder made by 'docflow train', or "
            "reinstall docflow to restore the shipped model"
        ) from exc
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"cannot read the model description {str(path)!r}: {exc}"
        ) from exc
    if not isinstance(data, dict) or "version" not in data:
        raise ModelError(f"model description {str(path)!r} has no 'version' field")
    return data


@dataclass
class LoadedModel:
    """A fitted model and its description, ready to predict."""

    path: Path
    metadata: dict[str, Any]
    parts: dict[str, Any]
    _word_names: Any = None

    @property
    def version(self) -> str:
        return str(self.metadata["version"])

    @property
    def classes(self) -> list[str]:
        return [str(name) for name in self.parts["classifier"].classes_]

    def predict_proba(self, items: list[ClassifierInput]) -> np.ndarray:
        """Return class probabilities, one row per item, columns in ``classes``."""
        return predict_proba(self.parts, build_matrix(self.parts, items))

    def transform(self, items: list[ClassifierInput]) -> csr_matrix:
        return build_matrix(self.parts, items)

    def word_names(self) -> np.ndarray:
        """Return the word vocabulary in column order (computed once)."""
        if self._word_names is None:
            self._word_names = self.parts["word"].get_feature_names_out()
        return self._word_names


def predict_proba(parts: dict[str, Any], matrix: csr_matrix) -> np.ndarray:
    """Return calibrated class probabilities for the rows of ``matrix``.

    A model with a ``temperature`` is a linear classifier whose decision
    scores, divided by the temperature, go through a softmax. Older models
    carry a classifier with its own ``predict_proba``.
    """
    import numpy as np
    from scipy.special import softmax

    classifier = parts["classifier"]
    temperature = parts.get("temperature")
    if temperature is None:
        return classifier.predict_proba(matrix)
    scores = classifier.decision_function(matrix)
    if scores.ndim == 1:  # two classes: one score, positive for classes_[1]
        scores = np.column_stack([-scores, scores]) / 2
    return softmax(scores / temperature, axis=1)


def build_matrix(parts: dict[str, Any], items: list[ClassifierInput]) -> csr_matrix:
    """Turn classifier inputs into the feature matrix: words, char n-grams, layout."""
    from scipy.sparse import csr_matrix, hstack

    texts = [normalize_text(item.text) for item in items]
    layout = csr_matrix([compute_layout_features(item) for item in items])
    blocks = [
        parts["word"].transform(texts) * parts["block_weights"]["word"],
        parts["char"].transform(texts) * parts["block_weights"]["char"],
        layout * parts["block_weights"]["layout"],
    ]
    return hstack(blocks, format="csr")


def load_model(settings: Settings) -> LoadedModel:
    """Return the configured model, loading it once per process and path."""
    model_dir = resolve_model_dir(settings).resolve()
    with _cache_lock:
        cached = _cache.get(model_dir)
        if cached is not None:
            return cached
        model = _load_from_disk(model_dir)
        _cache[model_dir] = model
        return model


def _load_from_disk(model_dir: Path) -> LoadedModel:
    import joblib
    from sklearn.exceptions import InconsistentVersionWarning

    metadata = read_metadata(model_dir)
    path = model_dir / MODEL_FILE
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", InconsistentVersionWarning)
            parts = joblib.load(path)
            if isinstance(parts, bytes):
                parts = pickle.loads(parts)
    except FileNotFoundError as exc:
        raise ModelError(
            f"classifier model not found: {str(path)!r}; run 'docflow train' or "
            "reinstall docflow to restore the shipped model"
        ) from exc
    except Exception as exc:  # unpickling raises many unrelated types
        raise ModelError(
            f"cannot load the classifier model {str(path)!r}: {exc}"
        ) from exc
    for warning in caught:
        log.warning("model %s: %s", path, warning.message)
    if not isinstance(parts, dict) or "classifier" not in parts:
        raise ModelError(f"{str(path)!r} is not a docflow classifier model")
    if tuple(parts.get("layout_features", ())) != LAYOUT_FEATURES:
        raise ModelError(
            f"model {str(path)!r} was trained with other layout features than this "
            "docflow version computes; retrain it with 'docflow train'"
        )
    log.info("loaded classifier model %s from %s", metadata["version"], path)
    return LoadedModel(path=path, metadata=metadata, parts=parts)


def save_model(
    parts: dict[str, Any], metadata: dict[str, Any], model_dir: Path
) -> None:
    """Write ``model.joblib`` and ``model.json`` into ``model_dir``.

    Each file is written under a temporary name and renamed into place, and
    the description goes last, so a reader never pairs a new description with
    an old model.
    """
    import joblib

    model_dir.mkdir(parents=True, exist_ok=True)
    model_tmp = model_dir / (MODEL_FILE + ".tmp")
    meta_tmp = model_dir / (METADATA_FILE + ".tmp")
    # joblib.load reads a pickled object with its pure-Python unpickler, 0.30 s
    # for the shipped model against 0.06 s for these pickled bytes, and every
    # worker process pays it at start.
    blob = pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)
    joblib.dump(blob, model_tmp, compress=("zlib", 6))
    meta_tmp.write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n")
    model_tmp.replace(model_dir / MODEL_FILE)
    meta_tmp.replace(model_dir / METADATA_FILE)
    with _cache_lock:
        _cache.pop(model_dir.resolve(), None)
