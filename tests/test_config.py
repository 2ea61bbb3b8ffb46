"""Settings precedence, error messages; docflow.toml matches the defaults."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest

from docflow.core.config import (
    Settings,
    dump_settings,
    load_dumped_settings,
    load_settings,
    settings_fingerprint,
)
from docflow.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
# Left commented out in docflow.toml so that a copy of it does not set them.
COMMENTED_STORE_PATHS = ("database", "cache_dir")


def _shipped_toml() -> dict:
    return tomllib.loads((REPO / "docflow.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "section", [name for name in Settings.model_fields if name != "classification"]
)
def test_docflow_toml_lists_every_default(section: str) -> None:
    shipped = _shipped_toml().get(section, {})
    defaults = getattr(Settings(), section).model_dump()
    # routes is a list of tables, documented as a commented example
    defaults.pop("routes", None)
    if section == "store":
        for key in COMMENTED_STORE_PATHS:
            defaults.pop(key)
    assert shipped == defaults


@pytest.mark.parametrize("key", COMMENTED_STORE_PATHS)
def test_docflow_toml_comments_out_store_path(key: str) -> None:
    text = (REPO / "docflow.toml").read_text(encoding="utf-8")
    default = getattr(Settings().store, key)
    assert key not in _shipped_toml()["store"]
    assert f'# {key} = "{default}"\n' in text


def test_docflow_toml_classification_scalars_match_defaults() -> None:
    shipped = dict(_shipped_toml()["classification"])
    shipped.pop("rules", None)
    defaults = Settings().classification.model_dump(exclude={"rules"})
    assert shipped == defaults


def test_docflow_toml_rules_match_shipped_rules() -> None:
    shipped = _shipped_toml()["classification"]["rules"]
    defaults = Settings().classification.model_dump()["rules"]
    assert (
        load_settings(
            config_path=REPO / "docflow.toml", environ={}
        ).classification.model_dump()["rules"]
        == defaults
    )
    assert shipped.keys() == defaults.keys()


def test_shipped_rules_apply_without_config_file(tmp_path: Path) -> None:
    settings = load_settings(config_path=None, environ={"DOCFLOW_CONFIG": os.devnull})
    assert settings.classification.rules["invoice"].keywords


def test_empty_config_file_gives_defaults() -> None:
    settings = load_settings(environ={"DOCFLOW_CONFIG": os.devnull})
    assert settings.model_dump() == Settings().model_dump()
    assert settings.origin_of("store", "database") is None


def test_missing_config_variable_file_rejected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docflow.toml").write_text("[workers]\ncount = 3\n", encoding="utf-8")
    missing = tmp_path / "nonexistent" / "x.toml"
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"DOCFLOW_CONFIG": str(missing)})
    message = str(caught.value)
    assert message.startswith(f"{missing}: configuration file not found")
    assert "DOCFLOW_CONFIG" in message


def test_missing_config_variable_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cwd: Path
) -> None:
    from typer.testing import CliRunner

    from docflow.cli.main import app

    monkeypatch.setenv("DOCFLOW_CONFIG", str(tmp_path / "x.toml"))
    result = CliRunner().invoke(app, ["categories"])
    assert result.exit_code == 2
    assert "configuration file not found" in result.output


def test_configured_rules_replace_shipped_rules(tmp_path: Path) -> None:
    config = tmp_path / "docflow.toml"
    config.write_text(
        '[classification.rules.invoice.keywords]\n"my invoice" = 2.0\n',
        encoding="utf-8",
    )
    settings = load_settings(config_path=config, environ={})
    rules = settings.classification.rules
    assert rules["invoice"].keywords == {"my invoice": 2.0}
    assert "receipt" not in rules


def test_precedence_flag_env_file_default(tmp_path: Path) -> None:
    config = tmp_path / "docflow.toml"
    config.write_text("[workers]\ncount = 3\nrecycle_after = 7\n", encoding="utf-8")
    environ = {"DOCFLOW_WORKERS_COUNT": "5", "DOCFLOW_WORKERS_BATCH_SIZE": "9"}
    settings = load_settings(
        {"workers": {"count": 8}}, config_path=config, environ=environ
    )
    assert settings.workers.count == 8
    assert settings.workers.batch_size == 9
    assert settings.workers.recycle_after == 7
    assert settings.workers.document_timeout == Settings().workers.document_timeout


def test_db_environment_shortcut() -> None:
    settings = load_settings(environ={"DOCFLOW_DB": "/tmp/x.duckdb"})
    assert settings.store.database == "/tmp/x.duckdb"


def test_invalid_file_names_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "docflow.toml"
    config.write_text('[workers]\ncount = "many"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config, environ={})
    assert str(config) in str(caught.value)
    assert "workers.count" in str(caught.value)


def test_unknown_key_rejected(tmp_path: Path) -> None:
    config = tmp_path / "docflow.toml"
    config.write_text("[quality]\nreview_treshold = 50\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config, environ={})
    assert "quality.review_treshold" in str(caught.value)


def test_misspelled_section_suggests_name(tmp_path: Path) -> None:
    config = tmp_path / "docflow.toml"
    config.write_text("[classifcation]\nreview_threshold = 0.5\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config, environ={})
    assert "unknown key 'classifcation'" in str(caught.value)
    assert "did you mean 'classification'?" in str(caught.value)


def test_misspelled_key_suggests_name(tmp_path: Path) -> None:
    config = tmp_path / "docflow.toml"
    config.write_text("[quality]\nreview_treshold = 50\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config, environ={})
    assert "did you mean 'quality.review_threshold'?" in str(caught.value)


def test_unknown_key_lists_known_keys(tmp_path: Path) -> None:
    config = tmp_path / "docflow.toml"
    config.write_text("[store]\nzzz = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config, environ={})
    assert "known keys: database" in str(caught.value)


def test_invalid_toml_syntax(tmp_path: Path) -> None:
    config = tmp_path / "docflow.toml"
    config.write_text("[workers\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config, environ={})
    assert "not valid TOML" in str(caught.value)


def test_invalid_environment_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"DOCFLOW_WORKERS_COUNT": "-2"})
    assert "DOCFLOW_WORKERS_COUNT = '-2'" in str(caught.value)


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let each test see the once-per-process warnings again."""
    from docflow.core import _settings_checks

    monkeypatch.setattr(_settings_checks, "_warned_sources", set())


def test_misspelled_env_section_rejected() -> None:
    environ = {"DOCFLOW_WORKER_COUNT": "3", "DOCFLOW_LOG_LEVEL": "INFO"}
    with pytest.raises(ConfigError) as caught:
        load_settings(environ=environ)
    message = str(caught.value)
    assert "DOCFLOW_WORKER_COUNT is not a docflow setting" in message
    assert "did you mean DOCFLOW_WORKERS_COUNT?" in message
    assert "DOCFLOW_LOG_LEVEL" not in message


@pytest.mark.parametrize(
    ("name", "suggested"),
    [
        ("DOCFLOW_DBB", "DOCFLOW_DB"),
        (
            "DOCFLOW_CLASIFICATION_CONFIDENCE_THRESHOLD",
            "DOCFLOW_CLASSIFICATION_CONFIDENCE_THRESHOLD",
        ),
        ("DOCFLOW_FORMAT", "DOCFLOW_OUTPUT_FORMAT"),
    ],
)
def test_unknown_env_name_suggests_variable(name: str, suggested: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={name: "0.9"})
    message = str(caught.value)
    assert f"environment variable {name} is not a docflow setting" in message
    assert f"did you mean {suggested}?" in message


def test_env_hint_only_for_close_names() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"DOCFLOW_XYZ": "1", "DOCFLOW_WORKERSCOUNT": "2"})
    lines = str(caught.value).splitlines()
    assert len(lines) == 1
    assert "did you mean DOCFLOW_WORKERS_COUNT?" in lines[0]
    assert "DOCFLOW_XYZ" not in lines[0]


@pytest.mark.parametrize("name", ["DOCFLOW_HOME", "DOCFLOW_API_KEY", "DOCFLOW_ENV"])
def test_unrelated_env_name_warns_and_runs(
    name: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docflow.core import config

    # A shell may set such names for another program; only typos stop docflow.
    monkeypatch.setattr(config, "_ignored_variables", set())
    with caplog.at_level("WARNING"):
        settings = load_settings(environ={name: "x"})
    assert settings == load_settings(environ={})
    assert f"environment variable {name} is not a docflow setting; ignored" in (
        caplog.text
    )


@pytest.mark.parametrize(
    "name",
    [
        "DOCFLOW_CHILD",
        "DOCFLOW_LOG_LEVEL",
        "DOCFLOW_FAULT",
        "DOCFLOW_FAULT_SLOW_SECONDS",
        "DOCFLOW_SETTINGS_FILE",
        "DOCFLOW_PARENT_PID",
    ],
)
def test_reserved_env_names_accepted(name: str) -> None:
    assert load_settings(environ={name: "1"}) == load_settings(environ={})


def test_env_key_typo_suggests_variable() -> None:
    with pytest.raises(ConfigError, match="did you mean DOCFLOW_WORKERS_COUNT"):
        load_settings(environ={"DOCFLOW_WORKERS_CONUT": "2"})


def test_env_key_typo_says_no_such_setting() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"DOCFLOW_CLASSIFICATION_REVIEW_TRESHOLD": "0.5"})
    message = str(caught.value)
    assert "no such setting" in message
    assert "Extra inputs" not in message


def test_env_value_error_gives_range() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"DOCFLOW_CLASSIFICATION_CONFIDENCE_THRESHOLD": "abc"})
    assert str(caught.value) == (
        "environment variable DOCFLOW_CLASSIFICATION_CONFIDENCE_THRESHOLD = 'abc': "
        "not a number; give a number from 0 to 1"
    )


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("DOCFLOW_STORE_REUSE", "maybe", "not a boolean; use true or false"),
        (
            "DOCFLOW_WORKERS_COUNT",
            "two",
            "not a whole number; give a whole number of 0 or more",
        ),
        (
            "DOCFLOW_WORKERS_COUNT",
            "1.5",
            "not a whole number; give a whole number of 0 or more",
        ),
        (
            "DOCFLOW_WORKERS_COUNT",
            "-1",
            "out of range; give a whole number of 0 or more",
        ),
        (
            "DOCFLOW_WORKERS_DOCUMENT_TIMEOUT",
            "0",
            "out of range; give a number greater than 0",
        ),
        (
            "DOCFLOW_EXTRACTION_OCR_DPI",
            "5",
            "out of range; give a whole number from 72 to 1200",
        ),
        (
            "DOCFLOW_OUTPUT_FORMAT",
            "xml",
            "not a valid choice; use 'auto', 'table', 'json', 'jsonl' or 'csv'",
        ),
    ],
)
def test_env_value_error_names_accepted_values(
    name: str, value: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={name: value})
    assert str(caught.value) == f"environment variable {name} = {value!r}: {problem}"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[store]\nreuse = "maybe"', "'maybe' is not a boolean; use true or false"),
        (
            "[workers]\ncount = 1.5",
            "1.5 is not a whole number; give a whole number of 0 or more",
        ),
        ('[output]\nformat = "xml"', "'xml' is not a valid choice; use 'auto', "),
    ],
)
def test_file_value_error_names_value(tmp_path: Path, text: str, problem: str) -> None:
    config = _write_config(tmp_path, text + "\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config, environ={})
    assert problem in str(caught.value)


def test_secret_variable_error_hides_value() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"DOCFLOW_EXTRACTION_PASSWORDS": "hunter2"})
    message = str(caught.value)
    assert "hunter2" not in message
    assert message.startswith(
        "environment variable DOCFLOW_EXTRACTION_PASSWORDS: not a list;"
    )


def test_invalid_rule_pattern_rejected(tmp_path: Path) -> None:
    config = tmp_path / "docflow.toml"
    config.write_text(
        '[classification.rules.invoice.patterns]\n"(unclosed" = 1.0\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config, environ={})
    message = str(caught.value)
    assert message.startswith(f"{config}: ")
    assert "'classification.rules.invoice.patterns'" in message
    assert "invalid regular expression '(unclosed'" in message
    assert "missing ), unterminated subpattern" in message


def _write_config(tmp_path: Path, text: str) -> Path:
    config = tmp_path / "docflow.toml"
    config.write_text(text, encoding="utf-8")
    return config


def _load_error(tmp_path: Path, text: str) -> tuple[Path, str]:
    """Write ``text`` as a settings file and return it and its load error."""
    config = _write_config(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config, environ={})
    return config, str(caught.value)


def _config_with_model(tmp_path: Path, category: str, table: str) -> Path:
    """Write a model.json listing ``category`` and a settings file with its rule."""
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.json").write_text(
        json.dumps({"version": "t1", "categories": ["invoice", category]}),
        encoding="utf-8",
    )
    return _write_config(
        tmp_path,
        f'[classification]\nmodel_path = "{model}"\n'
        f'[classification.rules.{table}.keywords]\n"old" = 1.0\n',
    )


@pytest.mark.parametrize(
    ("name", "close"),
    [
        ("contact", "contract"),
        ("memoir", "memo"),
        ("invoice_eu", "invoice"),
        ("form2", "form"),
        ("formb", "form"),
        ("emails", "email"),
        ("reports", "report"),
        ("invoise", "invoice"),
    ],
)
def test_rule_category_close_to_known_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str, close: str
) -> None:
    config = _write_config(
        tmp_path, f'[classification.rules.{name}.keywords]\n"novel" = 1.0\n'
    )
    with caplog.at_level("WARNING", logger="docflow.core._settings_checks"):
        settings = load_settings(config_path=config, environ={})
        load_settings(config_path=config, environ={})
    assert name in settings.classification.rules
    warnings = [
        record.getMessage()
        for record in caplog.records
        if "new category" in record.getMessage()
    ]
    assert warnings == [
        f"{config}: key 'classification.rules.{name}': rules define a new "
        f"category {name!r}; if you meant {close!r}, rename the table"
    ]


def test_rule_new_category_accepted(tmp_path: Path) -> None:
    config = _write_config(
        tmp_path, '[classification.rules.tax_return.keywords]\n"form 1040" = 2.0\n'
    )
    settings = load_settings(config_path=config, environ={})
    assert settings.classification.rules["tax_return"].keywords == {"form 1040": 2.0}


def test_rule_category_of_trained_model(tmp_path: Path) -> None:
    config = _config_with_model(tmp_path, "invoices_old", "invoices_old")
    settings = load_settings(config_path=config, environ={})
    assert "invoices_old" in settings.classification.rules


def test_configured_rules_warn_dropped_categories(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = _write_config(
        tmp_path, '[classification.rules.invoice.keywords]\n"my invoice" = 2.0\n'
    )
    with caplog.at_level("WARNING", logger="docflow.core._settings_checks"):
        load_settings(config_path=config, environ={})
        load_settings(config_path=config, environ={})
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 1
    assert messages[0].startswith(f"{config}: ")
    assert "replace all shipped rules" in messages[0]
    assert "receipt, purchase_order" in messages[0]
    assert "invoice," not in messages[0]


def test_full_rules_file_warns_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING"):
        load_settings(config_path=REPO / "docflow.toml", environ={})
    assert caplog.records == []


def test_route_category_typo_rejected(tmp_path: Path) -> None:
    config, message = _load_error(
        tmp_path,
        '[[watch.routes]]\ncategory = "invoice"\ndestination = "a"\n'
        '[[watch.routes]]\ncategory = "invoce"\ndestination = "b"\n',
    )
    assert message.startswith(f"{config}: key 'watch.routes[1].category'")
    assert "unknown category 'invoce'" in message
    assert "did you mean 'invoice'?" in message


# A category the rules define, also one close to a known name (contract).
@pytest.mark.parametrize("category", ["tax_return", "contact"])
def test_route_category_from_rules_accepted(tmp_path: Path, category: str) -> None:
    config = _write_config(
        tmp_path,
        f'[classification.rules.{category}.keywords]\n"form 1040" = 2.0\n'
        f'[[watch.routes]]\ncategory = "{category}"\ndestination = "out"\n',
    )
    settings = load_settings(config_path=config, environ={})
    assert settings.watch.routes[0].category == category


def test_route_category_unknown_rejected(tmp_path: Path) -> None:
    config = _write_config(
        tmp_path, '[[watch.routes]]\ncategory = "unknown"\ndestination = "u"\n'
    )
    with pytest.raises(ConfigError, match="always go to review/"):
        load_settings(config_path=config, environ={})


def test_home_expanded_in_every_path_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    home.mkdir()
    (home / "docflow.toml").write_text(
        '[store]\ncache_dir = "~/.cache/docflow"\n'
        '[extraction]\npassword_file = "~/passwords.txt"\n'
        '[classification]\nmodel_path = "~/model"\n'
        '[mcp]\nroots = ["~/docs"]\n'
        '[watch]\ninboxes = ["~/inbox"]\noutput_dir = "~/routed"\n',
        encoding="utf-8",
    )
    settings = load_settings(environ={"DOCFLOW_CONFIG": "~/docflow.toml"})
    assert settings.store.database == ".docflow/docflow.duckdb"
    assert settings.store.cache_dir == f"{home}/.cache/docflow"
    assert settings.extraction.password_file == f"{home}/passwords.txt"
    assert settings.classification.model_path == f"{home}/model"
    assert settings.mcp.roots == [f"{home}/docs"]
    assert settings.watch.inboxes == [f"{home}/inbox"]
    assert settings.watch.output_dir == f"{home}/routed"


def test_home_expanded_in_database_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    from_variable = load_settings(environ={"DOCFLOW_DB": "~/env.duckdb"})
    from_flag = load_settings(
        {"store": {"database": "~/flag.duckdb"}}, environ={"DOCFLOW_DB": "~/env.duckdb"}
    )
    assert from_variable.store.database == f"{tmp_path}/env.duckdb"
    assert from_flag.store.database == f"{tmp_path}/flag.duckdb"


def test_home_expanded_in_config_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "docflow.toml").write_text("[workers]\ncount = 3\n", encoding="utf-8")
    settings = load_settings(config_path="~/docflow.toml", environ={})
    assert settings.workers.count == 3


@pytest.mark.parametrize(
    "name",
    ["DOCFLOW_DB", "DOCFLOW_STORE_DATABASE", "DOCFLOW_WORKERS_COUNT", "DOCFLOW_NOPE"],
)
def test_empty_variable_counts_as_unset(name: str) -> None:
    settings = load_settings(environ={"DOCFLOW_CONFIG": os.devnull, name: ""})
    assert settings.store.database == Settings().store.database
    assert settings.workers.count == Settings().workers.count
    assert settings.origin_of("store", "database") is None
    assert settings.origin_of("workers", "count") is None


def test_empty_config_variable_reads_docflow_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docflow.toml").write_text("[workers]\ncount = 3\n", encoding="utf-8")
    settings = load_settings(environ={"DOCFLOW_CONFIG": ""})
    assert settings.workers.count == 3


def test_empty_database_in_file_rejected(tmp_path: Path) -> None:
    config, message = _load_error(tmp_path, '[store]\ndatabase = ""\n')
    assert message.startswith(f"{config}: key 'store.database': ")
    assert "the database path is empty" in message


def test_empty_database_flag_rejected() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"store": {"database": ""}}, environ={})
    message = str(caught.value)
    assert message.startswith("command line: key 'store.database': ")
    assert "--db sets it" in message


def test_empty_variables_under_flags_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cwd: Path
) -> None:
    from typer.testing import CliRunner

    from docflow.cli.main import app

    monkeypatch.setenv("DOCFLOW_CONFIG", os.devnull)
    monkeypatch.setenv("DOCFLOW_DB", "")
    monkeypatch.setenv("DOCFLOW_WORKERS_COUNT", "")
    (tmp_path / "a.txt").write_text("Invoice number 12\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["--db", "flag.duckdb", "-j", "1", "classify", "a.txt"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "flag.duckdb").is_file()


def test_empty_database_flag_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cwd: Path
) -> None:
    from typer.testing import CliRunner

    from docflow.cli.main import app

    monkeypatch.setenv("DOCFLOW_CONFIG", os.devnull)
    (tmp_path / "a.txt").write_text("Invoice number 12\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", "", "classify", "a.txt"])
    assert result.exit_code == 2
    assert "the database path is empty" in result.output


@pytest.mark.parametrize("name", ["none", "unknown"])
def test_rule_reserved_category_rejected(tmp_path: Path, name: str) -> None:
    config, message = _load_error(
        tmp_path, f'[classification.rules.{name}.keywords]\n"novel" = 1.0\n'
    )
    assert message.startswith(f"{config}: key 'classification.rules.{name}': ")
    assert f"category {name!r} is reserved" in message
    assert "rename the table" in message


@pytest.mark.parametrize(
    ("table", "key", "suggested"),
    [
        ('"invoice number"', '"invoice number"', "'invoice_number'"),
        ("Tax_Return", "Tax_Return", "'tax_return'"),
        ("2fa", "2fa", None),
        ("1099_form", "1099_form", None),
    ],
)
def test_rule_invalid_category_name_rejected(
    tmp_path: Path, table: str, key: str, suggested: str | None
) -> None:
    config, message = _load_error(
        tmp_path, f'[classification.rules.{table}.keywords]\n"form 1040" = 1.0\n'
    )
    assert message.startswith(f"{config}: key 'classification.rules.{key}': ")
    assert "invalid category name" in message
    assert "lower-case letters, digits and underscores" in message
    assert "starting with a letter" in message
    if suggested is not None:
        assert f"as in {suggested}" in message


def test_rule_model_category_name_accepted(tmp_path: Path) -> None:
    config = _config_with_model(tmp_path, "Tax Returns", '"Tax Returns"')
    settings = load_settings(config_path=config, environ={})
    assert "Tax Returns" in settings.classification.rules


@pytest.mark.parametrize(
    ("table", "term", "expected"),
    [
        ("keywords", '""', "keyword '' is empty"),
        ("keywords", '"  "', "keyword '  ' is empty"),
        ("patterns", '""', "pattern '' is empty"),
    ],
)
def test_rule_empty_term_rejected(
    tmp_path: Path, table: str, term: str, expected: str
) -> None:
    config, message = _load_error(
        tmp_path, f"[classification.rules.invoice.{table}]\n{term} = 1.0\n"
    )
    assert message.startswith(f"{config}: key 'classification.rules.invoice.{table}'")
    assert expected in message
    assert "remove it" in message


def _route_error(tmp_path: Path, route: str) -> tuple[Path, str]:
    config = _write_config(tmp_path, f"[[watch.routes]]\n{route}\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config, environ={})
    return config, str(caught.value)


@pytest.mark.parametrize(
    ("route", "key", "expected"),
    [
        (
            'destination = "a"\nmin_confidence = 2',
            "min_confidence",
            "2 is out of range; give a number from 0 to 1",
        ),
        (
            'destination = "a"\nmax_quality = -1',
            "max_quality",
            "-1 is out of range; give a number from 0 to 100",
        ),
        (
            'destination = "a"\nmin_confidence = 0.9\nmax_confidence = 0.5',
            "min_confidence",
            "min_confidence 0.9 is above max_confidence 0.5",
        ),
        (
            'destination = "a"\nmin_quality = 90\nmax_quality = 10',
            "min_quality",
            "min_quality 90.0 is above max_quality 10.0",
        ),
        (
            'destination = "a"\nfacts = { totl = "*" }',
            "facts.totl",
            "unknown fact kind 'totl'; did you mean 'total'?",
        ),
        ('destinaton = "a"', "", "did you mean 'watch.routes[0].destination'?"),
    ],
)
def test_route_invalid_value_rejected(
    tmp_path: Path, route: str, key: str, expected: str
) -> None:
    config, message = _route_error(tmp_path, route)
    if key:
        assert message.startswith(f"{config}: key 'watch.routes[0].{key}': ")
    else:
        assert f"{config}: unknown key 'watch.routes[0].destinaton'" in message
    assert expected in message


@pytest.mark.parametrize(
    ("destination", "expected"),
    [
        ("{date:%Q}", "unknown date code '%Q'"),
        ("{date:%Y-%}", "ends with a lone '%'"),
        ("", "the destination is empty"),
        (" / ", "the destination is empty"),
        ("{facts[totl]}", "unknown fact kind 'totl'"),
        ("{facts}", "needs a fact kind"),
        ("{colour}", "unknown field {colour}"),
        ("{year:%Y}", "Invalid format specifier"),
        ("{date:/%Y}", "an absolute path"),
        ("a/{date:%Y/..}", "a '.' or '..' folder"),
        ("a/../b", "a '.' or '..' folder"),
        ("{name.__class__}", "{name.__class__} reads an attribute of {name}"),
        ("{stem.__init__.__globals__}", "reads an attribute of {stem}"),
        ("{date.year}", "reads an attribute of {date}"),
        ("{name[0]}", "{name[0]} reads an index of {name}"),
        ("{category!r}", "{category!r} has a conversion ('!r')"),
        ("{date!s:%Y}", "has a conversion ('!s')"),
        ("{quality:{name}}", "has a field inside its format"),
        ("{quality:%Y}", "{quality} is a number, so use a number format"),
        ("{facts[total]:.0f}", "so use a text format such as {facts[total]:.20}"),
        ("quarantine", "inside the quarantine/ folder"),
        ("quarantine/{year}", "inside the quarantine/ folder"),
    ],
)
def test_route_invalid_destination_rejected(
    tmp_path: Path, destination: str, expected: str
) -> None:
    config, message = _route_error(tmp_path, f'destination = "{destination}"')
    key = "'watch.routes[0].destination'"
    assert message.startswith(f"{config}: key {key}: destination {destination!r}")
    assert expected in message


@pytest.mark.parametrize(
    "destination",
    [
        "{date:%Y/%m}",
        "{date:%-d %B}",
        "{facts[due_date]}",
        "a/{year}",
        "q/{quality:.0f}",
        "c/{confidence:.1%}",
        "{name:.20}",
        "invoices/quarantine",
    ],
)
def test_route_valid_destination_accepted(tmp_path: Path, destination: str) -> None:
    config = _write_config(
        tmp_path, f'[[watch.routes]]\ndestination = "{destination}"\n'
    )
    settings = load_settings(config_path=config, environ={})
    assert settings.watch.routes[0].destination == destination


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        (
            'category = "invoice"',
            'this [[watch.routes]] table (category = "invoice") has no destination',
        ),
        ('name = "*.pdf"', '(name = "*.pdf") has no destination'),
        ("min_quality = 10", "this [[watch.routes]] table has no destination"),
    ],
)
def test_route_without_destination_named(
    tmp_path: Path, route: str, expected: str
) -> None:
    config, message = _route_error(tmp_path, route)
    assert message.startswith(f"{config}: key 'watch.routes[0].destination': ")
    assert expected in message
    assert "Field required" not in message


@pytest.mark.parametrize(
    ("route", "key"),
    [
        ('name = "["\ndestination = "a"', "name"),
        ('name = "scan[0-9.pdf"\ndestination = "a"', "name"),
        ('facts = { total = "1[0" }\ndestination = "a"', "facts.total"),
    ],
)
def test_route_unclosed_glob_rejected(tmp_path: Path, route: str, key: str) -> None:
    config, message = _route_error(tmp_path, route)
    assert message.startswith(f"{config}: key 'watch.routes[0].{key}': ")
    assert "has a '[' without its ']'" in message


def test_route_closed_globs_accepted(tmp_path: Path) -> None:
    config = _write_config(
        tmp_path,
        '[[watch.routes]]\nname = "*.[pP][dD][fF]"\nfacts = { total = "[[]*" }\n'
        'destination = "a"\n',
    )
    settings = load_settings(config_path=config, environ={})
    assert settings.watch.routes[0].name == "*.[pP][dD][fF]"


def test_route_error_in_variable_names_it() -> None:
    value = '[{destination = "a", min_confidence = 2}]'
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"DOCFLOW_WATCH_ROUTES": value})
    message = str(caught.value)
    assert message.startswith(
        f"environment variable DOCFLOW_WATCH_ROUTES = {value!r}: "
    )
    assert "key 'watch.routes[0].min_confidence'" in message
    assert "DOCFLOW_WATCH_ROUTES_0" not in message


def test_route_unknown_category_message(tmp_path: Path) -> None:
    _, message = _route_error(tmp_path, 'category = "zzz"\ndestination = "a"')
    assert "unknown category 'zzz' (known categories: " in message
    assert "; (" not in message
    assert "use one of them" in message


def test_origin_of_names_variable_and_file(tmp_path: Path) -> None:
    config = _write_config(tmp_path, '[extraction]\nocr_languages = "fra"\n')
    environ = {"DOCFLOW_DB": str(tmp_path / "t.duckdb")}
    settings = load_settings(config_path=config, environ=environ)
    assert settings.origin_of("extraction", "ocr_languages") == (
        f"extraction.ocr_languages in {config}"
    )
    assert settings.origin_of("store", "database") == "environment variable DOCFLOW_DB"
    assert settings.origin_of("workers", "count") is None


def test_origin_of_flag_is_none(tmp_path: Path) -> None:
    environ = {"DOCFLOW_EXTRACTION_OCR_LANGUAGES": "fra"}
    overrides = {"extraction": {"ocr_languages": "deu"}}
    settings = load_settings(overrides, environ=environ)
    assert settings.origin_of("extraction", "ocr_languages") is None


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("DOCFLOW_CLASSIFICATION_RULES", "[classification.rules.<category>]"),
        ("DOCFLOW_WATCH_ROUTES", "[[watch.routes]]"),
    ],
)
def test_table_variable_error_hints_file(name: str, table: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={name: "invoice"})
    message = str(caught.value)
    assert message.startswith(f"environment variable {name} = 'invoice': ")
    assert f"{table} tables in docflow.toml" in message


@pytest.mark.parametrize(
    ("name", "value", "form"),
    [
        ("DOCFLOW_MCP_ROOTS", "/tmp", """DOCFLOW_MCP_ROOTS='["/data/in"]'"""),
        ("DOCFLOW_WATCH_INBOXES", "[1]", """DOCFLOW_WATCH_INBOXES='["""),
        ("DOCFLOW_WATCH_ROUTES", "invoice", "DOCFLOW_WATCH_ROUTES='[{category"),
        ("DOCFLOW_CLASSIFICATION_RULES", "invoice", "DOCFLOW_CLASSIFICATION_RULES='{"),
    ],
)
def test_list_variable_error_shows_form(name: str, value: str, form: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"DOCFLOW_CONFIG": os.devnull, name: value})
    message = str(caught.value)
    assert message.startswith(f"environment variable {name} = {value!r}: ")
    assert form in message


def test_list_variable_form_parses() -> None:
    settings = load_settings(
        environ={
            "DOCFLOW_CONFIG": os.devnull,
            "DOCFLOW_WATCH_INBOXES": '["/data/in"]',
            "DOCFLOW_WATCH_ROUTES": (
                '[{category = "invoice", destination = "invoices/{year}"}]'
            ),
        }
    )
    assert settings.watch.inboxes == ["/data/in"]
    assert settings.watch.routes[0].destination == "invoices/{year}"


def test_scalar_variable_error_has_no_form() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(
            environ={"DOCFLOW_CONFIG": os.devnull, "DOCFLOW_WORKERS_COUNT": "x"}
        )
    assert "TOML array" not in str(caught.value)


def test_password_variable_value_not_shown() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"DOCFLOW_EXTRACTION_PASSWORDS": "hunter2"})
    message = str(caught.value)
    assert "DOCFLOW_EXTRACTION_PASSWORDS" in message
    assert "hunter2" not in message


@pytest.mark.parametrize(
    ("variable", "value", "section", "field"),
    [
        ("DOCFLOW_DB", "5", "store", "database"),
        ("DOCFLOW_STORE_CACHE_DIR", "2026", "store", "cache_dir"),
        ("DOCFLOW_DB", "true", "store", "database"),
    ],
)
def test_text_setting_keeps_number_like_value(
    variable: str, value: str, section: str, field: str
) -> None:
    settings = load_settings(
        config_path=None, environ={"DOCFLOW_CONFIG": os.devnull, variable: value}
    )
    assert getattr(getattr(settings, section), field) == value


FALLBACK_LANGUAGE_PROBLEMS = [
    (
        "xx",
        "'xx' is not a language docflow judges text in; use one of en, fr, de, "
        "nl, pl, es, it (ISO 639-1 codes)",
    ),
    (
        "pt",
        "'pt' is not a language docflow judges text in; use one of en, fr, de, "
        "nl, pl, es, it (ISO 639-1 codes)",
    ),
    (
        " ",
        "the language is empty; use one of en, fr, de, nl, pl, es, it "
        "(ISO 639-1 codes)",
    ),
]


@pytest.mark.parametrize(
    ("value", "problem"), FALLBACK_LANGUAGE_PROBLEMS, ids=["xx", "pt", "blank"]
)
def test_fallback_language_file_rejected(
    tmp_path: Path, value: str, problem: str
) -> None:
    config, message = _load_error(
        tmp_path, f"[quality]\nfallback_language = {json.dumps(value)}\n"
    )
    assert message == f"{config}: key 'quality.fallback_language': {problem}"


def test_fallback_language_empty_in_file_rejected(tmp_path: Path) -> None:
    config, message = _load_error(tmp_path, '[quality]\nfallback_language = ""\n')
    assert message == (
        f"{config}: key 'quality.fallback_language': the language is empty; use "
        "one of en, fr, de, nl, pl, es, it (ISO 639-1 codes)"
    )


@pytest.mark.parametrize(
    ("value", "problem"), FALLBACK_LANGUAGE_PROBLEMS, ids=["xx", "pt", "blank"]
)
def test_fallback_language_variable_rejected(value: str, problem: str) -> None:
    name = "DOCFLOW_QUALITY_FALLBACK_LANGUAGE"
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"DOCFLOW_CONFIG": os.devnull, name: value})
    assert str(caught.value) == f"environment variable {name} = {value!r}: {problem}"


@pytest.mark.parametrize("value", ["en", "de", "pl", "it", "eng", "fr_CA", "NL"])
def test_fallback_language_judged_accepted(tmp_path: Path, value: str) -> None:
    config = _write_config(tmp_path, f'[quality]\nfallback_language = "{value}"\n')
    from_file = load_settings(config_path=config, environ={})
    from_variable = load_settings(
        environ={
            "DOCFLOW_CONFIG": os.devnull,
            "DOCFLOW_QUALITY_FALLBACK_LANGUAGE": value,
        }
    )
    assert from_file.quality.fallback_language == value
    assert from_variable.quality.fallback_language == value


NUL_PATH_PROBLEM = (
    "the path contains a NUL character (\\x00), which no file name can contain; "
    "remove it"
)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[store]\ndatabase = "a\\u0000.duckdb"', "store.database"),
        ('[store]\ncache_dir = "cache\\u0000"', "store.cache_dir"),
        ('[classification]\nmodel_path = "\\u0000x"', "classification.model_path"),
        ('[extraction]\npassword_file = "p\\u0000"', "extraction.password_file"),
        ('[mcp]\nroots = ["/tmp\\u0000x"]', "mcp.roots[0]"),
        ('[watch]\ninboxes = ["in\\u0000"]', "watch.inboxes[0]"),
        ('[watch]\noutput_dir = "out\\u0000"', "watch.output_dir"),
    ],
)
def test_nul_in_path_setting_rejected(tmp_path: Path, text: str, key: str) -> None:
    config = _write_config(tmp_path, text + "\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config, environ={})
    assert str(caught.value) == f"{config}: key {key!r}: {NUL_PATH_PROBLEM}"


def test_nul_in_route_destination_rejected(tmp_path: Path) -> None:
    config, message = _route_error(tmp_path, 'destination = "a\\u0000b"')
    assert message == (
        f"{config}: key 'watch.routes[0].destination': destination 'a\\x00b' is "
        "invalid: the destination contains a NUL character (\\x00), which no "
        "folder name can contain; remove it"
    )


def test_readability_min_words_above_max_rejected(tmp_path: Path) -> None:
    config = _write_config(
        tmp_path,
        "[quality]\nreadability_min_words = 30000\nreadability_max_words = 20000\n",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config, environ={})
    assert str(caught.value) == (
        f"{config}: key 'quality': readability_min_words 30000 is above "
        "readability_max_words 20000, so no sampled text reaches the minimum and "
        "readability would never be scored; lower readability_min_words or raise "
        "readability_max_words"
    )


def test_readability_min_words_equal_max_accepted() -> None:
    settings = Settings.model_validate(
        {"quality": {"readability_min_words": 500, "readability_max_words": 500}}
    )
    assert settings.quality.readability_min_words == 500


ZERO_WEIGHTS = {
    "DOCFLOW_QUALITY_READABILITY_WEIGHT": "0",
    "DOCFLOW_QUALITY_STRUCTURE_WEIGHT": "0.0",
    "DOCFLOW_QUALITY_CONTENT_WEIGHT": "0",
}
ZERO_WEIGHTS_PROBLEM = (
    "readability_weight, structure_weight and content_weight are all 0, so "
    "overall_score would weigh no score; give at least one of them a weight "
    "above 0"
)


def test_all_zero_weights_in_file_rejected(tmp_path: Path) -> None:
    config = _write_config(
        tmp_path,
        "[quality]\nreadability_weight = 0\nstructure_weight = 0.0\n"
        "content_weight = 0\n",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config, environ={})
    assert str(caught.value) == f"{config}: key 'quality': {ZERO_WEIGHTS_PROBLEM}"


def test_all_zero_weights_in_variables_rejected() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"DOCFLOW_CONFIG": os.devnull, **ZERO_WEIGHTS})
    names = ", ".join(sorted(ZERO_WEIGHTS))
    assert str(caught.value) == (
        f"environment variables {names}: {ZERO_WEIGHTS_PROBLEM}"
    )


def test_one_nonzero_weight_accepted() -> None:
    environ = {**ZERO_WEIGHTS, "DOCFLOW_QUALITY_CONTENT_WEIGHT": "1"}
    settings = load_settings(environ={"DOCFLOW_CONFIG": os.devnull, **environ})
    assert settings.quality.readability_weight == 0
    assert settings.quality.structure_weight == 0
    assert settings.quality.content_weight == 1


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "min_document_chars = 1e308",
            "1e+308 is not a whole number; give a whole number from 0 to 1000000",
        ),
        (
            "min_document_chars = 9223372036854775807",
            "9223372036854775807 is out of range; give a whole number from 0 to "
            "1000000",
        ),
        (
            "max_page_issues = 1000000",
            "1000000 is out of range; give a whole number from 1 to 100000",
        ),
        (
            "content_weight = 1e300",
            "1e+300 is out of range; give a number from 0 to 100",
        ),
    ],
)
def test_huge_quality_value_in_file_rejected(
    tmp_path: Path, text: str, problem: str
) -> None:
    config = _write_config(tmp_path, f"[quality]\n{text}\n")
    key = text.split(" = ")[0]
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config, environ={})
    assert str(caught.value) == f"{config}: key 'quality.{key}': {problem}"


def test_huge_quality_value_in_variable_rejected() -> None:
    name = "DOCFLOW_QUALITY_MIN_DOCUMENT_CHARS"
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"DOCFLOW_CONFIG": os.devnull, name: "1e308"})
    assert str(caught.value) == (
        f"environment variable {name} = '1e308': not a whole number; give a "
        "whole number from 0 to 1000000"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("first_chars = true", "True is not a whole number; give a whole number"),
        ("max_chars = 2e4", "20000.0 is not a whole number; give a whole number"),
        ('read_all_pages = "yes"', "'yes' is not a boolean; use true or false"),
        ("rule_weight = true", "True is not a number"),
    ],
)
def test_value_of_another_type_rejected(tmp_path: Path, text: str, problem: str):
    # A boolean is no count, and a quoted word no boolean, in any setting.
    config = _write_config(tmp_path, f"[classification]\n{text}\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config, environ={})
    assert problem in str(caught.value)


def test_fingerprint_treats_every_single_pass_alike() -> None:
    from docflow.core.config import settings_fingerprint

    def fingerprint(first_chars: int) -> str:
        settings = Settings()
        settings.classification.first_chars = first_chars
        return settings_fingerprint(settings)

    single = {fingerprint(0), fingerprint(20_000), fingerprint(100_000)}
    assert len(single) == 1  # each reads max_chars (20,000) in one pass
    assert fingerprint(6_000) not in single
    assert fingerprint(6_000) != fingerprint(5_000)


def test_dumped_settings_keep_origins(tmp_path):
    """The settings a child server reads name the same origins as the parent's."""
    config = tmp_path / "docflow.toml"
    config.write_text("[extraction]\nocr = false\n", encoding="utf-8")
    environ = {
        "DOCFLOW_CONFIG": str(config),
        "DOCFLOW_QUALITY_REVIEW_THRESHOLD": "50",
    }
    settings = load_settings({"store": {"database": "x.duckdb"}}, environ=environ)
    loaded = load_dumped_settings(dump_settings(settings))
    assert loaded == settings
    assert loaded.origin_of("extraction", "ocr") == f"extraction.ocr in {config}"
    assert loaded.origin_of("quality", "review_threshold") == (
        "environment variable DOCFLOW_QUALITY_REVIEW_THRESHOLD"
    )
    assert loaded.origin_of("store", "database") is None


def test_plain_settings_json_loads():
    loaded = load_dumped_settings(Settings().model_dump_json())
    assert loaded == Settings()
    assert loaded.origin_of("extraction", "ocr") is None


def test_fingerprint_follows_ocr_off_origin(tmp_path):
    """Quality advice names what turned OCR off, so cached results must too."""
    config = tmp_path / "docflow.toml"
    config.write_text("[extraction]\nocr = false\n", encoding="utf-8")
    by_file = load_settings(environ={"DOCFLOW_CONFIG": str(config)})
    by_flag = load_settings(
        {"extraction": {"ocr": False}}, environ={"DOCFLOW_CONFIG": os.devnull}
    )
    assert by_file.extraction == by_flag.extraction
    assert settings_fingerprint(by_file) != settings_fingerprint(by_flag)
