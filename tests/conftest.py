"""Fixtures shared by every test module."""

from __future__ import annotations

import logging

import pytest


@pytest.fixture(autouse=True)
def restore_logging():
    """Put back the root logger's handlers and level that a CLI run replaced."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
