"""Settings: defaults, then ./docflow.toml, then DOCFLOW_* variables, then flags.

Each later source overrides the earlier ones key by key. Environment variables
are named ``DOCFLOW_<SECTION>_<KEY>`` (``DOCFLOW_WORKERS_COUNT=4``); their values
are read as TOML literals when they parse as one (``4``, ``true``, ``["a"]``) and
as plain strings otherwise. An empty variable counts as unset, because tools
such as docker-compose (``${VAR:-}``) pass one for a value that is not set.
``DOCFLOW_DB`` is a short form of ``DOCFLOW_STORE_DATABASE``, and
``DOCFLOW_CONFIG`` names the settings file when no ``config_path`` is given.
Any other DOCFLOW_* name is an error unless it is in ``OTHER_VARIABLES``.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import logging
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo

from docflow.core._settings_checks import format_key
from docflow.errors import ConfigError

__all__ = [
    "Settings",
    "dump_settings",
    "load_dumped_settings",
    "load_settings",
    "settings_fingerprint",
]

CONFIG_FILE = "docflow.toml"
#: Keyword and pattern rules shipped with the model; docflow.toml repeats them.
SHIPPED_RULES = Path(__file__).parent / "classify" / "data" / "rules.toml"
log = logging.getLogger(__name__)
# Variables whose value an error message leaves out.
_SECRET_VARIABLES = frozenset({"DOCFLOW_EXTRACTION_PASSWORDS"})
# DOCFLOW_* variables that name no setting, warned about once per process.
_ignored_variables: set[str] = set()

ENV_PREFIX = "DOCFLOW_"
#: DOCFLOW_* variables that are not settings: the configuration file, logging,
#: fault injection for the tests, and what a process passes to its children.
OTHER_VARIABLES = frozenset(
    {
        "DOCFLOW_CONFIG",
        "DOCFLOW_LOG_LEVEL",
        "DOCFLOW_FAULT",
        "DOCFLOW_FAULT_SLOW_SECONDS",
        "DOCFLOW_SETTINGS_FILE",
        "DOCFLOW_PARENT_PID",
        "DOCFLOW_CHILD",
        "DOCFLOW_WORKER_TEMPLATE_FD",
    }
)


def _check_path_setting(path: str) -> str:
    """Expand a leading ``~`` or ``~user``, so no later use makes a folder named ~.

    Raises ValueError for a NUL character, which a TOML string can hold
    (``"\\u0000"``) but no file name can, so that no later ``open`` or
    ``os.stat`` of the path fails with an unexpected ValueError.
    """
    if "\0" in path:
        raise ValueError(
            "the path contains a NUL character (\\x00), which no file name can "
            "contain; remove it"
        )
    return os.path.expanduser(path)


#: A file or folder setting: ``~`` is expanded when the settings load or change,
#: and a NUL character is rejected.
PathSetting = Annotated[str, AfterValidator(_check_path_setting)]


class _Section(BaseModel):
    # Strict: pydantic would otherwise take true as the count 1, a quoted "yes"
    # as a boolean and 2e4 as a whole number, which a typo also produces.
    model_config = ConfigDict(extra="forbid", validate_assignment=True, strict=True)


class StoreSettings(_Section):
    database: PathSetting = ".docflow/docflow.duckdb"
    cache_dir: PathSetting = ".docflow/cache"
    flush_rows: int = Field(default=500, ge=1, description="results per write")
    flush_seconds: float = Field(
        default=2.0,
        gt=0,
        description="maximum seconds before queued results are written",
    )
    lock_notice_seconds: float = Field(
        default=5.0, ge=0, description="wait for the database lock before logging it"
    )
    lock_timeout: float = Field(
        default=600.0, gt=0, description="seconds to wait for the database lock"
    )
    replay: bool = Field(
        default=True,
        description="print an unchanged re-run's saved output without processing",
    )
    reuse: bool = Field(
        default=True,
        description="reuse stored results and cached extractions of unchanged "
        "files (false, or --no-cache, processes every file again, except that "
        "a re-run of the same command resumes its unfinished run)",
    )

    @field_validator("database")
    @classmethod
    def _database_not_empty(cls, value: str) -> str:
        if not value:
            raise ValueError(
                "the database path is empty; give a file such as "
                "'.docflow/docflow.duckdb', the default used when the setting is "
                "left out (--db sets it on the command line)"
            )
        return value


class WorkerSettings(_Section):
    count: int = Field(default=0, ge=0, description="0 means one per CPU")
    batch_size: int = Field(default=0, ge=0, description="0 means sized automatically")
    document_timeout: float = Field(default=120.0, gt=0, description="seconds")
    memory_limit_mb: int = Field(default=2048, ge=64)
    recycle_after: int = Field(default=2000, ge=1)
    call_timeout: float = Field(
        default=600.0,
        gt=0,
        description="seconds an MCP call may go without a reply or a progress "
        "notification before its server is killed and restarted; keep it above "
        "document_timeout plus start_timeout, and far above the 0.25 s between "
        "a server's progress notifications",
    )
    start_timeout: float = Field(default=60.0, gt=0)
    children_per_server: int = Field(
        default=1, ge=1, description="sandboxed document workers per MCP server"
    )
    health_interval: float = Field(
        default=30.0,
        gt=0,
        description="idle seconds between two health checks of a server",
    )
    fork_servers: bool = Field(
        default=True,
        description="fork MCP servers from the docflow process instead of "
        "starting a new interpreter (Linux)",
    )
    fork_workers: bool = Field(
        default=True,
        description="fork document workers from one warmed template process "
        "instead of starting a new interpreter for each (Linux)",
    )
    separate_quality_servers: bool = Field(
        default=False,
        description="judge quality on quality servers after classification, "
        "instead of in the same classification call",
    )


class ExtractionSettings(_Section):
    ocr: bool = True
    ocr_languages: str = "eng"
    ocr_dpi: int = Field(default=300, ge=72, le=1200)
    min_page_chars: int = Field(default=16, ge=0)
    max_pages: int = Field(default=5000, ge=1)
    max_ocr_pages: int = Field(default=50, ge=1)
    max_image_pixels: int = Field(default=100_000_000, ge=1)
    max_decompressed_mb: int = Field(default=500, ge=1)
    max_text_mb: int = Field(default=50, ge=1)
    max_file_mb: int = Field(
        default=2048,
        ge=1,
        description="size in MB above which any file is rejected as too_large "
        "before it is read or hashed",
    )
    max_render_pixels: int = Field(
        default=25_000_000,
        ge=1_000_000,
        description="pixels a PDF page is rendered at for OCR at most; larger "
        "pages are rendered at a lower DPI",
    )
    ocr_timeout: float = Field(
        default=120.0,
        ge=0,
        description="seconds tesseract may spend on one page; 0 means no limit",
    )
    passwords: list[str] = Field(default_factory=list)
    password_file: PathSetting = ""


class RuleSettings(_Section):
    keywords: dict[str, float] = Field(default_factory=dict)
    patterns: dict[str, float] = Field(default_factory=dict)


@functools.cache
def _shipped_rules() -> dict[str, Any]:
    data = tomllib.loads(SHIPPED_RULES.read_text(encoding="utf-8"))
    return data["classification"]["rules"]


def _default_rules() -> dict[str, Any]:
    return copy.deepcopy(_shipped_rules())


class ClassificationSettings(_Section):
    model_path: PathSetting = Field(
        default="", description="empty means the shipped model"
    )
    confidence_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    review_threshold: float = Field(
        default=0.8,
        ge=0.0,
        le=1.0,
        description="below this confidence the category is kept but the "
        "document goes to the review queue",
    )
    min_fit_score: float = Field(
        default=-0.35,
        description="the model's best raw score under which a document fits no "
        "category, when its lead is also under min_fit_lead and no rule of the "
        "best guess fired: it becomes 'unknown' and goes to review",
    )
    min_fit_lead: float = Field(
        default=0.2,
        ge=0.0,
        description="lead of the best raw score over the next one that the "
        "min_fit_score check also requires; 0 turns the check off",
    )
    max_chars: int = Field(default=20_000, ge=500)
    first_chars: int = Field(
        default=6_000,
        ge=0,
        description="characters of the first classification pass; only a "
        "document it leaves unknown or under review_threshold is classified "
        "again from max_chars. classify alone also stops reading pages there "
        "(plus a PDF's last page when its text layer is usable). 0, or "
        "max_chars or more, classifies once from max_chars",
    )
    read_all_pages: bool = Field(
        default=False,
        description="classification without quality analysis reads every page, "
        "instead of stopping once it has enough characters (plus the last page)",
    )
    rule_weight: float = Field(default=0.25, ge=0.0, le=1.0)
    rules: dict[str, RuleSettings] = Field(
        default_factory=_default_rules, validate_default=True
    )


class QualitySettings(_Section):
    # A NaN threshold fails every comparison and an infinite weight makes
    # every score infinite, so only finite numbers are valid. The upper bounds
    # of the counts lie far above any useful value, and they stop a whole
    # number such as 1e308 from becoming a count of 309 digits.
    model_config = ConfigDict(allow_inf_nan=False)

    review_threshold: float = Field(default=60.0, ge=0.0, le=100.0)
    min_document_chars: int = Field(default=80, ge=0, le=1_000_000)
    empty_page_chars: int = Field(default=16, ge=0, le=100_000)
    low_ocr_confidence: float = Field(default=60.0, ge=0.0, le=100.0)
    long_sentence_words: int = Field(default=45, ge=5, le=10_000)
    long_sentence_share: float = Field(default=0.2, ge=0.0, le=1.0)
    headings_expected_words: int = Field(default=1500, ge=0, le=10_000_000)
    repeated_text_ratio: float = Field(default=0.3, ge=0.0, le=1.0)
    readability_max_words: int = Field(
        default=20_000,
        ge=100,
        le=10_000_000,
        description="words sampled for readability",
    )
    readability_min_words: int = Field(
        default=100,
        ge=0,
        le=10_000_000,
        description="fewer words make readability not applicable",
    )
    readability_target: float = Field(
        default=60.0,
        gt=0.0,
        le=100.0,
        description="Flesch reading ease that earns a readability score of 100",
    )
    fallback_language: str = Field(
        default="en",
        description="language assumed when none is detected: an ISO 639-1 code "
        "of a language docflow judges text in (en, fr, de, nl, pl, es or it)",
    )
    # Weights are relative, and a maximum of 100 keeps score x weight and
    # their sum far from float overflow, which would make the overall score NaN.
    readability_weight: float = Field(default=0.25, ge=0.0, le=100.0)
    structure_weight: float = Field(default=0.25, ge=0.0, le=100.0)
    content_weight: float = Field(default=0.5, ge=0.0, le=100.0)
    max_page_issues: int = Field(
        default=20,
        ge=1,
        le=100_000,
        description="per issue code; further pages are summarised",
    )

    @model_validator(mode="after")
    def _some_weight(self) -> QualitySettings:
        """Reject three weights of 0, which leave overall_score no score to weigh."""
        weights = (self.readability_weight, self.structure_weight, self.content_weight)
        if not any(weights):
            raise ValueError(
                "readability_weight, structure_weight and content_weight are all "
                "0, so overall_score would weigh no score; give at least one of "
                "them a weight above 0"
            )
        return self

    @model_validator(mode="after")
    def _min_words_within_sample(self) -> QualitySettings:
        """Reject a readability_min_words above readability_max_words.

        Readability counts the words of a sample of at most
        readability_max_words, so a larger minimum leaves every document
        unscored.
        """
        minimum, maximum = self.readability_min_words, self.readability_max_words
        if minimum > maximum:
            raise ValueError(
                f"readability_min_words {minimum} is above readability_max_words "
                f"{maximum}, so no sampled text reaches the minimum and readability "
                "would never be scored; lower readability_min_words or raise "
                "readability_max_words"
            )
        return self

    @field_validator("fallback_language")
    @classmethod
    def _judged_language(cls, value: str) -> str:
        """Reject a language the quality checks have no word lists for.

        Any form ``readability.normalize_language`` reads is accepted, such as
        ``eng`` or ``en_US``, because the checks normalise the value.
        """
        from docflow.core._wordlists import FREQUENT_WORDS
        from docflow.core.quoting import quote_value
        from docflow.core.readability import normalize_language

        if normalize_language(value) in FREQUENT_WORDS:
            return value
        if value.strip():
            problem = f"{quote_value(value)} is not a language docflow judges text in"
        else:
            problem = "the language is empty"
        codes = ", ".join(FREQUENT_WORDS)
        raise ValueError(f"{problem}; use one of {codes} (ISO 639-1 codes)")


class OutputSettings(_Section):
    format: Literal["auto", "table", "json", "jsonl", "csv"] = "auto"


class McpSettings(_Section):
    roots: list[PathSetting] = Field(
        default_factory=list,
        description="folders the tools of a `docflow mcp` server may read; empty "
        "means the current directory. The servers that process, classify and "
        "watch start may read any file they are given",
    )
    max_batch_paths: int = Field(
        default=1000,
        ge=1,
        le=1_000_000,
        description="paths that one call of classify_documents, "
        "analyze_documents or generate_report may name; a call with more is "
        "rejected, so the client splits it into several calls",
    )


class RouteRule(_Section):
    destination: str
    category: str | None = None
    min_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    max_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    min_quality: float | None = Field(default=None, ge=0.0, le=100.0)
    max_quality: float | None = Field(default=None, ge=0.0, le=100.0)
    name: str | None = Field(default=None, description="glob on the file name")
    facts: dict[str, str] = Field(
        default_factory=dict,
        description="fact kind -> glob on its value; '*' only requires the fact",
    )


class WatchSettings(_Section):
    inboxes: list[PathSetting] = Field(default_factory=list)
    output_dir: PathSetting = "routed"
    recursive: bool = True
    poll_seconds: float = Field(default=0.0, ge=0.0, description="0 means inotify")
    stable_seconds: float = Field(default=2.0, ge=0.0)
    ignore: list[str] = Field(
        default_factory=lambda: [".*", "*~", "~$*", "*.part", "*.crdownload", "*.tmp"]
    )
    duplicates: Literal["move", "skip"] = "move"
    review_confidence: float = Field(default=0.6, ge=0.0, le=1.0)
    routes: list[RouteRule] = Field(default_factory=list)
    retry_max_seconds: float = Field(default=300.0, gt=0)
    settle_seconds: float = Field(
        default=0.25,
        ge=0.0,
        description="seconds a file must stay closed after its first write before "
        "it is read; a reopen in that time makes it wait stable_seconds instead",
    )
    wait_unchanged_seconds: float = Field(
        default=0.0,
        ge=0.0,
        description="seconds a file closed after writing or moved in must keep "
        "its size and modification time before it is read; 0 reads it once "
        "settle_seconds have passed",
    )
    rescan_seconds: float = Field(
        default=300.0, ge=0.0, description="full rescan of the inboxes; 0 disables"
    )
    status_seconds: float = Field(
        default=60.0, ge=0.0, description="status line interval on stderr; 0 disables"
    )
    max_attempts: int = Field(
        default=3,
        ge=1,
        description="a file whose processing was interrupted this many times "
        "goes to quarantine",
    )


class Settings(_Section):
    store: StoreSettings = Field(default_factory=StoreSettings)
    workers: WorkerSettings = Field(default_factory=WorkerSettings)
    extraction: ExtractionSettings = Field(default_factory=ExtractionSettings)
    classification: ClassificationSettings = Field(
        default_factory=ClassificationSettings
    )
    quality: QualitySettings = Field(default_factory=QualitySettings)
    output: OutputSettings = Field(default_factory=OutputSettings)
    mcp: McpSettings = Field(default_factory=McpSettings)
    watch: WatchSettings = Field(default_factory=WatchSettings)
    #: "section.key" -> the variable or file that set it; see ``origin_of``.
    _origins: dict[str, str] = PrivateAttr(default_factory=dict)

    def origin_of(self, section: str, key: str) -> str | None:
        """Return the environment variable or file that set a setting.

        None means a command-line flag or the default set it.
        """
        return self._origins.get(f"{section}.{key}")

    def set_origin(self, section: str, key: str, origin: str) -> None:
        """Record ``origin`` as what set a setting, for ``origin_of``.

        For a setting that a program changes after loading, such as a tool
        argument that replaces it.
        """
        self._origins[f"{section}.{key}"] = origin

    @property
    def worker_count(self) -> int:
        """Return the configured worker count, or the CPU count when it is 0."""
        if self.workers.count:
            return self.workers.count
        return (
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else (os.cpu_count() or 1)
        )


def _parse_env_value(raw: str, section: str = "", field: str = "") -> Any:
    """Read ``raw`` as a TOML value, or keep it as text for a text setting.

    A database path such as DOCFLOW_DB=5 stays the string "5", because TOML
    would read it as a number that the setting then rejects.
    """
    if _is_text_setting(section, field):
        return raw
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _is_text_setting(section: str, field: str) -> bool:
    section_field = Settings.model_fields.get(section)
    model = section_field.annotation if section_field is not None else None
    fields = getattr(model, "model_fields", {})
    if field not in fields:
        return False
    return fields[field].annotation is str


def _env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    """Return the DOCFLOW_* settings as nested sections.

    Raises ConfigError naming every DOCFLOW_* variable that is neither a
    setting nor in OTHER_VARIABLES but close to a setting's name, because a
    mistyped name would otherwise leave its setting at another value without
    notice. Other unknown names (DOCFLOW_HOME, DOCFLOW_API_KEY), which a
    shell may set for another program, get a warning and are ignored.
    """
    sections = set(Settings.model_fields)
    overrides: dict[str, Any] = {}
    unknown: list[str] = []
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name in OTHER_VARIABLES or not raw:
            continue
        key = name[len(ENV_PREFIX) :].lower()
        if key == "db":
            key = "store_database"
        section, _, field = key.partition("_")
        if section not in sections or not field:
            unknown.append(name)
            continue
        overrides.setdefault(section, {})[field] = _parse_env_value(raw, section, field)
    typos = sorted(name for name in unknown if _variable_hint(name))
    for name in sorted(set(unknown) - set(typos)):
        if name not in _ignored_variables:
            _ignored_variables.add(name)
            log.warning(
                "environment variable %s is not a docflow setting; ignored", name
            )
    if typos:
        raise ConfigError("\n".join(_describe_unknown_variable(name) for name in typos))
    return overrides


def _describe_unknown_variable(name: str) -> str:
    sections = ", ".join(Settings.model_fields)
    return (
        f"environment variable {name} is not a docflow setting{_variable_hint(name)} "
        f"(settings are DOCFLOW_<SECTION>_<KEY>, sections: {sections}); "
        "rename or unset it"
    )


def _variable_hint(name: str) -> str:
    """Return "; did you mean DOCFLOW_X?" for the closest known variable, or "".

    A name that is a setting's key without its section (DOCFLOW_FORMAT)
    gets the one setting with that key, when only one has it.
    """
    import difflib

    known = {variable[len(ENV_PREFIX) :]: variable for variable in _known_variables()}
    given = name[len(ENV_PREFIX) :]
    close = difflib.get_close_matches(given, known, n=1, cutoff=0.75)
    if not close:
        close = [short for short in known if short.endswith(f"_{given}")]
    return f"; did you mean {known[close[0]]}?" if len(close) == 1 else ""


def _known_variables() -> list[str]:
    """Return every DOCFLOW_* name docflow reads: one per setting, and the others."""
    names = ["DOCFLOW_DB", *sorted(OTHER_VARIABLES)]
    for section, field in Settings.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names.extend(
                f"{ENV_PREFIX}{section}_{key}".upper()
                for key in annotation.model_fields
            )
    return names


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _describe(error: ValidationError, source: str) -> str:
    lines = []
    for item in error.errors():
        key = format_key(*item["loc"])
        if item["type"] == "extra_forbidden":
            lines.append(f"{source}: unknown key {key!r}{_suggestion(item['loc'])}")
        else:
            lines.append(f"{source}: key {key!r}: {_problem(item)}")
    return "\n".join(lines)


#: Type each setting expected, by the pydantic error type of a value of another
#: type, as in "'abc' is not a number".
_EXPECTED_TYPES = {
    "bool_parsing": "a boolean",
    "bool_type": "a boolean",
    "float_parsing": "a number",
    "float_type": "a number",
    "finite_number": "a finite number",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "a table",
    "model_type": "a table",
}
#: Pydantic error types of a number outside a field's bounds. int_parsing_size
#: is a whole number, such as 1e308, too large for pydantic's 64-bit integers.
_OUT_OF_RANGE = frozenset(
    {
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "int_parsing_size",
    }
)


def _problem(item: Any, *, show_value: bool = True) -> str:
    """Return what is wrong with a value and what the setting accepts.

    A validator of docflow's own gives its message without pydantic's
    "Value error, " prefix. The message starts with the value itself unless
    ``show_value`` is false (the caller shows it, or it is a password) or the
    value is a list or table.
    """
    kind = item["type"]
    if kind == "value_error":
        return str(item["ctx"]["error"])
    if kind == "missing":
        return _missing_problem(item["loc"], item.get("input"))
    value = item.get("input")
    subject = ""
    if show_value and isinstance(value, str | int | float | bool):
        subject = f"{value!r} is "
    location = item["loc"]
    if kind in ("bool_parsing", "bool_type"):
        return f"{subject}not a boolean; use true or false"
    if kind in _EXPECTED_TYPES:
        return f"{subject}not {_EXPECTED_TYPES[kind]}{_allowed_range(location)}"
    if kind in _OUT_OF_RANGE:
        return f"{subject}out of range{_allowed_range(location)}"
    if kind == "literal_error":
        return f"{subject}not a valid choice; use {item['ctx']['expected']}"
    return str(item["msg"])


def _missing_problem(location: tuple[int | str, ...], table: Any) -> str:
    """Return the message for a required key that a table lacks."""
    if location[:2] != ("watch", "routes") or location[-1] != "destination":
        return "missing; add this key"
    route = "this [[watch.routes]] table"
    if isinstance(table, dict):
        matches = [
            f"{key} = {json.dumps(table[key])}"
            for key in ("category", "name")
            if isinstance(table.get(key), str)
        ]
        if matches:
            route += f" ({', '.join(matches)})"
    return (
        f"missing: {route} has no destination folder; add one, as in "
        'destination = "invoices/{year}"'
    )


def _suggestion(location: tuple[int | str, ...]) -> str:
    """Return "; did you mean 'x'?" naming the known key closest to a typo."""
    import difflib

    model = _model_at(location[:-1])
    if model is None:
        return ""
    matches = difflib.get_close_matches(str(location[-1]), model.model_fields, n=1)
    if not matches:
        return f"; known keys: {', '.join(model.model_fields)}"
    return f"; did you mean {format_key(*location[:-1], matches[0])!r}?"


def _model_at(location: tuple[int | str, ...]) -> type[BaseModel] | None:
    """Return the settings model a key leads to, or None when it leads to a value.

    A list index or a dict key (``watch.routes[0]``, ``classification.rules.x``)
    leads to the model of the list's items or the dict's values.
    """
    model: type[BaseModel] = Settings
    for part in location:
        field = model.model_fields.get(str(part)) if isinstance(part, str) else None
        if field is None:
            continue  # a list index or dict key: the items' model applies
        annotation = field.annotation
        element = get_args(annotation)[-1:] if get_args(annotation) else ()
        candidate = element[0] if element else annotation
        if not (isinstance(candidate, type) and issubclass(candidate, BaseModel)):
            return None
        model = candidate
    return model


def _field_at(location: tuple[int | str, ...]) -> FieldInfo | None:
    """Return the settings field a key names, or None."""
    model = _model_at(location[:-1])
    if model is None or not isinstance(location[-1], str):
        return None
    return model.model_fields.get(location[-1])


def _describe_environment(error: ValidationError, environ: Mapping[str, str]) -> str:
    lines = []
    for item in error.errors():
        location = item["loc"]
        if len(location) == 1:
            lines.append(_describe_section_variables(item, environ))
            continue
        name = f"{ENV_PREFIX}{'_'.join(str(part) for part in location[:2])}".upper()
        if name == "DOCFLOW_STORE_DATABASE" and name not in environ:
            name = "DOCFLOW_DB"
        value = environ.get(name)
        shown = f" = {value!r}" if value is not None else ""
        secret = name in _SECRET_VARIABLES
        if secret:
            shown = ""  # a password must not end up in a terminal or a log
        # A variable such as DOCFLOW_WATCH_ROUTES may hold a table or a list,
        # so the key of the invalid value inside it is named too, with the
        # value found there.
        inside = f"key {format_key(*location)!r}: " if len(location) > 2 else ""
        if item["type"] == "extra_forbidden" and not inside:
            problem = f"no such setting{_variable_hint(name)}"
        elif item["type"] == "extra_forbidden":
            problem = f"{inside}unknown key{_suggestion(location)}"
        else:
            show_value = bool(inside) and not secret
            problem = f"{inside}{_problem(item, show_value=show_value)}"
            problem += _variable_form_hint(name, location)
        lines.append(f"environment variable {name}{shown}: {problem}")
    return "\n".join(lines)


def _describe_section_variables(item: Any, environ: Mapping[str, str]) -> str:
    """Describe an error about a whole section, such as three weights of 0.

    It names the section's variables that are set, because a validator of
    the section rejects a combination of keys rather than one of them.
    """
    prefix = f"{ENV_PREFIX}{item['loc'][0]}_".upper()
    names = sorted(name for name in environ if name.startswith(prefix))
    noun = "variable" if len(names) == 1 else "variables"
    listed = ", ".join(names) or f"{prefix}*"
    return f"environment {noun} {listed}: {_problem(item)}"


#: Advice for the settings whose value is a table or a list of tables, which
#: a variable can only give as a TOML inline value.
_TABLE_HINTS = {
    ("classification", "rules"): (
        "; rules are easiest to write as [classification.rules.<category>] "
        "tables in docflow.toml. This variable takes a TOML inline table, as in "
        "DOCFLOW_CLASSIFICATION_RULES="
        """'{invoice = {keywords = {"invoice no" = 2.0}}}'"""
    ),
    ("watch", "routes"): (
        "; routes are easiest to write as [[watch.routes]] tables in "
        "docflow.toml. This variable takes a TOML array of inline tables, as "
        """in DOCFLOW_WATCH_ROUTES='[{category = "invoice", """
        """destination = "invoices/{year}"}]'"""
    ),
}

#: Example values of the list settings, shown when their variable is invalid.
_LIST_EXAMPLES = {
    ("mcp", "roots"): '["/data/in"]',
    ("watch", "inboxes"): '["/data/inbox"]',
    ("watch", "ignore"): '[".*", "*.tmp"]',
    ("extraction", "passwords"): '["first", "second"]',
}


def _variable_form_hint(name: str, location: tuple[int | str, ...]) -> str:
    """Return how a list or table variable is written, or "" for other settings.

    A list variable takes a TOML array in shell quotes, which a plain value
    such as DOCFLOW_MCP_ROOTS=/tmp is not.
    """
    setting = tuple(map(str, location[:2]))
    if setting in _TABLE_HINTS:
        return _TABLE_HINTS[setting]
    field = _field_at(location[:2])
    if field is None or get_origin(field.annotation) is not list:
        return ""
    example = _LIST_EXAMPLES.get(setting, '["..."]')
    return f"; this variable takes a TOML array, as in {name}='{example}'"


def _allowed_range(location: tuple[int | str, ...]) -> str:
    """Return "; give a number from X to Y" for a number setting, else ""."""
    field = _field_at(location)
    if field is None:
        return ""
    types = get_args(field.annotation) or (field.annotation,)
    if int in types:
        noun = "a whole number"
    elif float in types:
        noun = "a number"
    else:
        return ""
    bounds: dict[str, str] = {}
    for rule in field.metadata:
        for name in ("ge", "gt", "le", "lt"):
            bound = getattr(rule, name, None)
            if bound is not None:
                bounds[name] = _format_number(bound)
    if "ge" in bounds and "le" in bounds:
        return f"; give {noun} from {bounds['ge']} to {bounds['le']}"
    phrases = {
        "ge": "of {} or more",
        "gt": "greater than {}",
        "le": "of {} or less",
        "lt": "less than {}",
    }
    parts = [phrases[name].format(bound) for name, bound in bounds.items()]
    if not parts:
        return ""
    return f"; give {noun} {' and '.join(parts)}"


def _format_number(number: float) -> str:
    """Return ``number`` without a trailing ".0" (100.0 as 100)."""
    return str(int(number)) if float(number).is_integer() else str(number)


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    config_path: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Build the settings from defaults, docflow.toml, DOCFLOW_* and ``overrides``.

    ``overrides`` contains command-line values as nested sections, for example
    ``{"store": {"database": "x.duckdb"}}``. Raises ConfigError naming the file
    or variable, the key and the reason when a value is invalid.
    """
    environ = os.environ if environ is None else environ
    named = config_path or environ.get("DOCFLOW_CONFIG")
    path = Path(named or CONFIG_FILE).expanduser()
    data: dict[str, Any] = {}
    # Not is_file(): os.devnull, a character device, is the empty settings file.
    if path.exists() and not path.is_dir():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{_shown(path)}: not valid TOML: {exc}") from exc
        try:
            Settings.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(_describe(exc, _shown(path))) from exc
    elif config_path:
        raise ConfigError(f"{_shown(path)}: configuration file not found")
    elif named:
        raise ConfigError(
            f"{_shown(path)}: configuration file not found, named by DOCFLOW_CONFIG; "
            f"correct the path, or unset DOCFLOW_CONFIG to read ./{CONFIG_FILE} "
            f"(DOCFLOW_CONFIG={os.devnull} runs on the built-in defaults)"
        )

    file_data = data
    env = _env_overrides(environ)
    if env:
        data = _merge(data, env)
        try:
            Settings.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(_describe_environment(exc, environ)) from exc

    if overrides:
        data = _merge(data, overrides)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, "command line")) from exc

    _check_configured(settings, file_data, path, env)
    settings._origins = _origins(file_data, path, env, environ, overrides or {})
    return settings


def _shown(path: Path) -> str:
    """Return ``path`` as messages show it, on one line.

    Control characters are escaped (see ``escape_controls``), so a settings
    file named with a newline cannot split an error message.
    """
    text = str(path)
    if text.isprintable():  # False for every character escape_controls escapes
        return text
    # Imported only here, because the store package loads DuckDB.
    from docflow.core.store._rows import escape_controls

    return escape_controls(text)


def _origins(
    file_data: Mapping[str, Any],
    path: Path,
    env: Mapping[str, Any],
    environ: Mapping[str, str],
    overrides: Mapping[str, Any],
) -> dict[str, str]:
    """Map each "section.key" a file or variable set, and no flag, to its origin."""
    origins: dict[str, str] = {}
    for source, described in ((file_data, None), (env, "variable")):
        for section, values in source.items():
            if not isinstance(values, Mapping):
                continue
            for key in values:
                dotted = f"{section}.{key}"
                if described is None:
                    origins[dotted] = f"{dotted} in {_shown(path)}"
                    continue
                name = f"{ENV_PREFIX}{section}_{key}".upper()
                if dotted == "store.database" and name not in environ:
                    name = "DOCFLOW_DB"
                origins[dotted] = f"environment variable {name}"
    for section, values in overrides.items():
        for key in values if isinstance(values, Mapping) else ():
            origins.pop(f"{section}.{key}", None)
    return origins


def _check_configured(
    settings: Settings, file_data: Mapping[str, Any], path: Path, env: Mapping[str, Any]
) -> None:
    """Check the rules and routes a file or variable defines; see _settings_checks."""
    from docflow.core import _settings_checks as checks

    rules_source = _source_of(file_data, path, env, "classification", "rules")
    if rules_source is not None:
        checks.check_rule_categories(settings, rules_source)
        checks.check_rule_terms(settings.classification.rules, rules_source)
    routes_source = _source_of(file_data, path, env, "watch", "routes")
    if routes_source is not None:
        checks.check_route_categories(settings, settings.watch.routes, routes_source)
        checks.check_routes(settings.watch.routes, routes_source)


def _source_of(
    file_data: Mapping[str, Any],
    path: Path,
    env: Mapping[str, Any],
    section: str,
    key: str,
) -> str | None:
    """Return where ``section.key`` in force comes from, or None for the default."""
    if key in env.get(section, {}):
        return f"environment variable {ENV_PREFIX}{section.upper()}_{key.upper()}"
    if key in file_data.get(section, {}):
        return _shown(path)
    return None


#: Key of ``dump_settings`` JSON that carries the origins. Settings has no
#: field of that name, so the key cannot clash with a setting.
_ORIGINS_KEY = "_origins"


def dump_settings(settings: Settings) -> bytes:
    """Serialize ``settings`` and the origin of each setting to JSON.

    A child process reads it back with ``load_dumped_settings``, so that its
    messages name the file or variable that set a value, as the parent's do.
    """
    data = settings.model_dump(mode="json")
    data[_ORIGINS_KEY] = settings._origins
    return json.dumps(data).encode("utf-8")


def load_dumped_settings(data: bytes | str) -> Settings:
    """Read settings written by ``dump_settings``, or plain ``Settings`` JSON."""
    values = json.loads(data)
    origins = values.pop(_ORIGINS_KEY, {}) if isinstance(values, dict) else {}
    settings = Settings.model_validate(values)
    settings._origins = dict(origins)
    return settings


def settings_fingerprint(settings: Settings) -> str:
    """Return a short hash of the settings that change a document's result.

    The result cache keys on it, so a change of OCR language or a quality
    threshold reprocesses documents while a change of worker count does not.
    The code that computes results counts too (``analysis_code_digest``).
    """
    classification = settings.classification.model_dump(exclude={"model_path"})
    if classification["first_chars"] >= classification["max_chars"]:
        classification["first_chars"] = 0  # one pass either way
    relevant = {
        "code": analysis_code_digest(),
        "extraction": settings.extraction.model_dump(
            exclude={"passwords", "password_file"}
        ),
        "classification": classification,
        "quality": settings.quality.model_dump(),
    }
    if not settings.extraction.ocr:
        # Quality advice for a scan names the flag or the setting that turned
        # OCR off, so a result is not reused under another origin.
        relevant["ocr_off_by"] = settings.origin_of("extraction", "ocr")
    blob = json.dumps(relevant, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


#: Parts of ``docflow.core`` that never change a document's result.
_NOT_IN_RESULTS = frozenset({"store", "htmlreport.py"})


@functools.cache
def analysis_code_digest() -> str:
    """Return a short hash of the source of the code that computes results.

    A result stored by another version of docflow (one that scored quality
    or checked classifications differently) is computed again instead of
    being reused, also when the version number did not change. Reading the
    source takes a few milliseconds, once per process.
    """
    from docflow import __version__

    core = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(core.rglob("*.py")):
        relative = path.relative_to(core)
        if relative.parts[0] in _NOT_IN_RESULTS:
            continue
        try:
            source = path.read_bytes()
        except OSError:  # an unreadable file changes the hash as an edit would
            source = b""
        digest.update(relative.as_posix().encode() + b"\0" + source)
    return digest.hexdigest()[:16]
