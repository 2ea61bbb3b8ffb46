"""Checks before a new model takes the place of the one in use.

``docflow train`` and the MCP tool ``update_model`` share them, so both name
the categories a new model loses in the same words. A model trained on
fewer categories sends every document of a lost category to another category or to
unknown, and its held-out scores cannot show that, because the training
folder has no documents of the lost categories.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from docflow.core.classify._model import SHIPPED_MODEL_DIR
from docflow.core.quoting import quote_value
from docflow.errors import ModelError

__all__ = [
    "ModelSwitch",
    "check_model_switch",
    "describe_model",
    "describe_lost_categories",
    "lost_categories",
]


class ModelSwitch(BaseModel):
    """The categories a candidate model loses against the model in use."""

    lost_categories: list[str] = Field(
        default_factory=list,
        description="categories of the model in use that the candidate lacks, "
        "so their documents get another category or unknown",
    )
    warning: str | None = Field(
        default=None, description="the warning about lost_categories, or null"
    )


def lost_categories(current: Iterable[str], candidate: Iterable[str]) -> list[str]:
    """Return the categories of ``current`` missing from ``candidate``, sorted."""
    return sorted(set(current) - set(candidate))


def describe_model(version: str, model_dir: Path | None) -> str:
    """Return ``the shipped model V`` or ``model V in DIR``, for messages."""
    if model_dir is None:
        return f"model {version}"
    if model_dir.resolve() == SHIPPED_MODEL_DIR:
        return f"the shipped model {version}"
    return f"model {version} in {quote_value(str(model_dir))}"


def describe_lost_categories(lost: Sequence[str], current: str) -> str:
    """Return ``the new model does not know N of the categories of CURRENT: ...``.

    ``current`` describes the model in use, as ``describe_model`` does.
    """
    count = "1 category" if len(lost) == 1 else f"{len(lost)} categories"
    return f"the new model does not know {count} of {current}: {', '.join(lost)}"


def check_model_switch(
    current_categories: Iterable[str] | None,
    current: str,
    candidate_categories: Iterable[str],
    *,
    allow_lost: bool,
    allow_name: str,
) -> ModelSwitch:
    """Compare a candidate model's categories with those of the model in use.

    ``current`` describes the model in use (see ``describe_model``), and
    ``current_categories`` is None when it cannot be read, and then no
    category counts as lost. Raises ModelError when the candidate lacks some
    of the current categories and ``allow_lost`` is false, with advice to set
    ``allow_name``.
    With ``allow_lost`` the result names the lost categories and a warning.
    """
    if current_categories is None:
        return ModelSwitch()
    lost = lost_categories(current_categories, candidate_categories)
    if not lost:
        return ModelSwitch()
    described = describe_lost_categories(lost, current)
    if not allow_lost:
        raise ModelError(
            f"{described}. Their documents would get another category or "
            "unknown. Train a model on a folder with a subfolder for each of "
            f"them, or set {allow_name} to use this model anyway"
        )
    return ModelSwitch(
        lost_categories=lost,
        warning=f"{described}; their documents get another category or unknown",
    )
