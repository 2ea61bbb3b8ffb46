"""The size and SHA-256 of model.joblib that model.json records, and the cache key.

A damaged or replaced model.joblib beside an unchanged model.json must fail
with a ModelError, or at least change the key under which stored results are
reused, instead of printing the results of the intact model again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docflow.core.classify import _checksum, model_key  # noqa: E402
from docflow.core.classify._checksum import FILE_FIELD, MEMO_FILE  # noqa: E402
from docflow.core.classify._model import (  # noqa: E402
    METADATA_FILE,
    MODEL_FILE,
    SHIPPED_MODEL_DIR,
    _load_from_disk,
)
from docflow.core.config import Settings, load_settings  # noqa: E402
from docflow.errors import ModelError  # noqa: E402
from processes import docflow_env  # noqa: E402

LETTER = """Dear Mr Okafor,

Thank you for your letter of 12 May about the late delivery of the printer
paper. We have sent the missing boxes today.

Yours sincerely,
Anna Lindqvist
"""


@dataclass(frozen=True)
class Classified:
    """A letter classified once through the CLI with an intact copy of the model."""

    folder: Path
    letter: Path
    record: dict


def run_cli(
    cwd: Path, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[bytes]:
    """Run the docflow command in ``cwd`` with ``env``; return what it printed."""
    return subprocess.run(
        [sys.executable, "-c", "from docflow.cli.main import run; run()", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        timeout=300,
    )


def run_classify(
    cwd: Path, database: Path, model: Path, letter: Path
) -> subprocess.CompletedProcess[bytes]:
    env = docflow_env(cwd, DOCFLOW_CLASSIFICATION_MODEL_PATH=str(model))
    return run_cli(
        cwd, env, "classify", "--db", str(database), "-f", "jsonl", str(letter)
    )


@pytest.fixture(scope="module")
def classified(tmp_path_factory: pytest.TempPathFactory) -> Classified:
    folder = tmp_path_factory.mktemp("classified")
    letter = folder / "letter.txt"
    letter.write_text(LETTER)
    shutil.copytree(SHIPPED_MODEL_DIR, folder / "model")
    (folder / "db").mkdir()
    completed = run_classify(
        folder, folder / "db" / "docflow.duckdb", folder / "model", letter
    )
    assert completed.returncode == 0, completed.stderr.decode()
    [record] = [json.loads(line) for line in completed.stdout.splitlines()]
    assert record["status"] == "ok"
    return Classified(folder, letter, record)


def copy_state(classified: Classified, tmp_path: Path) -> tuple[Path, Path]:
    """Copy the database and the model of ``classified``; return both copies."""
    shutil.copytree(classified.folder / "db", tmp_path / "db")
    shutil.copytree(classified.folder / "model", tmp_path / "model")
    return tmp_path / "db" / "docflow.duckdb", tmp_path / "model"


def remove_checksum(model: Path) -> None:
    """Make ``model`` look saved by a docflow that recorded no checksum."""
    metadata = json.loads((model / METADATA_FILE).read_text())
    del metadata[FILE_FIELD]
    (model / METADATA_FILE).write_text(json.dumps(metadata))


def flip_last_byte(path: Path) -> None:
    """Change one byte of ``path`` in place, keeping its size and mtime."""
    before = path.stat()
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def settings_for(model: Path, cache: Path) -> Settings:
    return load_settings(
        {
            "classification": {"model_path": str(model)},
            "store": {"cache_dir": str(cache)},
        },
        config_path=os.devnull,
        environ={},
    )


def test_result_names_model_sha256(classified: Classified) -> None:
    expected = hashlib.sha256((SHIPPED_MODEL_DIR / MODEL_FILE).read_bytes())
    metadata = classified.record["classification"]["metadata"]
    assert metadata["model_sha256"] == expected.hexdigest()


def test_truncated_model_fails_before_reuse(
    classified: Classified, tmp_path: Path
) -> None:
    database, model = copy_state(classified, tmp_path)
    model_file = model / MODEL_FILE
    model_file.write_bytes(model_file.read_bytes()[:100_000])

    completed = run_classify(tmp_path, database, model, classified.letter)

    stderr = completed.stderr.decode()
    assert completed.returncode == 7, stderr
    assert completed.stdout == b""  # not the stored result of the intact model
    assert f"classifier model {str(model_file)!r} has 100,000 bytes" in stderr
    assert "docflow train" in stderr


def test_truncated_model_without_checksum_fails_first(
    classified: Classified, tmp_path: Path
) -> None:
    from docflow.core.store import Store

    database, model = copy_state(classified, tmp_path)
    remove_checksum(model)
    model_file = model / MODEL_FILE
    model_file.write_bytes(model_file.read_bytes()[:100_000])

    completed = run_classify(tmp_path, database, model, classified.letter)

    stderr = completed.stderr.decode()
    assert completed.returncode == 7, stderr
    assert completed.stdout == b""
    assert f"cannot read the classifier model {str(model_file)!r}" in stderr
    [current] = Store(database).results()  # the intact model's result
    assert current.result.status == "ok"
    assert current.result.classification is not None


def test_model_failure_keeps_current_result(
    classified: Classified, tmp_path: Path
) -> None:
    from docflow.core.store import Store

    database, model = copy_state(classified, tmp_path)
    remove_checksum(model)
    model_file = model / MODEL_FILE
    model_file.write_bytes(model_file.read_bytes()[:100_000])
    # Fake: a stale verdict that the damaged file loads, so the pre-check
    # passes and the workers meet the damage, as when the file is damaged after
    # the pre-check.
    stat = model_file.stat()
    memo = {
        str(model_file.resolve()): {
            "stat": [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino],
            "sha256": hashlib.sha256(model_file.read_bytes()).hexdigest(),
            "loads": True,
        }
    }
    (tmp_path / ".docflow" / "cache").mkdir(parents=True)
    (tmp_path / ".docflow" / "cache" / MEMO_FILE).write_text(json.dumps(memo))
    new_letter = tmp_path / "new.txt"
    new_letter.write_text(LETTER)
    env = docflow_env(tmp_path, DOCFLOW_CLASSIFICATION_MODEL_PATH=str(model))

    completed = run_cli(
        tmp_path,
        env,
        *("classify", "--db", str(database), "-f", "jsonl"),
        *(str(classified.letter), str(new_letter)),
    )

    stderr = completed.stderr.decode()
    assert completed.returncode == 7, stderr
    assert "classifier model unusable for 2 documents" in stderr
    current = {
        stored.result.path: stored.result for stored in Store(database).results()
    }
    assert current[str(classified.letter)].status == "ok"
    assert current[str(classified.letter)].classification is not None
    assert current[str(new_letter)].status == "error"


def test_changed_model_without_checksum_not_reused(
    classified: Classified, tmp_path: Path
) -> None:
    from docflow.cli._process import plan_run
    from docflow.core.store import Store

    database, model = copy_state(classified, tmp_path)
    remove_checksum(model)
    store = Store(database)
    paths = [str(classified.letter)]

    def plan(settings: Settings):
        return plan_run(
            paths,
            store,
            settings,
            classify=True,
            quality=False,
            model_version=model_key(settings),
        )

    settings = settings_for(model, tmp_path / "cache")
    intact = plan(settings)
    flip_last_byte(model / MODEL_FILE)
    changed = plan(settings)

    assert [hit.result.path for hit in intact.hits] == paths
    assert changed.hits == []
    assert changed.misses == paths


@pytest.mark.parametrize(
    ("damage", "reason"),
    [("truncate", "has 100,000 bytes, but"), ("flip", "does not match the SHA-256")],
)
def test_checksum_mismatch_names_file_and_fix(
    tmp_path: Path, damage: str, reason: str
) -> None:
    model = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL_DIR, model)
    model_file = model / MODEL_FILE
    if damage == "truncate":
        model_file.write_bytes(model_file.read_bytes()[:100_000])
    else:
        flip_last_byte(model_file)

    with pytest.raises(ModelError) as raised:
        _load_from_disk(model)

    message = str(raised.value)
    assert message.startswith(f"classifier model {str(model_file)!r}")
    assert reason in message
    assert f"after {str(model / METADATA_FILE)!r} was written" in message
    assert "Restore the model.joblib" in message
    assert "'docflow train'" in message


def test_model_without_checksum_loads(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL_DIR, model)
    remove_checksum(model)

    loaded = _load_from_disk(model)

    expected = hashlib.sha256((model / MODEL_FILE).read_bytes()).hexdigest()
    assert loaded.sha256 == expected
    assert loaded.scorer is not None


def test_invalid_checksum_field_raises(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL_DIR, model)
    metadata = json.loads((model / METADATA_FILE).read_text())
    metadata[FILE_FIELD] = "51f664d5"
    (model / METADATA_FILE).write_text(json.dumps(metadata))

    with pytest.raises(ModelError, match=f"invalid '{FILE_FIELD}' field"):
        _load_from_disk(model)


def test_model_key_remembers_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Remember digests of files changed just now too, as this test makes them.
    monkeypatch.setattr(_checksum, "SETTLED_NS", 0)
    model = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL_DIR, model)
    settings = settings_for(model, tmp_path / "cache")

    key = model_key(settings)

    memo_path = tmp_path / "cache" / MEMO_FILE
    memo = json.loads(memo_path.read_text())
    entry = memo[str((model / MODEL_FILE).resolve())]
    sha256 = hashlib.sha256((model / MODEL_FILE).read_bytes()).hexdigest()
    assert entry["sha256"] == sha256
    assert key.endswith(f" sha256:{sha256[:16]}")
    # A digest planted in the memo is returned as is: the file was not hashed.
    planted = "0" * 64
    entry["sha256"] = planted
    memo_path.write_text(json.dumps(memo))
    remove_checksum(model)  # the planted digest matches no recorded one
    assert model_key(settings).endswith(" sha256:0000000000000000")


def test_model_key_remembers_model_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_checksum, "SETTLED_NS", 0)
    model = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL_DIR, model)
    remove_checksum(model)
    settings = settings_for(model, tmp_path / "cache")
    model_key(settings)
    memo = json.loads((tmp_path / "cache" / MEMO_FILE).read_text())
    entry = memo[str((model / MODEL_FILE).resolve())]
    # A remembered verdict spares the load: a failing load goes unnoticed.
    from docflow.core.classify import _model

    def fail_load(settings: Settings) -> None:
        raise AssertionError("model loaded again")

    monkeypatch.setattr(_model, "load_model", fail_load)

    model_key(settings)

    assert entry["loads"] is True


def test_model_key_follows_same_size_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The remembered digest must not hide a change that kept size and mtime.
    monkeypatch.setattr(_checksum, "SETTLED_NS", 0)
    model = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL_DIR, model)
    remove_checksum(model)
    settings = settings_for(model, tmp_path / "cache")
    before = model_key(settings)

    flip_last_byte(model / MODEL_FILE)

    assert model_key(settings) != before


def test_model_key_rejects_mismatched_file(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL_DIR, model)
    flip_last_byte(model / MODEL_FILE)
    settings = settings_for(model, tmp_path / "cache")

    with pytest.raises(ModelError, match="does not match the SHA-256"):
        model_key(settings)


def test_model_key_names_missing_file(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL_DIR, model)
    (model / MODEL_FILE).unlink()
    settings = settings_for(model, tmp_path / "cache")

    with pytest.raises(ModelError, match="classifier model not found"):
        model_key(settings)


def test_missing_model_folder_names_variable(tmp_path: Path) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text(LETTER)
    missing = tmp_path / "nope"

    completed = run_classify(tmp_path, tmp_path / "d.duckdb", missing, letter)

    stderr = completed.stderr.decode()
    assert completed.returncode == 7, stderr
    assert (
        f"the classifier model folder {str(missing)!r} set by environment "
        "variable DOCFLOW_CLASSIFICATION_MODEL_PATH does not exist; correct the "
        "path, or unset it to use the shipped model"
    ) in stderr
    assert "reinstall" not in stderr


def test_missing_model_folder_names_settings_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    config = tmp_path / "docflow.toml"
    config.write_text(f"[classification]\nmodel_path = {json.dumps(str(missing))}\n")
    settings = load_settings(config_path=config, environ={})

    with pytest.raises(ModelError) as raised:
        model_key(settings)

    message = str(raised.value)
    assert f"set by classification.model_path in {config} does not" in message
    assert "reinstall" not in message


def test_model_folder_without_model_advises_setting(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL_DIR, model)
    (model / MODEL_FILE).unlink()
    settings = settings_for(model, tmp_path / "cache")

    with pytest.raises(ModelError) as raised:
        model_key(settings)

    message = str(raised.value)
    assert "in the folder set by classification.model_path;" in message
    assert "or unset it to use the shipped model" in message
    assert "reinstall" not in message


def test_missing_shipped_description_advises_reinstall() -> None:
    from docflow.core.classify._model import _missing_metadata

    error = _missing_metadata(SHIPPED_MODEL_DIR / METADATA_FILE, None)

    assert str(error).endswith("; reinstall docflow to restore the shipped model")


def write_model_file(tmp_path: Path, data: bytes) -> Path:
    """Return a model folder whose model.joblib contains ``data``."""
    model = tmp_path / "model"
    model.mkdir()
    (model / METADATA_FILE).write_text(json.dumps({"version": "broken-1"}))
    (model / MODEL_FILE).write_bytes(data)
    return model


def test_unreadable_model_named_without_internals(tmp_path: Path) -> None:
    # Unpickled, "garbage" raises "invalid literal for int() with base 10".
    model = write_model_file(tmp_path, b"garbage")

    with pytest.raises(ModelError) as raised:
        _load_from_disk(model)

    assert str(raised.value) == (
        f"cannot read the classifier model {str(model / MODEL_FILE)!r}: the file "
        "is damaged or is not a model that 'docflow train' wrote; retrain it "
        "with 'docflow train', or use another model folder"
    )
    assert isinstance(raised.value.__cause__, ValueError)


def test_model_needing_missing_module_names_it(tmp_path: Path) -> None:
    # Pickle protocol 0: load the class Thing of a module that does not exist.
    model = write_model_file(tmp_path, b"cno_such_module_x\nThing\n.")

    with pytest.raises(ModelError) as raised:
        _load_from_disk(model)

    assert "it needs the Python module 'no_such_module_x', which is not " in str(
        raised.value
    )


def test_unreadable_shipped_model_advises_reinstall() -> None:
    from docflow.core.classify._model import _unloadable

    error = _unloadable(SHIPPED_MODEL_DIR / MODEL_FILE, EOFError())

    assert str(error).endswith("; reinstall docflow to restore the shipped model")


def test_watch_refuses_damaged_model(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "letter.txt").write_text(LETTER)
    shutil.copytree(SHIPPED_MODEL_DIR, tmp_path / "model")
    model_file = tmp_path / "model" / MODEL_FILE
    model_file.write_bytes(model_file.read_bytes()[:100_000])
    env = docflow_env(
        tmp_path, DOCFLOW_CLASSIFICATION_MODEL_PATH=str(tmp_path / "model")
    )

    completed = run_cli(
        tmp_path,
        env,
        *("watch", "--once", "--db", str(tmp_path / "db.duckdb"), str(inbox)),
        *("--output", str(tmp_path / "routed")),
    )

    stderr = completed.stderr.decode()
    assert completed.returncode == 7, stderr
    assert "has 100,000 bytes" in stderr
    assert (inbox / "letter.txt").exists()  # not quarantined
