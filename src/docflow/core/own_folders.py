"""The folders docflow writes to during a run, which contain no documents.

These are ``store.cache_dir`` (the extraction cache, the replay records and
the model checksum memo) and the server logs in ``logs`` beside it. When one
of them lies inside a folder that a run walks or that ``docflow watch``
watches, its files are left out, because each run would otherwise process
the files the previous run wrote and add more. The results database and its
lock files are left out by ``Store.owns``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docflow.core.config import Settings

__all__ = ["own_folders", "server_log_folder"]


def server_log_folder(settings: Settings) -> Path:
    """Return the folder of the server logs: ``logs`` beside ``store.cache_dir``."""
    return Path(settings.store.cache_dir).parent / "logs"


def own_folders(settings: Settings) -> dict[Path, str]:
    """Return docflow's own folders, absolute, each with a description."""
    return {
        Path(os.path.abspath(settings.store.cache_dir)): "the extraction cache "
        "(store.cache_dir)",
        Path(os.path.abspath(server_log_folder(settings))): "the server logs",
    }
