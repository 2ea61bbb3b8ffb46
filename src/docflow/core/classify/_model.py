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
import re
import threading
import warnings
from collections import Counter
from dataclasses import dataclass
from itertools import repeat
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
    if hasattr(classifier, "coef_") and hasattr(classifier, "intercept_"):
        # What decision_function computes for a linear model, without its
        # input validation, which cost more than the product itself.
        scores = matrix @ classifier.coef_.T + classifier.intercept_
        if scores.shape[1] == 1:
            scores = scores.ravel()
    else:
        scores = classifier.decision_function(matrix)
    if scores.ndim == 1:  # two classes: one score, positive for classes_[1]
        scores = np.column_stack([-scores, scores]) / 2
    return softmax(scores / temperature, axis=1)


def build_matrix(parts: dict[str, Any], items: list[ClassifierInput]) -> csr_matrix:
    """Turn classifier inputs into the feature matrix: words, char n-grams, layout.

    The rows equal those of the fitted vectorisers' own ``transform`` (up to
    float rounding), computed by ``_FastTfidf`` where it supports the
    vectoriser's options.
    """
    import numpy as np
    from scipy.sparse import csr_matrix

    weights = parts["block_weights"]
    word = _fast_tfidf(parts["word"])
    char = _fast_tfidf(parts["char"])
    layout_start = word.size + char.size
    width = layout_start + len(LAYOUT_FEATURES)
    indices: list[Any] = []
    data: list[Any] = []
    indptr = [0]
    for item in items:
        text = normalize_text(item.text)
        word_cols, word_values = word.transform_one(text)
        char_cols, char_values = char.transform_one(text)
        layout = np.asarray(compute_layout_features(item), dtype=np.float64)
        layout_cols = np.flatnonzero(layout)
        indices += [word_cols, char_cols + word.size, layout_cols + layout_start]
        data += [
            word_values * weights["word"],
            char_values * weights["char"],
            layout[layout_cols] * weights["layout"],
        ]
        indptr.append(indptr[-1] + len(word_cols) + len(char_cols) + len(layout_cols))
    return csr_matrix(
        (
            np.concatenate(data) if data else np.zeros(0),
            np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32),
            np.asarray(indptr),
        ),
        shape=(len(items), width),
    )


#: Words whose character n-gram columns each vectoriser keeps, at most.
_WORD_CACHE_SIZE = 50_000
_fast_cache: Any = None


def _fast_tfidf(vectorizer: Any) -> _FastTfidf:
    """Return the ``_FastTfidf`` of a fitted vectoriser, built once per object."""
    global _fast_cache
    import weakref

    with _cache_lock:
        if _fast_cache is None:
            _fast_cache = weakref.WeakKeyDictionary()
        fast = _fast_cache.get(vectorizer)
        if fast is None:
            fast = _FastTfidf(vectorizer)
            _fast_cache[vectorizer] = fast
        return fast


class _FastTfidf:
    """TF-IDF of one text with a fitted ``TfidfVectorizer``, without its overhead.

    scikit-learn's ``transform`` counts every n-gram in a Python loop and
    validates its input on each call, which cost 10-15 ms for 20,000
    characters. Here word n-grams are counted with ``Counter``, and character
    n-grams (``char_wb``) are counted per distinct word, each word's n-gram
    columns being kept across calls, since most words recur. Options this
    class does not reproduce exactly fall back to the vectoriser's own
    ``transform``.
    """

    def __init__(self, vectorizer: Any) -> None:
        import numpy as np

        self.vectorizer = vectorizer
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.size = len(self.vocabulary)
        self.min_n, self.max_n = vectorizer.ngram_range
        self.idf = vectorizer.idf_ if vectorizer.use_idf else None
        self.analyzer = vectorizer.analyzer
        self.token_pattern = re.compile(vectorizer.token_pattern)
        self.words: dict[str, Any] = {}
        self.empty = np.zeros(0, dtype=np.int32)
        defaults = (
            vectorizer.preprocessor is None
            and vectorizer.tokenizer is None
            and vectorizer.stop_words is None
            and vectorizer.strip_accents is None
            and vectorizer.input == "content"
            and not vectorizer.binary
            and vectorizer.norm in ("l2", None)
        )
        self.supported = defaults and self.analyzer in ("word", "char_wb")

    def transform_one(self, text: str) -> tuple[Any, Any]:
        """Return the sorted column indices and TF-IDF values of ``text``."""
        import numpy as np

        if not self.supported:
            row = self.vectorizer.transform([text]).tocsr()
            row.sort_indices()
            return row.indices.astype(np.int32), row.data.astype(np.float64)
        if self.vectorizer.lowercase:
            text = text.lower()
        if self.analyzer == "word":
            columns, counts = self._count_words(text)
        else:
            columns, counts = self._count_char_wb(text)
        order = np.argsort(columns)
        columns = columns[order].astype(np.int32)
        values = counts[order].astype(np.float32)
        if self.vectorizer.sublinear_tf:
            np.log(values, values)
            values += 1.0
        if self.idf is not None:
            values *= self.idf[columns]
        if self.vectorizer.norm == "l2" and len(values):
            norm = np.sqrt(np.dot(values, values))
            if norm > 0:
                values /= norm
        return columns, values.astype(np.float64)

    def _count_words(self, text: str) -> tuple[Any, Any]:
        import numpy as np

        tokens = self.token_pattern.findall(text)
        counts: Counter[str] = Counter()
        for n in range(self.min_n, self.max_n + 1):
            if n == 1:
                counts.update(tokens)
            else:
                shifted = [tokens[start:] for start in range(n)]
                # The shifted lists differ in length; zip stops at the shortest.
                counts.update(map(" ".join, zip(*shifted, strict=False)))
        columns = np.fromiter(
            map(self.vocabulary.get, counts, repeat(-1)),
            dtype=np.int64,
            count=len(counts),
        )
        values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        known = columns >= 0
        return columns[known], values[known]

    def _count_char_wb(self, text: str) -> tuple[Any, Any]:
        import numpy as np

        words = Counter(text.split())
        cache = self.words
        if len(cache) > _WORD_CACHE_SIZE:
            cache.clear()
        arrays = []
        for word in words:
            columns = cache.get(word)
            if columns is None:
                columns = cache[word] = self._word_columns(word)
            arrays.append(columns)
        if not arrays:
            return self.empty, np.zeros(0)
        lengths = np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays))
        repeats = np.fromiter(words.values(), dtype=np.float64, count=len(words))
        every = np.concatenate(arrays)
        totals = np.bincount(every, np.repeat(repeats, lengths), minlength=self.size)
        columns = np.flatnonzero(totals)
        return columns, totals[columns]

    def _word_columns(self, word: str) -> Any:
        """Return the vocabulary columns of one word's ``char_wb`` n-grams.

        This follows scikit-learn's ``_char_wb_ngrams``: the word is padded
        with a space each side, and a word shorter than n yields itself once
        and ends the loop over n.
        """
        import numpy as np

        padded = " " + word + " "
        length = len(padded)
        grams = []
        for n in range(self.min_n, self.max_n + 1):
            if length <= n:
                grams.append(padded)
                break
            grams.extend(padded[i : i + n] for i in range(length - n + 1))
        vocabulary = self.vocabulary
        found = [vocabulary[gram] for gram in grams if gram in vocabulary]
        return np.asarray(found, dtype=np.int64) if found else self.empty


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
