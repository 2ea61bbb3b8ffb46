"""``quote_value`` and ``shell_quote_value`` quote short values whole and cut
long ones to start and end."""

from __future__ import annotations

from docflow.core.quoting import MAX_QUOTED_CHARS, quote_value, shell_quote_value


def test_quote_value_keeps_limit_whole():
    value = "a" * MAX_QUOTED_CHARS
    assert quote_value(value) == repr(value)


def test_quote_value_cuts_over_limit():
    value = "/" + "a" * 200 + "b" * 200 + "/end.pdf"
    quoted = quote_value(value)
    assert quoted == ("'/" + "a" * 149 + "…" + "b" * 142 + "/end.pdf' (409 characters)")


def test_quote_value_escapes_like_repr():
    assert quote_value("it's\n") == repr("it's\n")
    assert quote_value("\n" * 1000).startswith("'\\n\\n")


def test_shell_quote_value_keeps_short_whole():
    assert shell_quote_value("my docs") == "'my docs'"
    assert shell_quote_value("docs") == "docs"


def test_shell_quote_value_cuts_over_limit():
    value = "/" + "a" * 200 + "b" * 200 + "/end.pdf"
    quoted = shell_quote_value(value)
    assert quoted == ("'/" + "a" * 149 + "…" + "b" * 142 + "/end.pdf' (409 characters)")
