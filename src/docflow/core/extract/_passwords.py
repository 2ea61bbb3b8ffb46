"""Passwords to try on encrypted documents, from the settings."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docflow.core.config import ExtractionSettings

__all__ = ["SETTINGS_ADVICE", "candidate_passwords", "password_message"]

log = logging.getLogger(__name__)


def candidate_passwords(settings: ExtractionSettings, warnings: list[str]) -> list[str]:
    """Return ``extraction.passwords`` then each line of ``extraction.password_file``.

    An unreadable password file adds a warning instead of failing, because
    the document may not need a password at all.
    """
    passwords = list(settings.passwords)
    if settings.password_file:
        try:
            with open(settings.password_file, encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            warnings.append(
                f"cannot read extraction.password_file {settings.password_file!r}: "
                f"{exc}"
            )
            lines = []
        passwords.extend(line for line in lines if line)
    return list(dict.fromkeys(passwords))


#: Advice for a user of the command line or of the settings file.
SETTINGS_ADVICE = "give it with --password or list it in extraction.password_file"


def password_message(tried: int, advice: str = SETTINGS_ADVICE) -> str:
    """Return the PasswordRequired message, saying how many passwords failed.

    ``advice`` ends the message. An MCP server passes its own for a password
    that came in a tool call.
    """
    if tried == 1:
        return f"encrypted PDF; the password given does not open it; {advice}"
    if tried:
        return f"encrypted PDF; none of the {tried} passwords given opens it; {advice}"
    return f"encrypted PDF that needs a password; {advice}"
