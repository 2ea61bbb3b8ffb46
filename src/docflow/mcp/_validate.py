"""Model checks that run inside a sandboxed document worker.

``update_model`` loads a candidate model file there rather than in the server,
because a joblib model is a pickle: loading it runs code from the file, and a
broken or hostile file must not take the server down with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docflow.core.config import Settings

__all__ = ["check_model"]


def check_model(settings: Settings) -> tuple[str, list[str]]:
    """Load the model ``settings`` names; return its version and categories.

    Raises ModelError when the model does not load or has no categories.
    """
    from docflow.core.classify._model import load_model

    model = load_model(settings)
    if not model.classes:
        from docflow.core.quoting import quote_value
        from docflow.errors import ModelError

        raise ModelError(f"model {quote_value(str(model.path))} knows no categories")
    return model.version, list(model.classes)
