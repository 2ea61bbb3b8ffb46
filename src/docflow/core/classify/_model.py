"""The classifier model on disk: locating, describing, loading and saving it.

A model is two files side by side: ``model.joblib`` (the fitted vectorisers and
classifier as scikit-learn objects, and the same model as plain arrays for
classifying, see ``MODEL_FORMAT``) and ``model.json`` (version, categories,
training date, feature configuration, metrics). ``model.json`` is read without
scikit-learn so ``model_version`` stays cheap on the CLI path, and classifying
does not import scikit-learn either. ``model.json`` also records the size and
SHA-256 of ``model.joblib``, which loading checks (see ``_checksum``).

NOTE: joblib files are pickles. Load only models you trained or that shipped
with docflow, because unpickling a file can run arbitrary code.
"""

from __future__ import annotations

import json
import logging
import operator
import pickle
import re
import shlex
import threading
import warnings
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docflow.core.classify._checksum import (
    FILE_FIELD,
    check_model_file,
    describe_model_file,
)
from docflow.core.classify._features import (
    LAYOUT_FEATURES,
    ClassifierInput,
    compute_layout_features,
    normalize_text,
)
from docflow.core.quoting import MAX_QUOTED_CHARS, quote_value
from docflow.errors import ModelError

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

    from docflow.core.config import Settings

__all__ = [
    "ARGUMENT_ORIGIN",
    "MODEL_FILE",
    "METADATA_FILE",
    "SHIPPED_MODEL_DIR",
    "LoadedModel",
    "MODEL_FORMAT",
    "Scorer",
    "build_matrix",
    "forget_changed_models",
    "inference_spec",
    "load_model",
    "model_origin",
    "predict_proba",
    "read_configured_metadata",
    "read_metadata",
    "resolve_model_dir",
    "save_model",
]

log = logging.getLogger(__name__)

MODEL_FILE = "model.joblib"
#: ``model.joblib`` contains a dict with this format name, the plain arrays that
#: ``Scorer`` classifies with (``inference``, None when it cannot) and the
#: pickled scikit-learn parts (``parts``).
MODEL_FORMAT = "docflow-model-2"
METADATA_FILE = "model.json"
SHIPPED_MODEL_DIR = Path(__file__).resolve().parent / "data"

_cache: dict[Path, LoadedModel] = {}
# The files' signatures when each cached model was loaded.
_signatures: dict[Path, tuple[tuple[int, int, int], ...]] = {}
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


#: The origin of ``classification.model_path`` after the MCP tool
#: ``update_model`` set it from its argument, for ``Settings.set_origin``.
ARGUMENT_ORIGIN = "the update_model argument model_path"


def model_origin(settings: Settings) -> str:
    """Return what set ``classification.model_path``, as messages name it.

    That is the environment variable, the settings file or
    ``ARGUMENT_ORIGIN``, or the setting's name when none of them set it.
    """
    origin = settings.origin_of("classification", "model_path")
    return origin or "classification.model_path"


def _choose_model_advice(origin: str) -> str:
    """Return the advice for a model folder set by ``origin`` that has no model.

    A tool argument cannot be unset, so its advice names no shipped model.
    """
    if origin == ARGUMENT_ORIGIN:
        return "give a folder made by 'docflow train'"
    return _CHOOSE_MODEL


def read_configured_metadata(settings: Settings) -> dict[str, Any]:
    """Return the parsed ``model.json`` of the configured model; see read_metadata."""
    return read_metadata(resolve_model_dir(settings), origin=model_origin(settings))


def read_metadata(model_dir: Path, *, origin: str | None = None) -> dict[str, Any]:
    """Return the parsed ``model.json`` of ``model_dir``.

    ``origin`` names what set ``model_dir`` (see ``model_origin``), for the
    message when the folder or its ``model.json`` is missing, or when
    ``model_dir`` is a file. Raises
    ModelError when the file is missing, unreadable or has no version.
    """
    path = model_dir / METADATA_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise _missing_metadata(path, origin) from exc
    except NotADirectoryError as exc:
        set_by = f" set by {origin}" if origin else ""
        raise ModelError(
            f"{quote_value(str(model_dir))}{set_by} is a file, not a model folder; "
            "give a folder made by 'docflow train', or the model.joblib in it"
        ) from exc
    except (OSError, ValueError) as exc:
        # An OSError's text repeats the file name, which the message has.
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ModelError(
            f"cannot read the model description {quote_value(str(path))}: {reason}; "
            f"{_invalid_metadata_advice(model_dir, origin)}"
        ) from exc
    if not isinstance(data, dict) or "version" not in data:
        raise ModelError(
            f"model description {quote_value(str(path))} has no 'version' field; "
            f"{_invalid_metadata_advice(model_dir, origin)}"
        )
    return data


def _invalid_metadata_advice(model_dir: Path, origin: str | None) -> str:
    """Return what to do about a ``model.json`` in ``model_dir`` that is invalid.

    ``docflow train`` writes both files of a model, so retraining into the
    folder replaces the damaged description.
    """
    if model_dir == SHIPPED_MODEL_DIR:
        return "reinstall docflow to restore the shipped model"
    folder = str(model_dir)
    command = "docflow train FOLDER --output"
    if len(folder) > MAX_QUOTED_CHARS:
        # The message names the folder already, cut, and a cut path is no
        # command argument.
        retrain = f"retrain the model into that folder with '{command} DIR'"
    else:
        retrain = f"retrain the model with '{command} {shlex.quote(folder)}'"
    origin = origin or "classification.model_path"
    if origin == ARGUMENT_ORIGIN:
        return f"{retrain}, or give another folder made by 'docflow train'"
    return f"{retrain}, or unset {origin} to use the shipped model"


def _missing_metadata(path: Path, origin: str | None) -> ModelError:
    """Return the error for a missing ``model.json`` at ``path``.

    Reinstalling restores the shipped model only, so a folder the user
    chose gets advice about the setting instead.
    """
    model_dir = path.parent
    if model_dir == SHIPPED_MODEL_DIR:
        return ModelError(
            f"classifier model description not found: {quote_value(str(path))}; "
            "reinstall docflow to restore the shipped model"
        )
    origin = origin or "classification.model_path"
    if not model_dir.exists():
        fix = "correct the path"
        if origin != ARGUMENT_ORIGIN:
            fix += ", or unset it to use the shipped model"
        return ModelError(
            f"the classifier model folder {quote_value(str(model_dir))} set by "
            f"{origin} does not exist; {fix}"
        )
    return ModelError(
        f"classifier model description not found: {quote_value(str(path))}, in "
        f"the folder set by {origin}; {_choose_model_advice(origin)}"
    )


#: The advice when a folder the user chose contains no model.
_CHOOSE_MODEL = (
    "point it to a folder made by 'docflow train', or unset it to use the shipped model"
)


@dataclass
class LoadedModel:
    """A fitted model and its description, ready to predict.

    Classifying needs only ``scorer``, which is built from plain arrays and
    dicts. The scikit-learn objects in ``parts`` (for training and scoring a
    saved model) are unpickled on first use, because importing scikit-learn
    takes most of a second in every worker.
    """

    path: Path
    metadata: dict[str, Any]
    scorer: Scorer | None = None
    #: SHA-256 of the ``model.joblib`` bytes this model was loaded from.
    sha256: str | None = None
    _parts: dict[str, Any] | None = None
    _parts_blob: bytes | None = None
    _spec: dict[str, Any] | None = None
    _word_names: Any = None
    _parts_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def version(self) -> str:
        return str(self.metadata["version"])

    @property
    def parts(self) -> dict[str, Any]:
        """Return the fitted scikit-learn parts, unpickling them once."""
        with self._parts_lock:
            if self._parts is None:
                self._parts = _unpickle_parts(self._parts_blob, self._spec, self.path)
                self._parts_blob = None
            return self._parts

    @property
    def classes(self) -> list[str]:
        if self.scorer is not None:
            return self.scorer.classes
        return [str(name) for name in self.parts["classifier"].classes_]

    @property
    def word_count(self) -> int:
        """Return the number of word columns, which come first in the matrix."""
        if self.scorer is not None:
            return self.scorer.word.size
        return len(self.parts["word"].vocabulary_)

    def calibrate(self, confidence: float) -> float:
        """Return the best guess's mixed score through the model's confidence map.

        Models trained before the map existed return ``confidence`` unchanged.
        """
        from docflow.core.classify.calibration import apply_map

        return apply_map(confidence, self.metadata.get("confidence_map"))

    def predict_proba(self, items: list[ClassifierInput]) -> np.ndarray:
        """Return class probabilities, one row per item, columns in ``classes``."""
        return self.probabilities(self.transform(items))

    def transform(self, items: list[ClassifierInput]) -> FeatureRows | csr_matrix:
        if self.scorer is not None:
            return self.scorer.matrix(items)
        return build_matrix(self.parts, items)

    def probabilities(self, matrix: FeatureRows | csr_matrix) -> np.ndarray:
        """Return class probabilities for the rows of a matrix from ``transform``."""
        if self.scorer is not None:
            return self.scorer.probabilities(matrix)
        return predict_proba(self.parts, matrix)

    def scores_and_probabilities(
        self, matrix: FeatureRows | csr_matrix
    ) -> tuple[np.ndarray | None, np.ndarray]:
        """Return ``decision_scores`` and ``probabilities`` of a matrix.

        With the plain-array scorer the product with the coefficients, which
        both need, is computed once.
        """
        if self.scorer is None:
            return self.decision_scores(matrix), self.probabilities(matrix)
        scores = self.scorer.scores(matrix)
        raw = scores if self.scorer.coef.shape[0] >= 2 else None
        return raw, self.scorer.probabilities_of(scores)

    def decision_scores(self, matrix: FeatureRows | csr_matrix) -> np.ndarray | None:
        """Return the linear model's raw scores, one column per class in ``classes``.

        These are the scores before the softmax, which keeps only their
        differences: a document that every category's score rejects can still
        get a high probability. None for a model without a linear classifier
        or with only two classes (one score column).
        """
        if self.scorer is not None:
            coef, intercept = self.scorer.coef, self.scorer.intercept
        else:
            linear = self.parts["classifier"]
            if not hasattr(linear, "coef_") or not hasattr(linear, "intercept_"):
                return None
            coef, intercept = linear.coef_, linear.intercept_
        if coef.shape[0] < 2:
            return None
        return matrix @ coef.T + intercept

    def class_weights(self, category: str) -> np.ndarray | None:
        """Return the linear model's coefficients for ``category``, or None."""
        if self.scorer is not None:
            coef = self.scorer.coef
        else:
            linear = self.parts.get("linear")
            if linear is None:
                return None
            coef = linear.coef_
        if category not in self.classes:
            return None
        index = self.classes.index(category)
        if coef.shape[0] == 1:  # a binary model stores one row, for the second class
            return coef[0] if index == 1 else -coef[0]
        return coef[index]

    def word_names(self) -> np.ndarray:
        """Return the word vocabulary in column order (computed once)."""
        if self._word_names is None:
            import numpy as np

            if self.scorer is not None:
                vocabulary = self.scorer.word.vocabulary
            else:
                vocabulary = self.parts["word"].vocabulary_
            names = np.empty(len(vocabulary), dtype=object)
            for term, column in vocabulary.items():
                names[column] = term
            self._word_names = names
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
    word = _fast_tfidf(parts["word"])
    char = _fast_tfidf(parts["char"])
    return _matrix(word, char, parts["block_weights"], items)


def _matrix(
    word: _FastTfidf,
    char: _FastTfidf,
    weights: dict[str, float],
    items: list[ClassifierInput],
) -> csr_matrix:
    import numpy as np
    from scipy.sparse import csr_matrix

    rows = _feature_rows(word, char, weights, items)
    indptr = np.zeros(len(rows.rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(columns) for columns, _ in rows.rows])
    return csr_matrix(
        (
            np.concatenate([values for _, values in rows.rows])
            if rows.rows
            else np.zeros(0),
            np.concatenate([columns for columns, _ in rows.rows])
            if rows.rows
            else np.zeros(0, dtype=np.int32),
            indptr,
        ),
        shape=rows.shape,
    )


def _feature_rows(
    word: _FastTfidf,
    char: _FastTfidf,
    weights: dict[str, float],
    items: list[ClassifierInput],
) -> FeatureRows:
    import numpy as np

    layout_start = word.size + char.size
    rows = []
    for item in items:
        text = normalize_text(item.text)
        # normalize_text lower-cased the text, and lower-casing twice changes
        # nothing, so the vectorisers skip it.
        word_cols, word_values = word.transform_one(text, lowered=True)
        char_cols, char_values = char.transform_one(text, lowered=True)
        layout = np.asarray(compute_layout_features(item), dtype=np.float64)
        layout_cols = np.flatnonzero(layout)
        columns = np.concatenate(
            [word_cols, char_cols + word.size, layout_cols + layout_start]
        ).astype(np.int32)
        values = np.concatenate(
            [
                word_values * weights["word"],
                char_values * weights["char"],
                layout[layout_cols] * weights["layout"],
            ]
        )
        rows.append((columns, values))
    return FeatureRows(rows, layout_start + len(LAYOUT_FEATURES))


class FeatureRows:
    """Feature rows as sorted (columns, values) arrays, without scipy.

    Classifying needs two things of a sparse matrix: the product with the
    coefficients and one row's columns and values. Importing scipy.sparse
    for them costs about 0.19 s of CPU in every worker process.
    """

    def __init__(self, rows: list[tuple[Any, Any]], width: int) -> None:
        self.rows = rows
        self.shape = (len(rows), width)

    def __matmul__(self, dense: np.ndarray) -> np.ndarray:
        """Return this matrix times ``dense`` (``width`` rows), as a dense array."""
        import numpy as np

        product = np.zeros((len(self.rows), dense.shape[1]))
        for number, (columns, values) in enumerate(self.rows):
            product[number] = values @ dense[columns]
        return product

    def getrow(self, number: int) -> _Row:
        columns, values = self.rows[number]
        return _Row(columns, values)


@dataclass(frozen=True)
class _Row:
    """One row of FeatureRows, named as a CSR row's arrays are."""

    indices: Any
    data: Any


class Scorer:
    """Features and calibrated probabilities from plain arrays, without scikit-learn.

    Built from ``inference_spec``, which ``save_model`` stores beside the
    scikit-learn parts.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self.word = _FastTfidf(spec["word"])
        self.char = _FastTfidf(spec["char"])
        self.classes: list[str] = list(spec["classes"])
        self.coef = spec["coef"]
        self.intercept = spec["intercept"]
        self.temperature: float = spec["temperature"]
        self.block_weights: dict[str, float] = spec["block_weights"]
        self.layout_features = tuple(spec["layout_features"])

    def matrix(self, items: list[ClassifierInput]) -> FeatureRows:
        return _feature_rows(self.word, self.char, self.block_weights, items)

    def probabilities(self, matrix: FeatureRows | csr_matrix) -> np.ndarray:
        return self.probabilities_of(self.scores(matrix))

    def scores(self, matrix: FeatureRows | csr_matrix) -> np.ndarray:
        """Return the linear scores of the rows of ``matrix``, before the softmax."""
        return matrix @ self.coef.T + self.intercept

    def probabilities_of(self, scores: np.ndarray) -> np.ndarray:
        """Return calibrated probabilities from the linear ``scores``."""
        import numpy as np

        if scores.shape[1] == 1:  # two classes: one score, positive for classes[1]
            scores = np.column_stack([-scores[:, 0], scores[:, 0]]) / 2
        return _softmax(scores / self.temperature)


def _softmax(scores: np.ndarray) -> np.ndarray:
    import numpy as np

    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def inference_spec(parts: dict[str, Any]) -> dict[str, Any] | None:
    """Return what ``Scorer`` needs from fitted parts, or None if it cannot score them.

    It needs a linear classifier with a softmax temperature and vectorisers
    whose options ``_FastTfidf`` reproduces.
    """
    classifier = parts["classifier"]
    word = _vectorizer_spec(parts["word"])
    char = _vectorizer_spec(parts["char"])
    linear = hasattr(classifier, "coef_") and hasattr(classifier, "intercept_")
    if parts.get("temperature") is None or not linear or word is None or char is None:
        return None
    return {
        "word": word,
        "char": char,
        "classes": [str(name) for name in classifier.classes_],
        "coef": classifier.coef_,
        "intercept": classifier.intercept_,
        "temperature": float(parts["temperature"]),
        "block_weights": dict(parts["block_weights"]),
        "layout_features": tuple(parts.get("layout_features", ())),
    }


def _vectorizer_spec(vectorizer: Any) -> dict[str, Any] | None:
    """Return a fitted TfidfVectorizer as plain values, or None if unsupported."""
    supported = (
        vectorizer.preprocessor is None
        and vectorizer.tokenizer is None
        and vectorizer.stop_words is None
        and vectorizer.strip_accents is None
        and vectorizer.input == "content"
        and not vectorizer.binary
        and vectorizer.norm in ("l2", None)
        and vectorizer.analyzer in ("word", "char_wb")
    )
    if not supported:
        return None
    return {
        "vocabulary": vectorizer.vocabulary_,
        "idf": vectorizer.idf_ if vectorizer.use_idf else None,
        "ngram_range": tuple(vectorizer.ngram_range),
        "analyzer": vectorizer.analyzer,
        "token_pattern": vectorizer.token_pattern,
        "lowercase": bool(vectorizer.lowercase),
        "sublinear_tf": bool(vectorizer.sublinear_tf),
        "norm": vectorizer.norm,
    }


#: Words whose character n-gram columns each vectoriser keeps, at most.
_WORD_CACHE_SIZE = 50_000
#: scikit-learn's default token pattern, which the shipped model uses.
_WORD_TOKENS = r"(?u)\b\w\w+\b"
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
            spec = _vectorizer_spec(vectorizer)
            fast = _FastTfidf(spec, vectorizer)
            _fast_cache[vectorizer] = fast
        return fast


class _FastTfidf:
    """One text's TF-IDF as a fitted ``TfidfVectorizer`` computes it, but faster.

    scikit-learn's ``transform`` counts every n-gram in a Python loop and
    validates its input on each call, which cost 10-15 ms for 20,000
    characters. Here word n-grams are counted with ``Counter``, and character
    n-grams (``char_wb``) are counted per distinct word, each word's n-gram
    columns being kept across calls, since most words recur. ``spec`` comes
    from ``_vectorizer_spec``; without one, the vectoriser's own
    ``transform`` does the work.
    """

    def __init__(self, spec: dict[str, Any] | None, vectorizer: Any = None) -> None:
        import numpy as np

        self.vectorizer = vectorizer
        self.supported = spec is not None
        self.empty = np.zeros(0, dtype=np.int32)
        self.words: dict[str, Any] = {}
        self.pairs: frozenset[tuple[str, ...]] | None = None
        if spec is None:
            self.vocabulary: dict[str, int] = vectorizer.vocabulary_
            self.size = len(self.vocabulary)
            return
        self.vocabulary = spec["vocabulary"]
        self.size = len(self.vocabulary)
        self.min_n, self.max_n = spec["ngram_range"]
        self.idf = spec["idf"]
        self.analyzer = spec["analyzer"]
        self.token_pattern = re.compile(spec["token_pattern"])
        self.lowercase = spec["lowercase"]
        self.sublinear_tf = spec["sublinear_tf"]
        self.norm = spec["norm"]
        if self.analyzer == "word" and spec["token_pattern"] == _WORD_TOKENS:
            # The tokens of this pattern hold no space, so a two-word term
            # splits back into its tokens at its one space.
            self.pairs = frozenset(
                tuple(term.split(" ")) for term in self.vocabulary if " " in term
            )

    def transform_one(self, text: str, *, lowered: bool = False) -> tuple[Any, Any]:
        """Return the sorted column indices and TF-IDF values of ``text``.

        ``lowered`` tells that ``text`` is lower-cased already.
        """
        import numpy as np

        if not self.supported:
            row = self.vectorizer.transform([text]).tocsr()
            row.sort_indices()
            return row.indices.astype(np.int32), row.data.astype(np.float64)
        if self.lowercase and not lowered:
            text = text.lower()
        if self.analyzer == "word":
            columns, counts = self._count_words(text)
        else:
            columns, counts = self._count_char_wb(text)
        order = np.argsort(columns)
        columns = columns[order].astype(np.int32)
        values = counts[order].astype(np.float32)
        if self.sublinear_tf:
            np.log(values, values)
            values += 1.0
        if self.idf is not None:
            values *= self.idf[columns]
        if self.norm == "l2" and len(values):
            norm = np.sqrt(np.dot(values, values))
            if norm > 0:
                values /= norm
        return columns, values.astype(np.float64)

    def _count_words(self, text: str) -> tuple[Any, Any]:
        import numpy as np

        tokens = self.token_pattern.findall(text)
        counts: Counter[str] = Counter()
        for n in range(self.min_n, self.max_n + 1):
            # An n-gram outside the vocabulary has no column, so the two
            # commonest kinds are looked up before they are counted.
            if n == 1:
                counts.update(filter(self.vocabulary.__contains__, tokens))
            elif n == 2 and self.pairs is not None:
                found = filter(self.pairs.__contains__, pairwise(tokens))
                counts.update(map(" ".join, found))
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
        arrays = list(map(cache.get, words))
        if any(map(operator.is_, arrays, repeat(None))):
            for position, word in enumerate(words):
                if arrays[position] is None:
                    arrays[position] = cache[word] = self._word_columns(word)
        if not arrays:
            return self.empty, np.zeros(0)
        lengths = np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays))
        repeats = np.fromiter(words.values(), dtype=np.float64, count=len(words))
        every = np.concatenate(arrays)
        # Summing per distinct column, not over the whole vocabulary, spares
        # an array of the vocabulary's size. bincount adds each column's
        # weights in input order either way, so the totals are the same.
        columns, inverse = np.unique(every, return_inverse=True)
        totals = np.bincount(
            inverse, np.repeat(repeats, lengths), minlength=len(columns)
        )
        return columns, totals

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
        signature = _files_signature(model_dir)
        model = _load_from_disk(model_dir, origin=model_origin(settings))
        _cache[model_dir] = model
        _signatures[model_dir] = signature
        return model


def forget_changed_models() -> None:
    """Drop the cached models whose files changed since they were loaded.

    A document worker forked from the worker template inherits the models
    the template loaded, possibly long before (``docflow watch`` runs for
    days while ``docflow train`` replaces the model).
    """
    with _cache_lock:
        for model_dir in list(_cache):
            if _files_signature(model_dir) != _signatures.get(model_dir):
                log.info("the model in %s changed; loading it again", model_dir)
                del _cache[model_dir]


def _files_signature(model_dir: Path) -> tuple[tuple[int, int, int], ...]:
    """Return the inode, size and change time of the model's two files."""
    signature = []
    for name in (MODEL_FILE, METADATA_FILE):
        try:
            info = (model_dir / name).stat()
        except OSError:
            signature.append((0, 0, 0))
        else:
            signature.append((info.st_ino, info.st_size, info.st_mtime_ns))
    return tuple(signature)


def model_not_found(path: Path, origin: str | None = None) -> ModelError:
    """Return the error for a missing ``model.joblib`` at ``path``.

    ``origin`` names what set the model folder; see ``model_origin``.
    """
    if path.parent == SHIPPED_MODEL_DIR:
        return ModelError(
            f"classifier model not found: {str(path)!r}; reinstall docflow to "
            "restore the shipped model"
        )
    origin = origin or "classification.model_path"
    return ModelError(
        f"classifier model not found: {quote_value(str(path))}, in the folder set "
        f"by {origin}; {_choose_model_advice(origin)}"
    )


def _load_from_disk(model_dir: Path, *, origin: str | None = None) -> LoadedModel:
    metadata = read_metadata(model_dir, origin=origin)
    path = model_dir / MODEL_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise model_not_found(path, origin) from exc
    except OSError as exc:
        raise _unloadable(path, exc) from exc
    sha256 = check_model_file(path, data, metadata)
    try:
        loaded = _read_model_file(path, data)
        if isinstance(loaded, bytes):
            loaded = pickle.loads(loaded)
    except Exception as exc:  # unpickling raises many unrelated types
        raise _unloadable(path, exc) from exc
    model = LoadedModel(path=path, metadata=metadata, sha256=sha256)
    if isinstance(loaded, dict) and loaded.get("format") == MODEL_FORMAT:
        model._parts_blob = loaded["parts"]
        spec = model._spec = loaded["inference"]
    elif isinstance(loaded, dict) and "classifier" in loaded:  # before MODEL_FORMAT
        model._parts = loaded
        spec = inference_spec(loaded)
    else:
        raise ModelError(f"{quote_value(str(path))} is not a docflow classifier model")
    if spec is not None:
        model.scorer = Scorer(spec)
        layout = spec["layout_features"]
    else:
        layout = tuple(model.parts.get("layout_features", ()))
    if tuple(layout) != LAYOUT_FEATURES:
        raise ModelError(
            f"model {quote_value(str(path))} was trained with other layout features "
            "than this docflow version computes; retrain it with 'docflow train'"
        )
    log.info("loaded classifier model %s from %s", metadata["version"], path)
    return model


def _read_model_file(path: Path, data: bytes) -> Any:
    """Return the object stored by ``save_model`` or an older docflow.

    ``data`` is the content of the model file ``path``. ``save_model`` gives
    joblib one bytes object to compress with zlib, and joblib writes a bytes
    object as a plain pickle, so zlib and pickle read it back without
    importing joblib (about 0.1 s of CPU in every worker process). Any other
    file, a model saved by an older docflow for one, goes to ``joblib.load``.
    """
    import zlib

    try:
        stored = pickle.loads(zlib.decompress(data))
    except Exception:  # another layout, which joblib.load reads below
        stored = None
    if isinstance(stored, bytes):
        return stored
    import joblib

    return joblib.load(path)


def _shared_values(spec: dict[str, Any] | None) -> dict[str, Any]:
    """Name the large values that the parts share with the inference spec."""
    if spec is None:
        return {}
    return {
        "word.vocabulary": spec["word"]["vocabulary"],
        "word.idf": spec["word"]["idf"],
        "char.vocabulary": spec["char"]["vocabulary"],
        "char.idf": spec["char"]["idf"],
        "coef": spec["coef"],
    }


def _pickle_parts(parts: dict[str, Any], spec: dict[str, Any] | None) -> bytes:
    """Pickle ``parts``, storing the values shared with ``spec`` as references.

    The vocabularies, IDF weights and coefficients are most of a model, so
    the file would double if the parts held copies of them.
    """
    import io

    shared = {id(value): name for name, value in _shared_values(spec).items()}

    class _Pickler(pickle.Pickler):
        def persistent_id(self, obj: Any) -> str | None:
            return shared.get(id(obj))

    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(parts)
    return buffer.getvalue()


def _unpickle_parts(
    blob: bytes | None, spec: dict[str, Any] | None, path: Path
) -> dict[str, Any]:
    """Unpickle the scikit-learn parts of a model, logging version mismatches."""
    import io

    from sklearn.exceptions import InconsistentVersionWarning

    shared = _shared_values(spec)

    class _Unpickler(pickle.Unpickler):
        def persistent_load(self, pid: Any) -> Any:
            if pid not in shared:
                raise pickle.UnpicklingError(f"unknown shared value {pid!r}")
            return shared[pid]

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", InconsistentVersionWarning)
            parts = None
            if blob is not None:
                parts = _Unpickler(io.BytesIO(blob)).load()
    except Exception as exc:  # unpickling raises many unrelated types
        raise _unloadable(path, exc) from exc
    for warning in caught:
        log.warning("model %s: %s", path, warning.message)
    if not isinstance(parts, dict) or "classifier" not in parts:
        raise ModelError(f"{quote_value(str(path))} is not a docflow classifier model")
    return parts


def _unloadable(path: Path, exc: Exception) -> ModelError:
    """Return the error for a model file that exists but cannot be read.

    Unpickling a file that is no model raises errors that describe pickle's
    internals, such as "invalid literal for int() with base 10", so the
    message gives the likely cause instead. The caller chains ``exc``, which
    a traceback (``-v``) shows.
    """
    if isinstance(exc, OSError):
        reason = exc.strerror or type(exc).__name__
    elif isinstance(exc, ImportError) and exc.name:
        # A pickle names the module of every class it contains.
        reason = f"it needs the Python module {exc.name!r}, which is not installed"
    else:
        reason = "the file is damaged or is not a model that 'docflow train' wrote"
    if path.parent == SHIPPED_MODEL_DIR:
        advice = "reinstall docflow to restore the shipped model"
    else:
        advice = "retrain it with 'docflow train', or use another model folder"
    return ModelError(
        f"cannot read the classifier model {quote_value(str(path))}: {reason}; {advice}"
    )


def save_model(
    parts: dict[str, Any], metadata: dict[str, Any], model_dir: Path
) -> None:
    """Write ``model.joblib`` and ``model.json`` into ``model_dir``.

    ``model.json`` is ``metadata`` plus the size and SHA-256 of
    ``model.joblib`` (``FILE_FIELD``). Each file is written under a temporary
    name and renamed into place, and the description goes last, so a reader
    never pairs a new description with an old model.
    """
    import joblib

    model_dir.mkdir(parents=True, exist_ok=True)
    model_tmp = model_dir / (MODEL_FILE + ".tmp")
    meta_tmp = model_dir / (METADATA_FILE + ".tmp")
    # joblib.load reads a pickled object with its pure-Python unpickler, 0.30 s
    # for the shipped model against 0.06 s for these pickled bytes, and every
    # worker process pays it at start.
    spec = inference_spec(parts)
    stored = {
        "format": MODEL_FORMAT,
        "inference": spec,
        "parts": _pickle_parts(parts, spec),
    }
    blob = pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL)
    joblib.dump(blob, model_tmp, compress=("zlib", 6))
    metadata = {**metadata, FILE_FIELD: describe_model_file(model_tmp.read_bytes())}
    meta_tmp.write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n")
    model_tmp.replace(model_dir / MODEL_FILE)
    meta_tmp.replace(model_dir / METADATA_FILE)
    with _cache_lock:
        _cache.pop(model_dir.resolve(), None)
