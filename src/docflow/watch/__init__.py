"""The watch daemon: take complete files from inboxes, process, route and store them.

``WatchDaemon`` (``daemon``) ties together readiness rules (``readiness``),
the file state table (``state``), routing (``routing``), crash-consistent
moves (``finisher``, ``mover``) and the warm processing engine
(``processor``). ``docflow watch`` (``docflow.cli.watch``) is its command line.
"""

from docflow.watch.daemon import WatchDaemon
from docflow.watch.processor import InProcessProcessor, open_processor
from docflow.watch.results import store_saver
from docflow.watch.state import StateStore, WatchStatus

__all__ = [
    "InProcessProcessor",
    "StateStore",
    "WatchDaemon",
    "WatchStatus",
    "open_processor",
    "store_saver",
]
