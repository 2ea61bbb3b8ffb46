"""Process-tree helpers for the fault tests, read from /proc."""

from __future__ import annotations

import os


def list_children(parent: int) -> list[int]:
    """Return the pids whose parent is ``parent``."""
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            children.append(int(entry))
    return children
