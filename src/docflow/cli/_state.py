"""Options shared by every command, and how they become Settings.

Most options can be given before the command (``docflow --db x.duckdb
stats``) or after it (``docflow stats --db x.duckdb``); the later one wins.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docflow.core.config import Settings

__all__ = ["CliOptions"]


@dataclass
class CliOptions:
    """Values of the shared options; None means not given on the command line."""

    config: str | None = None
    db: str | None = None
    workers: int | None = None
    timeout: float | None = None
    passwords: list[str] = field(default_factory=list)
    password_file: str | None = None
    ocr: bool | None = None
    lang: str | None = None
    threshold: float | None = None
    roots: list[str] = field(default_factory=list)
    output_format: str | None = None
    verbose: int = 0
    quiet: bool = False
    rehash: bool = False
    no_cache: bool = False
    restart: bool = False
    _settings: Settings | None = field(default=None, repr=False, compare=False)

    def merged(self, **given: Any) -> CliOptions:
        """Return a copy with the options a command was given laid over these."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        values["_settings"] = None
        for name, value in given.items():
            if value is None:
                continue
            if name in ("passwords", "roots"):
                values[name] = [*values[name], *value]
            elif name == "verbose":
                values[name] = values[name] + value
            elif name in ("quiet", "rehash", "no_cache", "restart"):
                values[name] = values[name] or value
            else:
                values[name] = value
        return CliOptions(**values)

    def overrides(self) -> dict[str, Any]:
        """Return the options as the nested overrides ``load_settings`` takes."""
        sections: dict[str, dict[str, Any]] = {}

        def put(section: str, key: str, value: Any) -> None:
            if value is not None:
                sections.setdefault(section, {})[key] = value

        put("store", "database", self.db)
        put("store", "reuse", False if self.no_cache else None)
        put("workers", "count", self.workers)
        put("workers", "document_timeout", self.timeout)
        put("extraction", "password_file", self.password_file)
        put("extraction", "ocr", self.ocr)
        put("extraction", "ocr_languages", self.lang)
        put("classification", "confidence_threshold", self.threshold)
        put("output", "format", self.output_format)
        return sections

    def settings(self) -> Settings:
        """Load the settings once: flags over DOCFLOW_* over docflow.toml."""
        if self._settings is None:
            from docflow.core.config import load_settings

            settings = load_settings(self.overrides(), config_path=self.config)
            if self.passwords:
                # --password adds to the configured passwords instead of
                # replacing them.
                settings.extraction.passwords = [
                    *settings.extraction.passwords,
                    *self.passwords,
                ]
            if self.roots:
                settings.mcp.roots = [*settings.mcp.roots, *self.roots]
            self._settings = settings
        return self._settings

    def describe(self) -> dict[str, Any]:
        """Return the options given, without secrets, for the runs table."""
        described = self.overrides()
        if self.passwords:
            described["passwords"] = f"{len(self.passwords)} given"
        if self.config:
            described["config"] = self.config
        return described
