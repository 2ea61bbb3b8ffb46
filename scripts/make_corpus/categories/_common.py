"""Helpers shared by the category templates: styles, labels, line items."""

from __future__ import annotations

from ..blocks import Style
from ..fake import LANGS, Faker

ALL_LANGS = LANGS
MAJOR_LANGS = ("en", "fr", "de")

ACCENTS = [
    (0, 0, 0),
    (20, 40, 110),
    (120, 20, 20),
    (10, 90, 70),
    (60, 60, 60),
    (0, 80, 150),
    (90, 30, 120),
]


def random_style(fk: Faker, **overrides) -> Style:
    """Pick a font, size, page size, margins, colour and table look."""
    style = Style(
        font=fk.pick(
            [
                "DejaVuSans",
                "DejaVuSans",
                "DejaVuSerif",
                "DejaVuSansCondensed",
                "DejaVuSerifCondensed",
            ]
        ),
        size=fk.pick([9, 9.5, 10, 10, 10.5, 11]),
        page=fk.pick(["A4", "A4", "Letter"]) if fk.lang == "en" else "A4",
        margin=fk.pick([14, 16, 18, 20, 24]),
        header_align=fk.pick(["L", "L", "C", "R"]),
        accent=fk.pick(ACCENTS),
        table_style=fk.pick(["grid", "lines", "plain", "head"]),
    )
    for key, value in overrides.items():
        setattr(style, key, value)
    return style


def labels(table: dict[str, tuple[str, ...]], lang: str) -> dict[str, str]:
    """Select one language column from a ``key: (en, fr, de, nl, pl, es, it)`` map."""
    index = LANGS.index(lang)
    return {
        key: values[index] if index < len(values) else values[0]
        for key, values in table.items()
    }


def money(fk: Faker, amount: float, currency: str) -> str:
    return fk.fmt_money(amount, currency)


def num(fk: Faker, amount: float) -> str:
    return fk.fmt_money(amount)


def qty(fk: Faker, value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return fk.fmt_money(value).rstrip("0").rstrip(",.")


def party_lines(
    fk: Faker, name: str, lang: str | None = None, extra: bool = True
) -> list[str]:
    """Name, address and optionally phone/e-mail lines of a person or firm."""
    lines = [name, *fk.address(lang)]
    if extra and fk.chance(0.6):
        lines.append(fk.phone(lang))
    if extra and fk.chance(0.5):
        lines.append(fk.email(fk.person(lang), name))
    return lines
