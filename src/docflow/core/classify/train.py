"""Train the classifier from a folder of labelled documents and review corrections.

The folder contains one subfolder per category. Every file is extracted through
the shared extraction cache, a stable part of each category is held out, a
new model is fitted on the rest, and both the current and the new model are
scored on the held-out part. The new model replaces the current one only when
its macro-F1 there is at least as good, unless the caller forces it.

The held-out part is stratified: each category with at least two documents
gives up a quarter of them, rounded and at least one, always keeping one to
train on. The documents given up are those with the lowest content hashes, so
the split does not depend on file order and mostly stays put as the corpus
grows. Training is rejected unless the data has at least two categories and
every category has a document held out, so each category needs
``MIN_CATEGORY_DOCUMENTS`` (2) documents in its folder. Corrections are
never held out, so the held-out split cannot show that they make the model
worse. ``_correction_check`` scores the training documents out of fold with
and without them instead, and corrections that turn more documents wrong than
right reject the model too.

NOTE: when a category grows enough for its quota to rise, its next-lowest-hash
document moves from training to held out, so a model trained earlier may have
seen it and its "before" score is then slightly optimistic.

The "before" model is the one at the output folder when it contains a model,
else the configured one (``classification.model_path`` or the shipped model),
so writing to a new folder is checked too.
"""

from __future__ import annotations

import hashlib
import logging
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from docflow.core._settings_checks import RESERVED_CATEGORIES
from docflow.core.classify._classify import model_languages
from docflow.core.classify._correction_check import (
    DISPUTE_CONFIDENCE,
    CorrectionCheck,
    DocumentRegression,
    check_corrections,
    unchecked_reason,
)
from docflow.core.classify._features import (
    LAYOUT_FEATURES,
    ClassifierInput,
    input_from_document,
    input_from_text,
)
from docflow.core.classify._model import (
    METADATA_FILE,
    LoadedModel,
    load_model,
    read_metadata,
    resolve_model_dir,
    save_model,
)
from docflow.core.classify._switch import (
    describe_lost_categories,
    describe_model,
    lost_categories,
)
from docflow.core.classify.metrics import Evaluation, evaluate_predictions
from docflow.core.models import CATEGORIES, NO_CATEGORY
from docflow.core.quoting import quote_value
from docflow.errors import DocumentError, ModelError, ModelRejected, UsageError

if TYPE_CHECKING:
    from docflow.core.config import Settings

__all__ = ["FEATURE_CONFIG", "TrainReport", "Sample", "train_model"]

log = logging.getLogger(__name__)

#: A correction counts this many times in the fit, because a person checked it.
CORRECTION_WEIGHT = 3.0
#: Share of each category held out, rounded, at least one document.
HELDOUT_SHARE = 0.25
#: Minimum documents in a category folder for ``heldout_quota`` to hold one
#: out and keep one to train on.
MIN_CATEGORY_DOCUMENTS = 2
#: Training documents a language needs before the model counts as trained on
#: it (``trained_languages``).
MIN_LANGUAGE_DOCUMENTS = 5

FEATURE_CONFIG: dict[str, Any] = {
    "word": {
        "ngram_range": [1, 2],
        "sublinear_tf": True,
        "max_features": 30_000,
        "min_df": 2,
        "max_df": 0.9,
    },
    "char": {
        "analyzer": "char_wb",
        "ngram_range": [3, 5],
        "sublinear_tf": True,
        "max_features": 60_000,
        "min_df": 2,
        "max_df": 0.9,
    },
    "block_weights": {"word": 1.0, "char": 1.0, "layout": 0.3},
    "classifier": {"type": "LinearSVC", "C": 0.5, "class_weight": "balanced"},
    "calibration": {"method": "temperature", "max_folds": 5, "map_repeats": 5},
    "text": "lower-cased, digits mapped to 0",
}


class TrainReport(BaseModel):
    """The outcome of a training run, with both models' held-out scores."""

    output: str = Field(description="folder the model was written to, or would be")
    version: str
    written: bool = Field(description="the new model was written to ``output``")
    replaced: bool = Field(
        description="the new model was written over a model that ``output`` "
        "contained; false for a new folder"
    )
    forced: bool = False
    training_documents: int = Field(
        description="documents trained on: the folder's documents outside the "
        "held-out split plus the corrections"
    )
    heldout_documents: int
    corrections: int
    no_category_labels: int = Field(
        default=0,
        description="documents labeled none (no category), which train no category",
    )
    documents_per_category: dict[str, int] = Field(
        description=(
            "documents trained on per category: the folder's documents outside "
            "the held-out split plus the corrections, so the counts add up to "
            "training_documents"
        )
    )
    left_out_corrections: dict[str, int] = Field(
        default_factory=dict,
        description="corrections from docflow label left out, per category, "
        "because the training folder has no subfolder of that category",
    )
    lost_categories: list[str] = Field(
        default_factory=list,
        description="categories the current model knows and the new model does "
        "not, because the training folder has no subfolder for them",
    )
    lost_languages: list[str] = Field(
        default_factory=list,
        description="languages the current model classifies and the new model "
        "does not, so it makes their documents unknown",
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="what the new model loses that its held-out scores cannot "
        "show, such as lost_categories, in words",
    )
    skipped: list[str] = Field(
        default_factory=list, description="files that could not be read, with reasons"
    )
    before: Evaluation | None = Field(
        default=None, description="the current model on the held-out split"
    )
    after: Evaluation | None = Field(
        default=None,
        description="the new model on the held-out split; null when the model "
        "was rejected before it was fitted, for losing categories or languages",
    )
    correction_check: CorrectionCheck | None = Field(
        default=None,
        description="the training documents scored out of fold with and without "
        "the corrections, and the corrections out of fold; null without "
        "corrections, or when the model was rejected before it was fitted",
    )
    correction_check_skipped: str | None = Field(
        default=None,
        description="why the corrections were not checked against the training "
        "documents, which leaves correction_check null; null when they were "
        "checked or there are none",
    )
    rejected: str | None = Field(
        default=None, description="why the new model was not written, or null"
    )
    duration_s: float = 0.0


@dataclass
class Sample:
    """One labelled document ready for the classifier."""

    item: ClassifierInput
    label: str
    key: str  # content hash, or the hash of a correction's text
    source: str
    weight: float = 1.0
    # Documents of one group (one template of the training corpus) are held
    # out together when the confidence map is fitted; empty means alone.
    group: str = ""
    correction: bool = False  # from docflow label, not from the folder


def train_model(
    folder: str | Path,
    settings: Settings,
    *,
    corrections: Iterable[tuple[str, ...]] = (),
    output: str | Path | None = None,
    force: bool = False,
    on_step: Callable[[str], None] | None = None,
) -> TrainReport:
    """Train a model on ``folder`` plus ``corrections`` and save it if not worse.

    ``corrections`` are (file path or text, category) pairs confirmed by a
    person, optionally with the content hash the file had when it was
    labeled. Those of category ``none`` (no category) are skipped, and those
    of a category ``folder`` has no subfolder for are left out with a warning.
    ``output`` defaults to the model in use (``classification.model_path``,
    or the shipped model).

    Unless ``force`` is true, raises ModelRejected, with the report of both
    models' scores, when the new model scores a lower macro-F1 on the
    held-out split than the current model (the one at ``output``, else the
    configured one), which applies to a new ``output`` folder too. It raises
    ModelRejected too when the corrections turn more training documents
    wrong than right, scored out of fold (``check_corrections``), with or
    without a current model. It also
    raises ModelRejected, unless ``force`` is true, when ``output`` contains a
    model with categories the training data has no document of, or with
    languages it has fewer than ``MIN_LANGUAGE_DOCUMENTS`` training documents
    of, because the new model would lose them. That report has no scores,
    because the check comes before the fit. Raises UsageError when
    ``folder`` is not a folder of category subfolders, has fewer than two
    categories, or has a category without a document to hold out.
    ``on_step`` receives a short line for each document read and each stage
    of the fit, for a progress display.
    """
    from docflow.core.store import display_path

    step = on_step or (lambda _: None)
    started = time.perf_counter()
    target = Path(output) if output is not None else resolve_model_dir(settings)
    category_names = [path.name for path in category_folders(Path(folder))]
    samples, skipped = collect_folder(Path(folder), settings, on_step=on_step)
    step("reading the corrections")
    corrections = list(corrections)
    labeled = [fix for fix in corrections if fix[1] != NO_CATEGORY]
    left_out = _leave_out_corrections_without_subfolder(folder, category_names, labeled)
    fixes = collect_corrections(
        [fix for fix in labeled if fix[1] not in left_out], settings, skipped
    )
    train, heldout = split_heldout(samples, fixes)
    _check_trainable(folder, category_names, samples, fixes, heldout)

    current = _current_model(target, settings)
    dropped = _dropped_categories(current, train)
    replacing = (target / METADATA_FILE).is_file()
    report = TrainReport(
        output=display_path(str(target)),
        version=next_version(target, train),
        written=False,
        replaced=False,
        training_documents=len(train),
        heldout_documents=len(heldout),
        corrections=len(fixes),
        no_category_labels=sum(fix[1] == NO_CATEGORY for fix in corrections),
        left_out_corrections=left_out,
        documents_per_category=dict(sorted(Counter(s.label for s in train).items())),
        skipped=skipped,
    )
    # Filled before the checks, so that a rejection's report names them too.
    report.lost_categories = list(dropped)
    report.lost_languages = lost = _lost_languages(current, train)
    try:
        _guard_lost_data(current, dropped, lost, target, folder, replacing, force)
    except ModelError as exc:
        report.rejected = str(exc)
        report.duration_s = round(time.perf_counter() - started, 2)
        raise ModelRejected(str(exc), report=report) from None
    if dropped:
        report.warnings.append(
            _lost_categories_warning(current, dropped, target, folder, replacing)
        )
        log.warning("%s", report.warnings[-1])
    step(f"scoring the current model on {len(heldout)} held-out documents")
    before = evaluate_model(current, heldout) if current is not None else None
    with _class_count_warning_ignored():
        step(f"fitting the model and its confidence map on {len(train)} documents")
        parts, matrix = fit_parts_and_matrix(train, settings=settings, on_step=on_step)
        step(f"scoring the new model on {len(heldout)} held-out documents")
        after = evaluate_parts(parts, heldout)
        check = check_corrections(
            matrix, train, FEATURE_CONFIG, parts["temperature"], on_step=step
        )
    report.correction_check_skipped = unchecked_reason(train, FEATURE_CONFIG)

    if check is not None and check.disputed:
        _warn_disputed(check)

    worse = before is not None and after.macro_f1 < before.macro_f1
    harmful = check is not None and check.worse
    after.model_version = report.version
    report.forced = force and (
        worse or harmful or (replacing and bool(dropped or lost))
    )
    report.before = before
    report.after = after
    report.correction_check = check
    report.duration_s = round(time.perf_counter() - started, 2)
    _guard_worse_model(report, worse, harmful, target, force)

    metadata = build_metadata(report.version, train, heldout, after, parts)
    save_model(parts, metadata, target)
    log.info("saved classifier model %s to %s", report.version, report.output)
    report.written = True
    report.replaced = replacing
    report.duration_s = round(time.perf_counter() - started, 2)
    return report


@contextmanager
def _class_count_warning_ignored() -> Iterator[None]:
    """Ignore scikit-learn's warning that ``y`` may be a regression target.

    scikit-learn (1.9.1, ``check_classification_targets``) warns when a fit has
    more than 20 samples and more classes than half of them, which a small
    folder of many categories has in each fold. The labels are category
    names, so the warning never applies to docflow train.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            message="The number of unique classes is greater than 50%",
            category=UserWarning,
        )
        yield


def _warn_disputed(check: CorrectionCheck) -> None:
    """Log one warning naming the corrections that the folder's documents dispute."""
    names = ", ".join(
        f"{item.source} ({item.category}, model says {item.predicted} "
        f"{item.confidence:.2f})"
        for item in check.disputed
    )
    log.warning(
        "%s disputed by a model trained on the folder's documents alone, which "
        "guesses another category with confidence of at least %.1f: %s. Check "
        "these labels with docflow label",
        _plural(len(check.disputed), "correction is", "corrections are"),
        DISPUTE_CONFIDENCE,
        names,
    )


def _guard_worse_model(
    report: TrainReport, worse: bool, harmful: bool, target: Path, force: bool
) -> None:
    """Raise ModelRejected for a model that scores worse, unless ``force``.

    ``worse`` means a lower held-out macro-F1 than the current model's, and
    ``harmful`` that the corrections turn training documents wrong. With
    ``force``, a warning gives the same reasons.
    """
    before, after, check = report.before, report.after, report.correction_check
    reasons: list[str] = []
    if worse:
        reasons.append(
            f"the new model scores macro-F1 {after.macro_f1:.3f} on the held-out "
            f"split, below the current model's {before.macro_f1:.3f} "
            f"({before.model_version})"
        )
    if harmful:
        reasons.append(_describe_harm(check))
    if reasons and force:
        log.warning(
            "%s; it is written anyway because of --force", _join_sentences(reasons)
        )
    if reasons and not force:
        report.rejected = (
            f"{_join_sentences(reasons)}. Nothing was written to {str(target)!r}. "
            f"{_rejection_advice(check if harmful else None)}, or rerun with "
            "--force to save it anyway"
        )
        raise ModelRejected(report.rejected, report=report)


def _join_sentences(sentences: Sequence[str]) -> str:
    """Join ``sentences`` with ". ", capitalizing each one after the first.

    The first stays in lower case, because the message follows ``error:``.
    """
    rest = [text[:1].upper() + text[1:] for text in sentences[1:]]
    return ". ".join([*sentences[:1], *rest])


def _rejection_advice(harm: CorrectionCheck | None) -> str:
    """Return what to do about a rejected model.

    ``harm`` is the correction check when the corrections turned documents
    wrong, else None.
    """
    if harm is None:
        return "Add training documents"
    advice = "Check the labels of the corrections"
    if any(item.blamed is not None for item in harm.regressions):
        advice += ", starting with any blamed above,"
    return (
        f"{advice} and relabel the wrong ones with docflow label (none leaves a "
        "document out of training)"
    )


def _describe_harm(check: CorrectionCheck) -> str:
    """Return a sentence on the training documents the corrections turn wrong."""
    turned = ", ".join(_describe_regression(item) for item in check.regressions[:3])
    more = len(check.regressions) - 3
    if more > 0:
        turned += f" and {more} more"
    return (
        "the corrections from docflow label make the new model worse on the "
        "training documents scored out of fold: macro-F1 "
        f"{check.with_corrections.macro_f1:.3f} with them, "
        f"{check.without_corrections.macro_f1:.3f} without them. They turn "
        f"{_plural(len(check.regressions), 'document')} wrong and "
        f"{check.improvements} right: {turned}"
    )


def _describe_regression(regression: DocumentRegression) -> str:
    """Return ``source (category to predicted, blamed on correction)``."""
    text = f"{regression.source} ({regression.category} to {regression.predicted}"
    if regression.blamed is not None:
        text += f", blamed on the correction {regression.blamed}"
    return text + ")"


def _guard_lost_data(
    current: LoadedModel | None,
    dropped: list[str],
    lost: list[str],
    target: Path,
    folder: str | Path,
    replacing: bool,
    force: bool,
) -> None:
    """Check that a new model at ``target`` keeps the categories and languages.

    ``dropped`` and ``lost`` are the categories and languages of ``current``
    that the new model lacks. Raises ModelError when the new model would
    replace the one at ``target`` and lose some of them, unless ``force`` is
    true.
    """
    if dropped and replacing and not force:
        raise ModelError(
            f"the new model would not know {len(dropped)} of the categories "
            f"the current model ({current.version}) knows: {', '.join(dropped)}. "
            f"A model is trained from scratch on {str(folder)!r} and the stored "
            "corrections, so the folder needs a subfolder for every category "
            "to keep; nothing was written to "
            f"{str(target)!r}. Copy sample_docs/train and add your documents "
            "to it, or rerun with --force to keep only the folder's categories"
        )
    _guard_lost_languages(current, lost, target, folder, replacing, force)


def _leave_out_corrections_without_subfolder(
    folder: str | Path,
    category_names: Sequence[str],
    corrections: Sequence[tuple[str, ...]],
) -> dict[str, int]:
    """Return the corrections per category that ``folder`` has no subfolder of.

    Such a category has no document to hold out, so the new model could not
    be scored on it. Its corrections are left out with a warning that names
    the subfolder to add, instead of failing the whole run.
    """
    counts = Counter(fix[1] for fix in corrections if fix[1] not in category_names)
    if not counts:
        return {}
    left_out = dict(sorted(counts.items()))
    described = ", ".join(f"{name} ({count})" for name, count in left_out.items())
    example = Path(folder) / next(iter(left_out))
    log.warning(
        "leaving out %s from docflow label of categories that %s has no "
        "subfolder for: %s. To train on them, add a subfolder with at least %d "
        "documents for each such category, for example %s",
        _plural(sum(left_out.values()), "correction"),
        folder,
        described,
        MIN_CATEGORY_DOCUMENTS,
        example,
    )
    return left_out


def _check_trainable(
    folder: str | Path,
    category_names: Sequence[str],
    samples: Sequence[Sample],
    fixes: Sequence[Sample],
    heldout: Sequence[Sample],
) -> None:
    """Raise UsageError unless every category can be both trained and scored.

    That takes two or more categories with documents, and a held-out
    document in each. Without that, the held-out split cannot compare the
    current and the new model on every category the new model learns.
    """
    documents = Counter(sample.label for sample in samples)
    corrections = Counter(sample.label for sample in fixes)
    names = sorted({*category_names, *documents, *corrections})
    counts = ", ".join(
        _describe_count(name, documents[name], corrections[name]) for name in names
    )
    with_documents = [name for name in names if documents[name] or corrections[name]]
    if len(with_documents) < 2:
        raise UsageError(
            f"{str(folder)!r} has documents of "
            f"{_plural(len(with_documents), 'category', 'categories')} "
            f"({counts}); training needs at least two categories, each a "
            "subfolder named after it with at least "
            f"{MIN_CATEGORY_DOCUMENTS} documents. Add a subfolder of documents "
            "for every category the model should learn, for example in a copy "
            "of sample_docs/train"
        )

    held_out = {sample.label for sample in heldout}
    too_small = [name for name in names if name not in held_out]
    if too_small:
        folders = ", ".join(repr(str(Path(folder) / name)) for name in too_small)
        raise UsageError(
            f"{str(folder)!r} has too few documents to both train on and hold "
            f"out in {_plural(len(too_small), 'category', 'categories')}: "
            f"{', '.join(too_small)}. All categories: {counts}. Each category "
            f"needs at least {MIN_CATEGORY_DOCUMENTS} documents in its "
            "subfolder. At least one is held out to score the current and the "
            "new model, and at least one is trained on. Corrections from "
            "docflow label are only trained on, so they cannot stand in for "
            f"these documents. Add documents to {folders}, or remove a "
            "subfolder whose category the model should not learn"
        )


def _describe_count(name: str, documents: int, corrections: int) -> str:
    """Return ``name: N documents``, with the corrections of ``name`` if any."""
    text = f"{name}: {_plural(documents, 'document')}"
    if corrections:
        text += f" and {_plural(corrections, 'correction')}"
    return text


def _plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def _dropped_categories(
    current: LoadedModel | None, train: Sequence[Sample]
) -> list[str]:
    """Return the categories of ``current`` that ``train`` has no document of."""
    if current is None:
        return []
    return lost_categories(current.classes, {sample.label for sample in train})


def _lost_categories_warning(
    current: LoadedModel | None,
    dropped: Sequence[str],
    target: Path,
    folder: str | Path,
    replacing: bool,
) -> str:
    """Return the warning that the model written to ``target`` lacks ``dropped``.

    ``replacing`` is true only with --force, because ``_guard_lost_data``
    rejects the model otherwise.
    """
    from docflow.core.store import display_path

    version = current.version if current is not None else "unknown"
    model_dir = current.path.parent if current is not None else None
    described = describe_lost_categories(dropped, describe_model(version, model_dir))
    quoted_target = quote_value(display_path(str(target)))
    if replacing:
        where = f"It replaces the model in {quoted_target} because of --force"
    else:
        where = f"It goes to the new folder {quoted_target}, so no model is replaced"
    return (
        f"{described}. {where}; to keep them, add a subfolder of documents for "
        f"each to {quote_value(display_path(str(folder)))}"
    )


def _lost_languages(current: LoadedModel | None, train: Sequence[Sample]) -> list[str]:
    """Return the languages of ``current`` that a model of ``train`` would not know."""
    if current is None:
        return []
    return sorted(set(model_languages(current)) - set(trained_languages(train)))


def _guard_lost_languages(
    current: LoadedModel | None,
    lost: list[str],
    target: Path,
    folder: str | Path,
    replacing: bool,
    force: bool,
) -> None:
    """Check the languages ``lost`` of ``current`` that the new model lacks.

    Raises ModelError when the new model would replace the one at ``target``
    and ``force`` is false. Otherwise a warning names the languages, because
    the held-out comparison only covers the folder's languages and cannot
    show the loss.
    """
    if not lost or current is None:
        return
    advice = (
        f"add at least {MIN_LANGUAGE_DOCUMENTS} training documents in each "
        f"to {str(folder)!r}, such as those of sample_docs/train"
    )
    if replacing and not force:
        raise ModelError(
            f"the new model would not classify text in {len(lost)} of the "
            f"languages the current model ({current.version}) was trained on: "
            f"{', '.join(lost)}. Documents in them would become unknown. Nothing "
            f"was written to {str(target)!r}. To keep them, {advice}, or rerun "
            "with --force to keep only the folder's languages"
        )
    log.warning(
        "the new model in %s will not classify text in %s of %s: %s. "
        "Documents in them become unknown. To keep them, %s",
        target,
        _plural(len(lost), "language"),
        current.version,
        ", ".join(lost),
        advice,
    )


def _current_model(target: Path, settings: Settings) -> LoadedModel | None:
    """Return the model at ``target``, else the configured one, else None."""
    from docflow.core.classify._model import _load_from_disk

    candidates = [target, resolve_model_dir(settings)]
    for model_dir in candidates:
        if (model_dir / METADATA_FILE).is_file():
            try:
                if model_dir == resolve_model_dir(settings):
                    return load_model(settings)
                return _load_from_disk(model_dir)
            except ModelError as exc:
                log.warning("cannot score the current model: %s", exc)
                return None
    return None


# -- reading the corpus ------------------------------------------------------


def collect_folder(
    folder: Path, settings: Settings, *, on_step: Callable[[str], None] | None = None
) -> tuple[list[Sample], list[str]]:
    """Read every file under ``folder/<category>/``; return samples and skip notes.

    ``on_step`` receives ``reading N/TOTAL category/name`` before each file.
    Raises UsageError as ``category_folders`` does.
    """
    from docflow.core.store import display_path

    samples: list[Sample] = []
    skipped: list[str] = []
    groups = read_groups(folder)
    files: list[tuple[Path, str]] = []
    for category_dir in category_folders(folder):
        if category_dir.name not in CATEGORIES:
            log.warning(
                "training folder %s is not a known category; its documents "
                "teach a new category",
                display_path(str(category_dir)),
            )
        for path in sorted(category_dir.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                files.append((path, category_dir.name))
    for number, (path, category) in enumerate(files, start=1):
        relative = path.relative_to(folder).as_posix()
        if on_step is not None:
            on_step(f"reading {number}/{len(files)} {relative}")
        sample = _read_sample(path, category, settings, skipped)
        if sample is not None:
            sample.group = groups.get(relative, "")
            samples.append(sample)
    return samples, skipped


def category_folders(folder: Path) -> list[Path]:
    """Return the category subfolders of ``folder``, sorted, hidden ones left out.

    Raises UsageError when ``folder`` is missing, is a file, has no category
    subfolder, or has one named after a reserved category (unknown, none) or
    with a name that is not valid UTF-8.
    """
    if folder.is_file():
        raise UsageError(
            f"{str(folder)!r} is a file, not a folder; give the folder whose "
            "subfolders are the categories, such as sample_docs/train"
        )
    if not folder.is_dir():
        raise UsageError(f"training folder not found: {str(folder)!r}")
    entries = sorted(folder.iterdir())
    found = [
        path for path in entries if path.is_dir() and not path.name.startswith(".")
    ]
    if not found:
        top_level = sum(path.is_file() for path in entries)
        ignored = (
            f", and training ignores the {_plural(top_level, 'file')} at its top level"
            if top_level
            else ""
        )
        raise UsageError(
            f"{str(folder)!r} has no category subfolders{ignored}. Put each "
            "category's documents in a subfolder named after it, such as "
            f"{str(folder / 'invoice')!r}"
        )
    _check_category_names(folder, found)
    reserved = [path for path in found if path.name.lower() in RESERVED_CATEGORIES]
    if reserved:
        names = ", ".join(repr(path.name) for path in reserved)
        meanings = "; ".join(
            f"{name!r}: {meaning}" for name, meaning in RESERVED_CATEGORIES.items()
        )
        raise UsageError(
            f"{str(folder)!r} has a category subfolder named {names}, a name "
            f"docflow reserves ({meanings}). Rename the subfolder, or leave "
            "documents of no category out of the training folder"
        )
    return found


def _check_category_names(folder: Path, subfolders: Sequence[Path]) -> None:
    """Raise UsageError for a subfolder whose name is not valid UTF-8.

    The name becomes the category, which the model, the database and every
    output store as text.
    """
    from docflow.core.store import display_path

    invalid = [path.name for path in subfolders if not _is_utf8(path.name)]
    if invalid:
        names = ", ".join(display_path(name) for name in invalid)
        raise UsageError(
            f"{display_path(str(folder))} has a category subfolder whose name is "
            f"not valid UTF-8: {names}. The name becomes the category, so rename "
            "the subfolder"
        )


def _is_utf8(name: str) -> bool:
    """Tell whether a file name decoded to ``name`` without undecodable bytes."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_groups(folder: Path) -> dict[str, str]:
    """Map files to ``category:template`` from ``folder/MANIFEST.tsv``, if present.

    The manifest is tab-separated with a header and the columns ``path``,
    ``category`` and ``template`` first, as ``scripts/make_corpus`` writes it.
    Without one, every document is its own group.
    """
    manifest = folder / "MANIFEST.tsv"
    if not manifest.is_file():
        return {}
    groups = {}
    try:
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("cannot read %s, documents are grouped alone: %s", manifest, exc)
        return {}
    for line in lines[1:]:
        fields = line.split("\t")
        if len(fields) >= 3 and fields[2]:
            groups[fields[0]] = f"{fields[1]}:{fields[2]}"
    return groups


def collect_corrections(
    corrections: Iterable[tuple[str, ...]], settings: Settings, skipped: list[str]
) -> list[Sample]:
    """Turn (path or text, category[, content hash]) tuples into weighted samples.

    A file whose content hash differs from the one recorded with its label
    has changed since a person looked at it, so it is skipped with a note.
    """
    from docflow.core.store import display_path

    max_chars = settings.classification.max_chars
    samples = []
    for source, category, *recorded in corrections:
        if _looks_like_path(source) and Path(source).is_file():
            sample = _read_sample(Path(source), category, settings, skipped)
            expected = recorded[0] if recorded else None
            if sample is not None and expected and sample.key != expected:
                name = display_path(source)
                log.warning("skipping correction %s: changed since labeled", name)
                skipped.append(
                    f"{name}: correction skipped, the file changed since it "
                    f"was labeled {category}"
                )
                continue
        elif _looks_like_path(source):
            name = display_path(source)
            log.warning("skipping correction %s: file not found", name)
            skipped.append(f"{name}: correction skipped, file not found")
            continue
        else:
            key = hashlib.sha256(source.encode()).hexdigest()
            sample = Sample(input_from_text(source, max_chars), category, key, "text")
        if sample is not None:
            sample.weight = CORRECTION_WEIGHT
            sample.correction = True
            samples.append(sample)
    return samples


def _looks_like_path(source: str) -> bool:
    """Tell a file path from correction text: one short line with a / or a suffix."""
    if "\n" in source or len(source) > 1024:
        return False
    suffix = Path(source).suffix[1:]
    return "/" in source or (suffix.isalpha() and len(suffix) <= 5)


def _read_sample(
    path: Path, label: str, settings: Settings, skipped: list[str]
) -> Sample | None:
    from docflow.core.pipeline import hash_file
    from docflow.core.store import display_path, display_text

    # Names and messages as docflow process shows them, so that an
    # undecodable byte in a file name reads \xNN, not a lone surrogate.
    name = display_path(str(path))
    try:
        content_hash, _ = hash_file(path)
        document = _extract(path, content_hash, settings)
    except (DocumentError, OSError) as exc:
        reason = display_text(str(exc))
        log.warning("skipping training file %s: %s", name, reason)
        skipped.append(f"{name}: {reason}")
        return None
    item = input_from_document(document, settings.classification.max_chars)
    if not item.text.strip():
        skipped.append(f"{name}: no text")
        return None
    return Sample(item, label, content_hash, str(path))


def _extract(path: Path, content_hash: str, settings: Settings) -> Any:
    from docflow.core.pipeline import extract_cached

    return extract_cached(str(path), content_hash, settings)


def split_heldout(
    samples: Sequence[Sample], corrections: Sequence[Sample]
) -> tuple[list[Sample], list[Sample]]:
    """Split folder samples into training and held-out parts by content hash.

    Corrections always train. A folder document that was also corrected is
    left out of the held-out part, because its folder label may be the wrong one.
    """
    corrected = {sample.key for sample in corrections}
    by_label: dict[str, list[Sample]] = {}
    for sample in samples:
        by_label.setdefault(sample.label, []).append(sample)

    train: list[Sample] = list(corrections)
    heldout: list[Sample] = []
    for group in by_label.values():
        candidates = sorted(
            (s for s in group if s.key not in corrected), key=lambda s: s.key
        )
        chosen = candidates[: heldout_quota(len(group))]
        chosen_ids = {id(s) for s in chosen}
        heldout.extend(chosen)
        train.extend(s for s in group if id(s) not in chosen_ids)
    return train, heldout


def heldout_quota(count: int) -> int:
    """Return how many of a category's ``count`` documents to hold out."""
    if count < 2:
        return 0
    return min(max(1, round(HELDOUT_SHARE * count)), count - 1)


# -- fitting and scoring -------------------------------------------------------


def fit_parts(
    samples: Sequence[Sample],
    config: dict[str, Any] | None = None,
    *,
    settings: Settings | None = None,
    on_step: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Fit the vectorisers and the calibrated linear classifier on ``samples``.

    With ``settings``, whose keyword rules the classifier will mix in, a
    confidence map is fitted too (see ``docflow.core.classify.calibration``).
    ``on_step`` receives a line before each of the slow stages.
    """
    parts, _ = fit_parts_and_matrix(samples, config, settings=settings, on_step=on_step)
    return parts


def fit_parts_and_matrix(
    samples: Sequence[Sample],
    config: dict[str, Any] | None = None,
    *,
    settings: Settings | None = None,
    on_step: Callable[[str], None] | None = None,
) -> tuple[dict[str, Any], Any]:
    """Fit as ``fit_parts`` does, and return the parts and the feature matrix.

    The matrix has one row per sample, in order, for checks that refit
    only the linear model.
    """
    step = on_step or (lambda _: None)
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    from docflow.core.classify._features import compute_layout_features, normalize_text

    config = config or FEATURE_CONFIG
    texts = [normalize_text(s.item.text) for s in samples]
    labels = [s.label for s in samples]
    weights = [s.weight for s in samples]
    few = len(samples) < 40  # min_df of 2 would empty a tiny vocabulary
    step("fitting: word and character n-gram features")
    word = TfidfVectorizer(**_vectorizer_options(config["word"], few))
    char = TfidfVectorizer(**_vectorizer_options(config["char"], few))
    blocks = config["block_weights"]
    matrix = hstack(
        [
            word.fit_transform(texts) * blocks["word"],
            char.fit_transform(texts) * blocks["char"],
            csr_matrix([compute_layout_features(s.item) for s in samples])
            * blocks["layout"],
        ],
        format="csr",
    )
    # The pruned-term sets are only for inspection and would bloat the file.
    word.stop_words_ = None
    char.stop_words_ = None
    step("fitting: the classifier and its temperature")
    classifier, temperature = _fit_classifier(matrix, labels, weights, config)
    confidence_map = None
    if temperature is not None and settings is not None:
        confidence_map = _fit_confidence_map(
            matrix, samples, temperature, config, settings, step
        )
    parts = {
        "word": word,
        "char": char,
        "classifier": classifier,
        "temperature": temperature,
        "confidence_map": confidence_map,
        "linear": classifier,
        "block_weights": dict(blocks),
        "layout_features": LAYOUT_FEATURES,
    }
    return parts, matrix


def _fit_confidence_map(
    matrix: Any,
    samples: Sequence[Sample],
    temperature: float,
    config: dict[str, Any],
    settings: Settings,
    step: Callable[[str], None],
) -> dict[str, float] | None:
    """Fit the map from mixed scores to accuracy on groups held out by turns.

    The vocabulary is the one fitted on every sample, and the temperature the
    one fitted on out-of-fold scores, so only the linear model is refitted per
    fold. Which groups share a fold moved the fitted intercept by up to 0.6 on
    the training corpus, so the groups are dealt into folds ``map_repeats``
    times and one map is fitted to all the held-out scores. Documents whose
    confidence the classifier caps (too little readable text, rules or key
    facts that disagree) are left out, as the map does not apply to them.
    """
    from sklearn.model_selection import GroupKFold

    from docflow.core.classify.calibration import fit_confidence_map

    groups = [sample.group or sample.key for sample in samples]
    folds = min(config["calibration"]["max_folds"], len(set(groups)))
    if folds < 2:
        return None
    labels = [s.label for s in samples]
    weights = [s.weight for s in samples]
    mixed = _MixedScores(samples, settings)
    confidences: list[float] = []
    correct: list[bool] = []
    repeats = config["calibration"].get("map_repeats", 1)
    for repeat in range(repeats):
        step(f"fitting: the confidence map, round {repeat + 1}/{repeats}")
        splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=repeat)
        splits = splitter.split(labels, labels, groups)
        scores = _out_of_fold_scores(matrix, labels, weights, splits, config)
        for index, raw in enumerate(scores):
            outcome = mixed.best(index, raw / temperature, raw)
            if outcome is not None:
                confidences.append(outcome[0])
                correct.append(outcome[1])
    mapping = fit_confidence_map(confidences, correct)
    log.info(
        "confidence map from %d held-out scores in %d folds: %s",
        len(confidences),
        folds,
        mapping,
    )
    return mapping


class _MixedScores:
    """The classifier's final best guess for training samples, from fold scores."""

    def __init__(self, samples: Sequence[Sample], settings: Settings) -> None:
        from docflow.core.classify._rules import score_rules

        self.samples = samples
        self.settings = settings
        self.classes = sorted({s.label for s in samples})
        options = settings.classification
        self.rules = [score_rules(s.item.text, options.rules) for s in samples]
        self.capped: dict[tuple[int, str], bool] = {}

    def best(
        self, index: int, scores: Any, raw_scores: Any = None
    ) -> tuple[float, bool] | None:
        """Return (mixed score of the best guess, right) or None when it is capped.

        ``scores`` are the decision scores divided by the temperature, and
        ``raw_scores`` the decision scores themselves.
        """
        import numpy as np

        from docflow.core.classify._classify import is_capped
        from docflow.core.classify._rules import combine_scores

        exp = np.exp(scores - scores.max())
        probabilities = exp / exp.sum()
        rule_scores, hits = self.rules[index]
        mixed = combine_scores(
            dict(zip(self.classes, map(float, probabilities), strict=True)),
            rule_scores,
            self.settings.classification.rule_weight,
        )
        best = max(mixed, key=mixed.__getitem__)
        key = (index, best)
        if key not in self.capped:
            document = _sample_document(self.samples[index], self.settings)
            self.capped[key] = document is not None and is_capped(
                document,
                best,
                rule_scores,
                hits,
                raw_scores,
                self.settings.classification,
            )
        if self.capped[key]:
            return None
        return mixed[best], best == self.samples[index].label


def _vectorizer_options(config: dict[str, Any], few: bool) -> dict[str, Any]:
    options = dict(config)
    options["ngram_range"] = tuple(options["ngram_range"])
    options["dtype"] = _float32()
    if few:
        options["min_df"] = 1
        options["max_df"] = 1.0
    return options


def _float32() -> Any:
    import numpy as np

    return np.float32


def _fit_classifier(
    matrix: Any, labels: list[str], weights: list[float], config: dict[str, Any]
) -> tuple[Any, float | None]:
    """Fit the linear model and the softmax temperature that calibrates it.

    The temperature is fitted on out-of-fold decision scores, so it reflects
    how sure the model is about documents it has not seen. One parameter
    keeps the model's ranking of categories and cannot overfit a small
    corpus the way per-category calibration maps can.
    """
    from sklearn.model_selection import StratifiedKFold

    base = _linear_model(config["classifier"])
    folds = min(config["calibration"]["max_folds"], min(Counter(labels).values()))
    if folds < 2:
        log.warning("too few documents per category to calibrate; using raw scores")
        base = _linear_model({**config["classifier"], "type": "LogisticRegression"})
        base.fit(matrix, labels, sample_weight=weights)
        return base, None
    splitter = StratifiedKFold(folds, shuffle=True, random_state=0)
    splits = splitter.split(labels, labels)
    scores = _out_of_fold_scores(matrix, labels, weights, splits, config)
    base.fit(matrix, labels, sample_weight=weights)
    truth = [list(base.classes_).index(label) for label in labels]
    return base, fit_temperature(scores, truth)


def _sample_document(sample: Sample, settings: Settings) -> Any:
    """Return the extracted document behind a file sample (from the cache), or None."""
    from docflow.core.store import display_path

    if sample.source == "text":
        return None
    try:
        return _extract(Path(sample.source), sample.key, settings)
    except (DocumentError, OSError) as exc:
        log.debug("no document for %s: %s", display_path(sample.source), exc)
        return None


def _out_of_fold_scores(
    matrix: Any,
    labels: list[str],
    weights: list[float],
    splits: Iterable[tuple[Any, Any]],
    config: Any,
) -> Any:
    """Return decision scores of each row from a model fitted without its fold.

    Columns follow the sorted labels. A category missing from a fold's
    training rows (all its documents held out together) scores far below the
    others for that fold.
    """
    import numpy as np

    classes = sorted(set(labels))
    targets = np.array(labels)
    sample_weight = np.array(weights)
    scores = np.zeros((len(labels), len(classes)))
    for train_rows, test_rows in splits:
        model = _linear_model(config["classifier"])
        model.fit(
            matrix[train_rows],
            targets[train_rows],
            sample_weight=sample_weight[train_rows],
        )
        fold_scores = model.decision_function(matrix[test_rows])
        if fold_scores.ndim == 1:
            fold_scores = np.column_stack([-fold_scores, fold_scores]) / 2
        fold_classes = [str(name) for name in model.classes_]
        if fold_classes == classes:
            scores[test_rows] = fold_scores
            continue
        filled = np.full((len(test_rows), len(classes)), fold_scores.min() - 10.0)
        for column, name in enumerate(fold_classes):
            filled[:, classes.index(name)] = fold_scores[:, column]
        scores[test_rows] = filled
    return scores


def fit_temperature(scores: Any, truth: list[int]) -> float:
    """Return the temperature that minimises the log loss of softmax(scores / T)."""
    import numpy as np
    from scipy.optimize import minimize_scalar
    from scipy.special import log_softmax

    rows = np.arange(len(truth))

    def log_loss(log_temperature: float) -> float:
        scaled = scores / np.exp(log_temperature)
        return float(-log_softmax(scaled, axis=1)[rows, truth].mean())

    best = minimize_scalar(log_loss, bounds=(-7.0, 3.0), method="bounded")
    return float(np.exp(best.x))


def _linear_model(options: dict[str, Any]) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    if options["type"] == "LinearSVC":
        return LinearSVC(C=options["C"], class_weight=options["class_weight"])
    return LogisticRegression(
        C=options["C"], class_weight=options["class_weight"], max_iter=3000
    )


def evaluate_model(model: LoadedModel, samples: Sequence[Sample]) -> Evaluation:
    """Score a saved model's best guesses on ``samples`` (no rules, no threshold)."""
    evaluation = evaluate_parts(model.parts, samples)
    evaluation.model_version = model.version
    return evaluation


def evaluate_parts(parts: dict[str, Any], samples: Sequence[Sample]) -> Evaluation:
    from docflow.core.classify._model import build_matrix, predict_proba

    probabilities = predict_proba(parts, build_matrix(parts, [s.item for s in samples]))
    classes = [str(name) for name in parts["classifier"].classes_]
    best = probabilities.argmax(axis=1)
    return evaluate_predictions(
        [s.label for s in samples],
        [classes[i] for i in best],
        [float(probabilities[row, i]) for row, i in enumerate(best)],
    )


# -- versions and description ----------------------------------------------------


def data_fingerprint(samples: Sequence[Sample]) -> str:
    """Return a SHA-256 over the (content hash, label, weight) triples, order-free."""
    rows = sorted(f"{s.key}\t{s.label}\t{s.weight}" for s in samples)
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def next_version(target: Path, samples: Sequence[Sample]) -> str:
    """Return ``YYYY.MM.DD-N+<data sha>``, N counting today's models in ``target``."""
    today = datetime.now(UTC).strftime("%Y.%m.%d")
    number = 1
    if (target / METADATA_FILE).is_file():
        try:
            previous = str(read_metadata(target)["version"])
        except ModelError:
            previous = ""
        stem = previous.split("+", 1)[0]
        if stem.startswith(today + "-") and stem[len(today) + 1 :].isdigit():
            number = int(stem[len(today) + 1 :]) + 1
    return f"{today}-{number}+{data_fingerprint(samples)[:8]}"


def trained_languages(samples: Sequence[Sample]) -> list[str]:
    """Return the languages of at least ``MIN_LANGUAGE_DOCUMENTS`` of ``samples``.

    The classifier makes text in any other language ``unknown``
    (``untrained_language``). One labeled document does not teach a language:
    a Chinese lease labeled ``contract`` would otherwise let every Chinese
    document through.
    """
    counts = Counter(sample.item.language for sample in samples)
    return sorted(
        language
        for language, count in counts.items()
        if language and count >= MIN_LANGUAGE_DOCUMENTS
    )


def build_metadata(
    version: str,
    train: Sequence[Sample],
    heldout: Sequence[Sample],
    after: Evaluation,
    parts: dict[str, Any],
) -> dict[str, Any]:
    import sklearn

    return {
        "version": version,
        "data_sha256": data_fingerprint(train),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "categories": [str(name) for name in parts["classifier"].classes_],
        "training_documents": dict(sorted(Counter(s.label for s in train).items())),
        "heldout_documents": dict(sorted(Counter(s.label for s in heldout).items())),
        "languages": trained_languages(train),
        "features": {
            **FEATURE_CONFIG,
            "layout_features": list(LAYOUT_FEATURES),
            "word_vocabulary": len(parts["word"].vocabulary_),
            "char_vocabulary": len(parts["char"].vocabulary_),
        },
        "temperature": parts["temperature"],
        "confidence_map": parts.get("confidence_map"),
        "metrics": {"heldout": after.model_dump()},
        "sklearn_version": sklearn.__version__,
    }
