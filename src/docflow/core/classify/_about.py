"""Signs that a text is about a category's subject rather than a document of it.

A library's README that builds an invoice in a code sample uses the words
of an invoice as densely as a real invoice does. A blog post with advice on
signing a contract does the same for contracts. The model and the rules then
both give such a text that category with full confidence. Four signs tell such a
text apart:

- much of it is source code (fenced code blocks, ``import``, ``def`` or
  ``pip install`` lines), which no shipped category contains. Code only in
  fenced blocks that hold under half of the lines is quoted in a prose
  document, as in a development team's minutes, and does not count;
- its best guess is a transaction (invoice, receipt, purchase order, bank
  statement) but it states no amount and no date at all. Either alone is
  not enough, because OCR often loses every amount of a photographed
  receipt but keeps its date. A ``TOTAL`` row with a number, or two rows of
  bare numbers, count as amounts, because a purchase order may state no
  currency. A purchase order may list only items and quantities, so one
  that names itself and has a table under a quantity heading passes;
- its best guess is contract, the text is English or German, and it shows
  no sign of binding its parties. It never refers to itself ("this
  Agreement", "this Lease", "this Statement of Work", "hereby"), and it
  shows fewer than two of numbered clauses, parties defined in capitals
  ("the Tenant") and signature lines. Advice on contracts is often
  numbered too, so numbered clauses alone are not enough, and a text that
  speaks to "you" often (below) needs the self-reference with a capitalized
  name ("these Terms"), because a blog post says "before you accept these
  terms". A German text has German marks ("dieses Vertrages", "§ 3",
  "– Mieter"), and one that speaks to the reader ("Sie", "Ihr") goes to
  review;
- its best guess is a category written without addressing a reader
  (resume, report, scientific paper, meeting minutes) but the text speaks to
  "you" often, as a how-to guide on writing a resume does. Quoted speech
  and "thank you" are not counted.

Each sign was checked on the evaluation set of ``bench/accuracy.py`` and on
``sample_docs/train/``: no document of either shows one for its own category.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from docflow.core.classify._features import _AMOUNT, _DATE
from docflow.core.models import Evidence, Fact

__all__ = ["find_about_text"]

# Characters of the text searched, the default of classification.max_chars.
_SCAN_CHARS = 20_000
# A text is mostly code when at least this share of its non-blank lines, and
# at least MIN_CODE_LINES lines, are code. No document of those two sets
# reaches a share of 0.2 or three code lines.
MIN_CODE_SHARE = 0.3
MIN_CODE_LINES = 3
# Fenced blocks that hold under this share of the non-blank lines, with no
# code outside them, quote code in a prose document. Of the READMEs of the 82
# packages in docflow's virtual environment, only textstat's (0.7.13) had
# enough code for the sign, all in fences on 36% of its lines. The fit check
# sends it to review anyway.
MAX_QUOTED_CODE_SHARE = 0.5
_FENCE = re.compile(r"^\s*(?:```|~~~)")
# A shell prompt is "$ " before a command or a path, never before a digit,
# because receipts print amounts as "$ 4.50  Coffee".
_CODE_LINE = re.compile(
    r"^\s*(?:>>>\s|\$\s+(?:[^\W\d]|\.{0,2}/)"
    r"|(?:pip|pip3|npm|yarn|cargo|gem|go)\s+(?:install|add|get)\s"
    r"|import\s+[\w.]+|from\s+[\w.]+\s+import\s|def\s+\w+\s*\(|class\s+\w+\s*[(:{]"
    r"|#include\s*[<\"]|<\?php|(?:const|let|var)\s+\w+\s*=|function\s+\w+\s*\("
    r"|[A-Za-z_][\w.]*\s*=\s*[\w.]+\(.*\)\s*;?\s*$|[A-Za-z_][\w.]*\(.*\)\s*;?\s*$)"
)
# A number next to a currency symbol or code, for amounts without decimals
# such as "Rs 1939" or "EUR 40".
_CURRENCY_AMOUNT = re.compile(
    r"(?:[€$£¥₹]|\b(?:eur|usd|gbp|chf|pln|zł|inr|rs\.?|aud|cad)\b)\s?\d"
    r"|\d\s?(?:[€$£¥₹]|(?:eur|usd|gbp|chf|pln|zł|inr)\b)",
    re.IGNORECASE,
)
# A totals row with a number, or a line ending in at least two numeric cells
# set apart by runs of spaces or tabs ("A4 paper box  40  24  960"), shows
# amounts that carry no currency and no decimals.
_TOTALS_ROW = re.compile(
    r"^\W*(?:grand\s+)?(?:total|amount\s+due|balance\s+due)\b[^\d\n]{0,80}\d",
    re.IGNORECASE,
)
_NUMBER_ROW = re.compile(r"\S(?:(?:\s{2,}|\t)\d[\d.,]*){2,}\s*$")
MIN_NUMBER_ROWS = 2
# A purchase order may list items and quantities but leave the prices to a
# framework agreement. It passes when it names itself, in a language of the
# training set or by a PO number ("PO-7731", "P.O. No."), and at least
# MIN_NUMBER_ROWS rows under a quantity heading end in a whole number and
# an optional unit ("Birch plywood 18 mm   12", "Hinges\t60 pairs").
_ORDER_NAME = re.compile(
    r"(?i:\b(?:purchase\s+order|bon\s+de\s+commande|bestellung|bestellnummer"
    r"|inkooporder|bestelbon|zam[óo]wienie|orden\s+de\s+compra"
    r"|ordine\s+d(?:i\s+|')acquisto)\b)"
    r"|\bP\.?O\.?\s*(?:[Nn]umber|NUMBER|[Nn]o\b|NO\b|#)|\bPO[-\s]?\d"
)
_QUANTITY_HEADING = re.compile(
    r"\b(?:qty|quantity|menge|anzahl|quantité|qté|aantal|ilość|cantidad|quantità)\b",
    re.IGNORECASE,
)
_QUANTITY_ROW = re.compile(
    r"\S(?:[ \t]{2,}|\t)\d{1,6}(?:[ \t][^\W\d_]{1,8}\.?)?[ \t]*$"
)
# Ways an English contract names itself. Every English contract of those two
# sets matches at least once, so the other marks below only decide for
# contracts that never name themselves, such as a lease that only names
# "the Tenant".
# A text that speaks to the reader must write the name as a defined term
# with a capital ("these Terms", "this Agreement"), because a blog post writes
# "before you accept these terms". Every English contract of those two sets
# that speaks to the reader, terms of service above all, writes it so.
# German contracts have their own marks (below).
# NOTE: contracts in other languages are not checked, because their wordings
# ("il presente contratto", "ce contrat") were not measured.
_SELF_REFERENCE = re.compile(
    r"\b(?:this|these|the\s+present)\s+(?:[\w-]+\s+){0,3}?(?P<name>agreements?"
    r"|contracts?|terms|lease|tenancy|licen[cs]e|addendum|amendment|deed|memorandum"
    r"|policy|nda|sow|statement\s+of\s+work|engagement\s+letter)\b"
    r"|\bhere(?:by|to|under|in|of|inafter)\b",
    re.IGNORECASE,
)
# Marks of a binding document other than a self-reference, of which a text
# needs MIN_BINDING_MARKS. A clause is a numbered line that starts with a
# capital ("3. Rent.", "2.1 Migration plan"). A party defined in capitals is
# a role after a lowercase "the" ("the Tenant", "the Disclosing Party"), a
# role before "shall" ("Tenant shall pay") or a quoted name in brackets
# ('("Supplier")'). A signature line is a blank to sign on next to
# "signature", "signed" or "by", or a line of nothing but such blanks.
MIN_CLAUSES = 3
MIN_DEFINED_PARTIES = 2
MIN_BINDING_MARKS = 2
_CLAUSE = re.compile(
    r"^\s*(?i:clause\s+|section\s+|article\s+)?\d{1,2}(?:\.\d{1,2})*\.?\s+[A-Z]"
)
_DEFINED_PARTY = re.compile(
    r"\bthe\s+(?:[A-Z][a-z]+\s+)?(?:Landlord|Tenant|Lessor|Lessee|Licensor|Licensee"
    r"|Supplier|Client|Customer|Contractor|Subcontractor|Consultant|Employer"
    r"|Employee|Buyer|Seller|Purchaser|Vendor|Provider|Borrower|Lender|Guarantor"
    r"|Party|Parties|Owner|Recipient|Insurer|Insured|Policyholder|Distributor"
    r"|Agent|Principal|Company|Member|Partner)\b"
    r"|\b(?:Landlord|Tenant|Lessor|Lessee|Licensor|Licensee|Supplier|Client"
    r"|Customer|Contractor|Consultant|Employer|Employee|Buyer|Seller|Purchaser"
    r"|Vendor|Provider|Borrower|Lender)\s+(?:shall|agrees)\b"
    r"|\(\s*(?:the\s+)?[\"“][A-Z][\w ]{1,30}[\"”]\s*\)"
)
# Categories whose documents do not address their reader. Of 56 resumes in
# those two sets none uses "you" or "your", and no report, paper or minutes
# reaches 1% of its words. A how-to guide passes 5% easily.
IMPERSONAL_CATEGORIES = frozenset(
    {"resume", "report", "scientific_paper", "meeting_minutes"}
)
MIN_SECOND_PERSON_SHARE = 0.02
MIN_SECOND_PERSON = 5
_SECOND_PERSON = re.compile(
    r"\b(?:you|your|yours|yourself|yourselves)\b", re.IGNORECASE
)
# Speech quoted in minutes ("Thank you all for coming") and thanks anywhere
# address someone other than the reader, so they are not counted.
_QUOTED = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”|„[^“”\n]*[“”]")
_THANKS = re.compile(r"\bthank\s+you\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_SIGNATURE_LINE = re.compile(
    r"(?:signature|signed|\bby\b)[^\n]*?(?:_{4,}|\.{6,}|/s/)"
    r"|(?:_{4,}|\.{6,})[^\n]*?(?:signature|signed)"
    r"|^[ \t]*_{6,}(?:[ \t]+_{6,})*[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# Marks of a German contract, from the six German contracts of the training
# set (the evaluation corpus has none). Five name themselves ("Bestandteil
# dieses Vertrages"). The sixth, an employment contract, has § clauses,
# parties named after a dash ("– Arbeitgeber") and signature lines. None of
# the six speaks to the reader ("Sie", "Ihnen", "du"). A capitalized "Sie"
# counts as the formal "you" only after a lowercase word or a comma, because
# at the start of a sentence it may be "sie" (they).
# NOTE: a German text that speaks to the reader is never taken as binding,
# so German terms of service ("Diese Nutzungsbedingungen gelten für Sie") go
# to review. None was at hand to measure.
_SELF_REFERENCE_DE = re.compile(
    r"\b(?:dies(?:e[mnrs]?)|vorliegende[mnrs]?)\s+(?:[\w-]+\s+)??[\w-]*"
    r"(?:vertrag|vertrages|vertrags|verträge|vereinbarung|vereinbarungen"
    r"|nachtrag|nachtrages|nachtrags|\wbedingungen)\b",
    re.IGNORECASE,
)
_CLAUSE_DE = re.compile(r"^[ \t#*]*(?:§|Art\.|Artikel)\s*\d{1,3}\b")
_DEFINED_PARTY_DE = re.compile(
    r"\b(?:nachfolgend|nachstehend|im\s+Folgenden)\s+(?:[\w ]{0,20}\s)?[„\"“»]"
    r"|[–-][ \t]*(?:Vermieter|Mieter|Arbeitgeber|Arbeitnehmer|Auftraggeber"
    r"|Auftragnehmer|Käufer|Verkäufer|Lizenzgeber|Lizenznehmer|Darlehensgeber"
    r"|Darlehensnehmer)(?:in)?[ \t]*$",
    re.MULTILINE,
)
_SIGNATURE_LINE_DE = re.compile(
    r"(?:unterschrift|unterzeichnet)[^\n]*?(?:_{4,}|\.{6,})"
    r"|(?:_{4,}|\.{6,})[^\n]*?unterschrift"
    r"|^[ \t]*_{6,}(?:[ \t]+_{6,})*[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_SECOND_PERSON_DE = re.compile(
    r"(?<=[a-zäöüß,] )(?:Sie|Ihnen|Ihre?[mnrs]?)\b"
    r"|(?i:\b(?:du|dich|dir|dein(?:e[mnrs]?)?|euch|euer|eure[mnrs]?)\b)"
)


class _ContractMarks(NamedTuple):
    """The patterns of one language that show a contract binding its parties."""

    self_reference: re.Pattern[str]
    clause: re.Pattern[str]
    defined_party: re.Pattern[str]
    signature_line: re.Pattern[str]
    second_person: re.Pattern[str]
    # In English a capital marks a defined term ("these Terms" against "these
    # terms"). German capitalizes every noun, so a German text that speaks to
    # the reader needs marks other than a self-reference.
    capitalized_names: bool


_CONTRACT_MARKS = {
    "en": _ContractMarks(
        _SELF_REFERENCE, _CLAUSE, _DEFINED_PARTY, _SIGNATURE_LINE, _SECOND_PERSON, True
    ),
    "de": _ContractMarks(
        _SELF_REFERENCE_DE,
        _CLAUSE_DE,
        _DEFINED_PARTY_DE,
        _SIGNATURE_LINE_DE,
        _SECOND_PERSON_DE,
        False,
    ),
}


def find_about_text(
    best: str, text: str, facts: Sequence[Fact], language: str | None
) -> Evidence | None:
    """Return evidence that ``text`` discusses ``best`` rather than being one.

    ``facts`` are the key facts found for ``best`` and ``language`` the
    detected language of the text. The signs are listed in the module
    docstring.
    """
    from docflow.core.classify._classify import SENT_TO_REVIEW, TRANSACTION_CATEGORIES

    text = text[:_SCAN_CHARS]
    code, lines = count_code_lines(text)
    if (
        code >= MIN_CODE_LINES
        and code >= MIN_CODE_SHARE * lines
        and not is_quoted_code(text)
    ):
        reason = f"source code on {code} of {lines} lines"
    elif (
        best in TRANSACTION_CATEGORIES
        and not _has_amount_or_date(text, facts)
        and not (best == "purchase_order" and is_quantity_order(text))
    ):
        reason = "no amount or date found"
    elif (
        best == "contract"
        and language in _CONTRACT_MARKS
        and not is_binding(text, language)
    ):
        reason = _describe_unbound(text, language)
    elif (
        best in IMPERSONAL_CATEGORIES
        and (addressed := count_second_person(text)) is not None
    ):
        reason = f"'you' or 'your' in {addressed:.0%} of the words"
    else:
        return None
    return Evidence(
        term=f"{reason}, unusual for {best}{SENT_TO_REVIEW}",
        weight=0.0,
        source="rule",
    )


def count_code_lines(text: str) -> tuple[int, int]:
    """Count the source code lines and all non-blank lines of ``text``.

    Fence lines of Markdown code blocks count, but the lines between them only
    when they look like code, because a fenced block may hold a typewritten
    memo.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    code = sum(1 for line in lines if _FENCE.match(line) or _CODE_LINE.match(line))
    return code, len(lines)


def is_quoted_code(text: str) -> bool:
    """Tell whether the code of ``text`` is quoted in a prose document.

    It is when no code line lies outside fenced blocks and the blocks, fence
    lines included, hold under MAX_QUOTED_CODE_SHARE of the non-blank lines.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    fenced = 0
    inside = False
    for line in lines:
        if _FENCE.match(line):
            inside = not inside
            fenced += 1
        elif inside:
            fenced += 1
        elif _CODE_LINE.match(line):
            return False
    return fenced < MAX_QUOTED_CODE_SHARE * len(lines)


def _describe_unbound(text: str, language: str) -> str:
    """Name what a contract of ``language`` lacks, for the evidence."""
    addressed = count_second_person(text, language)
    if language == "de":
        if addressed is None:
            return "no 'dieser Vertrag', defined parties or signature lines"
        return f"'Sie', 'Ihr' or 'du' in {addressed:.0%} of the words"
    if addressed is None:
        return "no 'this agreement', 'hereby', defined parties or signature lines"
    return (
        "no 'this agreement' or 'hereby', and 'you' or 'your' in "
        f"{addressed:.0%} of the words"
    )


def count_second_person(text: str, language: str = "en") -> float | None:
    """Return the share of words of ``text`` that address the reader as "you".

    ``language`` is "en" or "de", which counts "Sie", "Ihr" and "du". Returns
    None when the text addresses the reader fewer than MIN_SECOND_PERSON
    times or in under MIN_SECOND_PERSON_SHARE of its words.
    """
    text = _THANKS.sub(" ", _QUOTED.sub(" ", text))
    addressed = len(_CONTRACT_MARKS[language].second_person.findall(text))
    if addressed < MIN_SECOND_PERSON:
        return None
    share = addressed / max(1, len(_WORD.findall(text)))
    return share if share >= MIN_SECOND_PERSON_SHARE else None


def _has_amount_or_date(text: str, facts: Sequence[Fact]) -> bool:
    if any(
        fact.kind in {"total", "tax", "document_date", "due_date"} for fact in facts
    ):
        return True
    lines = [line for line in text.splitlines() if any(c.isdigit() for c in line)]
    if any(
        _AMOUNT.search(line) or _CURRENCY_AMOUNT.search(line) or _DATE.search(line)
        for line in lines
    ):
        return True
    if any(_TOTALS_ROW.match(line) for line in lines):
        return True
    return sum(1 for line in lines if _NUMBER_ROW.search(line)) >= MIN_NUMBER_ROWS


def is_quantity_order(text: str) -> bool:
    """Tell whether ``text`` is a purchase order that lists only quantities."""
    if not _ORDER_NAME.search(text):
        return False
    heading = _QUANTITY_HEADING.search(text)
    if heading is None:
        return False
    # The first quantity heading may be a word in the prose above the table,
    # whose rows then still follow it.
    rows = text[heading.end() :].splitlines()[1:]
    return sum(1 for row in rows if _QUANTITY_ROW.search(row)) >= MIN_NUMBER_ROWS


def is_binding(text: str, language: str = "en") -> bool:
    """Tell whether ``text`` shows the marks of a contract binding its parties.

    ``language`` is "en" or "de". A reference to itself ("this Lease",
    "hereby") is enough, but an English text that speaks to the reader must
    capitalize the name ("these Terms", not "these terms"), and in a German
    one it does not count. Otherwise two of numbered clauses, parties
    defined in capitals and signature lines are needed, because advice on
    contracts is often a numbered list.
    """
    marks = _CONTRACT_MARKS[language]
    addressed = count_second_person(text, language) is not None
    # A blog post may quote a contract's "This Agreement is made between".
    for match in marks.self_reference.finditer(_QUOTED.sub(" ", text)):
        if not addressed or (marks.capitalized_names and _is_defined_term(match)):
            return True
    if addressed:
        # Tips on what to check in a lease name "the Tenant" under numbered
        # headings too, but speak to the reader as a contract seldom does.
        return False
    lines = text.splitlines()
    found = [
        sum(1 for line in lines if marks.clause.match(line)) >= MIN_CLAUSES,
        len(marks.defined_party.findall(text)) >= MIN_DEFINED_PARTIES,
        marks.signature_line.search(text) is not None,
    ]
    return sum(found) >= MIN_BINDING_MARKS


def _is_defined_term(match: re.Match[str]) -> bool:
    """Tell whether a self-reference is a "here" word or a capitalized name."""
    name = match["name"]
    return name is None or name[0].isupper()
