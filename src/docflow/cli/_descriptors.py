"""Names of a process's own descriptors, which name another file in each process.

A separate module, because the replay check at start-up needs it and must
not import the rest of the input handling.
"""

from __future__ import annotations

import os

__all__ = ["names_descriptor"]

_DESCRIPTOR_NAMES = ("/dev/stdin", "/dev/stdout", "/dev/stderr")
_DESCRIPTOR_FOLDERS = ("/dev/fd/", "/proc/self/fd/")


def names_descriptor(path: str) -> bool:
    """Tell whether ``path`` names a descriptor of whichever process opens it."""
    path = os.path.abspath(path)
    return path in _DESCRIPTOR_NAMES or path.startswith(_DESCRIPTOR_FOLDERS)
