"""A failed write to the extraction cache leaves no temporary file behind.

The failure is real: the writing process runs under a file size limit
(RLIMIT_FSIZE) smaller than the entry, so the write gets EFBIG, as it would
get ENOSPC on a full disk.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from docflow.core import extract_cache
from docflow.core.config import Settings
from docflow.core.models import ExtractedDocument, Page

settings = Settings()
settings.store.cache_dir = sys.argv[1]
page = Page(number=1, text="word " * 4000, method="native")
document = ExtractedDocument(path="x.txt", detected_type="text", pages=[page])
extract_cache.save("ab" * 32, settings, document)
print("saved without raising")
"""


def test_failed_write_removes_its_temporary_file(tmp_path: Path) -> None:
    cache = tmp_path / "cache"

    def limit_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(cache)],
        capture_output=True,
        text=True,
        preexec_fn=limit_files,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert "saved without raising" in completed.stdout
    assert "cannot write extraction cache entry" in completed.stderr
    left = [path.name for path in cache.rglob("*") if path.is_file()]
    assert left == []
