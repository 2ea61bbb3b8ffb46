"""Document classifier: a calibrated linear model plus configurable rules.

Public surface:

- ``classify_document(document, settings)``: category, calibrated confidence,
  evidence and key facts for one ExtractedDocument.
- ``model_version(settings)``: version of the model in use, read from
  ``model.json`` without importing scikit-learn.
- ``model_key(settings)``: the result cache's key of the model in use, its
  version and the SHA-256 of its ``model.joblib``.
- ``train_model(folder, settings, ...)``: train, compare with the current
  model on a held-out split, and save.
- ``list_categories(settings)``: the categories with descriptions and rule counts.

scikit-learn is imported only when a model is loaded or trained, so importing
this package stays cheap for ``docflow --help``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from docflow.core.classify._categories import CategoryInfo, list_categories
from docflow.core.classify._model import (
    MODEL_FILE,
    model_not_found,
    model_origin,
    read_configured_metadata,
    resolve_model_dir,
)
from docflow.errors import ModelError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from docflow.core.classify.train import TrainReport
    from docflow.core.config import Settings
    from docflow.core.models import ClassificationResult, ExtractedDocument

__all__ = [
    "CategoryInfo",
    "TrainReport",
    "classify_document",
    "list_categories",
    "model_key",
    "model_version",
    "train_model",
]


def classify_document(
    document: ExtractedDocument, settings: Settings, *, max_chars: int | None = None
) -> ClassificationResult:
    """Classify one extracted document; see ``_classify.classify_document``."""
    from docflow.core.classify._classify import classify_document as classify

    return classify(document, settings, max_chars=max_chars)


def model_version(settings: Settings) -> str:
    """Return the version of the configured model, read from its ``model.json``."""
    return str(read_configured_metadata(settings)["version"])


def model_key(settings: Settings) -> str:
    """Return the result cache's key of the configured model.

    The key is the version from ``model.json`` and the SHA-256 of
    ``model.joblib``, so a replaced or damaged ``model.joblib`` changes it.
    The file is hashed again only when its size, times or inode changed since
    its digest was remembered under ``store.cache_dir``. Raises ModelError
    when ``model.json`` or ``model.joblib`` is missing or cannot be read, or
    when ``model.joblib`` does not match the size and SHA-256 that
    ``model.json`` records, so no stored result of the model is reused then.
    When ``model.json`` records no size and SHA-256, ``model.joblib`` must
    load instead, which is checked once per file (see ``_check_loads``).
    """
    from docflow.core.classify._checksum import (
        FILE_FIELD,
        check_recorded,
        remembered_checksum,
    )
    from docflow.core.models import model_cache_key

    model_dir = resolve_model_dir(settings)
    metadata = read_configured_metadata(settings)
    path = model_dir / MODEL_FILE
    try:
        size, sha256 = remembered_checksum(path, Path(settings.store.cache_dir))
    except FileNotFoundError as exc:
        raise model_not_found(path, model_origin(settings)) from exc
    except OSError as exc:
        raise ModelError(
            f"cannot read the classifier model {str(path)!r}: {exc}"
        ) from exc
    check_recorded(path, size, sha256, metadata)
    if FILE_FIELD not in metadata:
        _check_loads(settings, path)
    return model_cache_key(str(metadata["version"]), sha256)


def _check_loads(settings: Settings, path: Path) -> None:
    """Load the model file ``path``, unless the memo records that it loaded.

    Without a recorded size and SHA-256 a damaged ``model.joblib`` shows only
    when it is loaded, so it is loaded here, before any document is processed,
    instead of in every worker. Raises ModelError when it does not load.
    """
    from docflow.core.classify._checksum import (
        remember_loadable,
        remembered_loadable,
    )
    from docflow.core.classify._model import load_model

    memo_dir = Path(settings.store.cache_dir)
    try:
        if remembered_loadable(path, memo_dir):
            return
    except OSError:
        pass  # load_model names the file's problem
    load_model(settings)
    remember_loadable(path, memo_dir)


def train_model(
    folder: str | Path,
    settings: Settings,
    *,
    corrections: Iterable[tuple[str, ...]] = (),
    output: str | Path | None = None,
    force: bool = False,
    on_step: Callable[[str], None] | None = None,
) -> TrainReport:
    """Train and save a model unless it is worse; see ``train.train_model``."""
    from docflow.core.classify.train import train_model as train

    return train(
        folder,
        settings,
        corrections=corrections,
        output=output,
        force=force,
        on_step=on_step,
    )


def __getattr__(name: str) -> Any:
    if name == "TrainReport":
        from docflow.core.classify.train import TrainReport

        return TrainReport
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
