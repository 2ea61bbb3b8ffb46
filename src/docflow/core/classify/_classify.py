"""Classify one extracted document: model, rules, threshold, evidence, key facts."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from docflow.core.classify._about import find_about_text
from docflow.core.classify._features import LAYOUT_FEATURES, input_from_document
from docflow.core.classify._model import LoadedModel, load_model
from docflow.core.classify._rules import RuleHit, combine_scores, score_rules
from docflow.core.models import (
    CATEGORIES,
    ClassificationMetadata,
    ClassificationResult,
    Evidence,
    ExtractedDocument,
    Fact,
    Page,
    ScoredCategory,
)
from docflow.core.review import UNTRAINED_LANGUAGE

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

    from docflow.core.classify._model import FeatureRows
    from docflow.core.config import ClassificationSettings, Settings

__all__ = [
    "UNKNOWN",
    "abstain_reason",
    "classify_document",
    "find_disagreement",
    "model_languages",
    "poor_fit",
    "untrained_language",
    "trusted_facts",
]

log = logging.getLogger(__name__)

UNKNOWN = "unknown"
_MAX_TERMS = 8
_MAX_LAYOUT = 3
_MAX_RUNNERS_UP = 4
# Function words, which add to a category's score without telling a reader
# why. A model term is listed only when one of its words is not one of these
# and has three letters or more. The model maps digits to 0, so a run of
# zeros in a term is shown as <number>.
_FUNCTION_WORDS = frozenset(
    """
    the and for that this with from are was were been being has have had not but
    which they their them its our ours your yours you she her his him who whom
    what when where why how all any each more most other some such nor only own
    same than too very just also into over under about after before between
    through during then once here there these those does did doing would could
    should may might must can will shall out off again further both few until
    against upon per via les des une est que qui dans pour par sur aux ces
    der die das und mit von für den dem ein eine ist auf sich nicht del los las
    por con para una het een van voor zijn niet che per gli della dei
    wird wurde werden zur zum sie ich wir ihr ihre ihnen sind wie einer einem
    eines bei nach aus auch oder haben hat ont sera sont vos nous vous votre
    notre leur avec mais comme cette sus nos como más este esta ser han sono
    delle nel nella alla anche come questo sua suo aan wordt ons met ook als
    bij dit deze się nie jest oraz dla przez jak
    """.split()
)
_ZEROS = re.compile(r"\b0+\b")
# A word of letters and folded digits together.
_MIXED = re.compile(r"(?=\w*0)(?=\w*[^\W\d_])\w+")
# Matched keywords or patterns of a rival category named in disagreement evidence.
_MAX_RIVAL_TERMS = 3
# NOTE: module constants, not settings, until classification gains abstention
# options in core/config.py. Below eight words or forty letters of readable
# text the model is guessing from a handful of tokens, so it abstains.
MIN_WORDS = 8
MIN_LETTERS = 40
# Highest confidence reported when the classifier abstains for lack of text.
ABSTAIN_CONFIDENCE = 0.2
TOO_LITTLE_TEXT = "too little text"
# Ending of the evidence term that explains why rules or facts sent a guess to review.
SENT_TO_REVIEW = ": sent to review"
MOSTLY_GARBAGE = "mostly garbage text"
# Categories whose documents state a total with its tax or due date. Those
# facts on a document of any other category point to a misreading, for
# example an invoice written as a letter.
TRANSACTION_CATEGORIES = frozenset(
    {"invoice", "receipt", "purchase_order", "bank_statement"}
)
# Rule weight that counts as a strong opinion: half of RULE_SATURATION, so two
# strong keywords or patterns. The rules must also lead the best guess's own
# rule score by DISAGREEMENT_MARGIN.
DISAGREEMENT_RULE_SCORE = 1.5
DISAGREEMENT_MARGIN = 1.0
# Highest confidence when the rules or key facts disagree with the best guess.
# In a cross-validation on the training corpus that held out whole templates
# (bench/template_cv.py), the best guess was right for 1 of 32 such documents.
DISAGREEMENT_CONFIDENCE = 0.2
_WORD = re.compile(r"[^\W\d_]{2,}")


def classify_document(
    document: ExtractedDocument, settings: Settings, *, max_chars: int | None = None
) -> ClassificationResult:
    """Classify ``document`` and explain the decision.

    The model and the rules read the first ``max_chars`` characters of the
    text (``classification.max_chars`` when None); key facts come from every
    page read.

    The category is ``unknown`` when the confidence is below
    ``classification.confidence_threshold``, or when the readable text is too
    short or mostly garbage (see ``abstain_reason``). The best guess then
    leads the runners-up, and in the second case no key facts are returned
    and ``processing_method`` is ``rules``. Blank text lists no runners-up.
    When the text is in a language the model was not trained on (see
    ``untrained_language``), the rules or the key facts point to another
    category (see ``find_disagreement``), the document fits no category (see
    ``poor_fit``), or the text is about the category rather than a document
    of it (see ``find_about_text``), the confidence drops to
    ``DISAGREEMENT_CONFIDENCE``.
    """
    from docflow.core.facts import extract_facts

    options = settings.classification
    model = load_model(settings)
    item = input_from_document(document, max_chars or options.max_chars)

    matrix = model.transform([item])
    raw_scores, probabilities = model.scores_and_probabilities(matrix)
    probabilities = probabilities[0]
    model_scores = dict(
        zip(model.classes, (float(p) for p in probabilities), strict=True)
    )
    rule_scores, hits = score_rules(item.text, options.rules)
    scores = combine_scores(model_scores, rule_scores, options.rule_weight)

    ranked = sorted(scores.items(), key=lambda pair: pair[1], reverse=True)
    best, confidence = ranked[0]
    # The best guess is listed with its calibrated confidence, the runners-up
    # with their mixed scores.
    confidence = model.calibrate(confidence)
    ranked[0] = (best, confidence)
    if not item.text.strip():
        confidence = 0.0
    abstained = abstain_reason(document)
    reason = abstained
    facts = trusted_facts(document, extract_facts(document, best), reason)
    conflict = None
    if reason is not None:
        confidence = min(confidence, ABSTAIN_CONFIDENCE)
    else:
        conflict = untrained_language(document.language, model) or (
            find_disagreement(best, rule_scores, facts, hits)
        )
    if conflict is None and reason is None and raw_scores is not None:
        conflict = poor_fit(raw_scores[0], best, rule_scores, options)
    if conflict is None and reason is None:
        conflict = find_about_text(best, item.text, facts, document.language)
    if conflict is not None:
        confidence = min(confidence, DISAGREEMENT_CONFIDENCE)
    accepted = reason is None and confidence >= options.confidence_threshold
    category = best if accepted else UNKNOWN
    if reason is None and conflict is None and not accepted:
        reason = (
            f"confidence {confidence:.2f} under "
            f"classification.confidence_threshold {options.confidence_threshold:g}"
        )
    method = _decision_method(model_scores, rule_scores, best, abstained)
    runners_up = ranked[1:] if category != UNKNOWN else ranked
    if not item.text.strip():
        # Scores of blank text come from the model's bias alone.
        runners_up = []
    evidence = _model_evidence(model, matrix, best) + _rule_evidence(hits, best)
    if reason is not None:
        evidence.insert(0, Evidence(term=reason, weight=0.0, source="rule"))
    if conflict is not None:
        evidence.insert(0, conflict)
    log.debug("%s: %s (%.3f, %s)", document.path, category, confidence, method)

    return ClassificationResult(
        category=category,
        confidence=round(min(max(confidence, 0.0), 1.0), 4),
        keywords=[item.term for item in evidence if item.source == "model"],
        evidence=evidence,
        processing_method=method,
        facts=facts,
        metadata=ClassificationMetadata(
            model_version=model.version,
            model_sha256=model.sha256,
            runners_up=[
                ScoredCategory(category=name, score=round(score, 4))
                for name, score in runners_up[:_MAX_RUNNERS_UP]
            ],
            pages=len(document.pages),
            language=document.language,
            extraction=item.extraction,
            chars_used=len(item.text),
        ),
    )


def abstain_reason(document: ExtractedDocument) -> str | None:
    """Return why the text cannot support a judgement, or None when it can.

    Pages flagged ``garbage_text`` do not count as readable. The classifier
    abstains when the readable text has fewer than ``MIN_WORDS`` words or
    ``MIN_LETTERS`` letters, or when garbage pages hold most of the letters.
    """
    if not any("garbage_text" in page.flags for page in document.pages):
        return None if _enough_text(document.pages) else TOO_LITTLE_TEXT
    readable = garbage = 0
    words = 0
    for page in document.pages:
        letters = sum(map(str.isalpha, page.text))
        if "garbage_text" in page.flags:
            garbage += letters
        else:
            readable += letters
            words += len(_WORD.findall(page.text))
    if garbage > readable:
        return MOSTLY_GARBAGE
    if words < MIN_WORDS or readable < MIN_LETTERS:
        return TOO_LITTLE_TEXT
    return None


def _enough_text(pages: list[Page]) -> bool:
    """Tell whether ``pages`` hold ``MIN_WORDS`` words and ``MIN_LETTERS`` letters.

    Counting stops as soon as both are reached, so a long document costs
    no more than a short one.
    """
    letters = words = 0
    for page in pages:
        for start in range(0, len(page.text), 1000):
            if letters >= MIN_LETTERS:
                break
            letters += sum(map(str.isalpha, page.text[start : start + 1000]))
        if words < MIN_WORDS:
            for _ in _WORD.finditer(page.text):
                words += 1
                if words >= MIN_WORDS:
                    break
        if letters >= MIN_LETTERS and words >= MIN_WORDS:
            return True
    return False


def trusted_facts(
    document: ExtractedDocument, facts: list[Fact], reason: str | None
) -> list[Fact]:
    """Drop the facts that come from text too poor to trust.

    When the classifier abstains for lack of readable text (``reason`` is set),
    no fact is kept, because a date or amount read from a few OCR fragments
    is as likely wrong as right. Otherwise facts found on pages flagged
    ``garbage_text`` are dropped.
    """
    if reason is not None:
        return []
    garbage = {page.number for page in document.pages if "garbage_text" in page.flags}
    return [fact for fact in facts if fact.page not in garbage]


def is_capped(
    document: ExtractedDocument,
    best: str,
    rule_scores: dict[str, float],
    hits: Sequence[RuleHit],
    raw_scores: Sequence[float] | None = None,
    options: ClassificationSettings | None = None,
) -> bool:
    """Tell whether ``classify_document`` would cap the confidence of ``best``.

    It runs the same checks: abstention for poor text, rules or key facts
    that disagree with the best guess, and a text about the best guess
    rather than one of its documents. Given the model's ``raw_scores`` and
    the ``options``, it also checks for a document that fits no category.
    """
    from docflow.core.facts import extract_facts

    if abstain_reason(document) is not None:
        return True
    facts = trusted_facts(document, extract_facts(document, best), None)
    if find_disagreement(best, rule_scores, facts, hits) is not None:
        return True
    if find_about_text(best, document.text, facts, document.language) is not None:
        return True
    if raw_scores is None or options is None:
        return False
    return poor_fit(raw_scores, best, rule_scores, options) is not None


def find_disagreement(
    best: str,
    rule_scores: dict[str, float],
    facts: list[Fact],
    hits: Sequence[RuleHit] = (),
) -> Evidence | None:
    """Return evidence that the rules or key facts point away from ``best``.

    Two signals count. The rules disagree when another category's rule score
    reaches ``DISAGREEMENT_RULE_SCORE`` and leads the score of ``best`` by
    ``DISAGREEMENT_MARGIN``. The key facts disagree when a total and a tax
    amount or due date were found but ``best`` is a shipped category other
    than the ``TRANSACTION_CATEGORIES``. The evidence weight is the rival's rule score,
    or 0 for the facts signal. The rival's strongest matches among ``hits``
    are named in the evidence term.
    """
    positive = {name: score for name, score in rule_scores.items() if score > 0}
    if positive:
        rival = max(positive, key=positive.__getitem__)
        lead = positive[rival] - max(rule_scores.get(best, 0.0), 0.0)
        if (
            rival != best
            and positive[rival] >= DISAGREEMENT_RULE_SCORE
            and lead >= DISAGREEMENT_MARGIN
        ):
            matched = [hit for hit in hits if hit.category == rival]
            matched.sort(key=lambda hit: hit.weight, reverse=True)
            named = ", ".join(repr(hit.term) for hit in matched[:_MAX_RIVAL_TERMS])
            because = f" ({named})" if named else ""
            return Evidence(
                term=f"rules point to {rival}{because}, not {best}{SENT_TO_REVIEW}",
                weight=round(positive[rival], 4),
                source="rule",
            )
    kinds = {fact.kind for fact in facts}
    # A category a user added (by rules or by training) may well state a total
    # and a tax, as a tax return or a payslip does, so only shipped ones count.
    if best in CATEGORIES and best not in TRANSACTION_CATEGORIES and "total" in kinds:
        found = sorted(kinds & {"tax", "due_date"})
        if found:
            named = " and ".join(["total", *found])
            return Evidence(
                term=f"{named} found, unusual for {best}{SENT_TO_REVIEW}",
                weight=0.0,
                source="rule",
            )
    return None


def model_languages(model: LoadedModel) -> list[str]:
    """Return the languages ``model`` classifies. Text in others becomes unknown.

    Models trained before ``model.json`` had ``languages`` were trained on
    the languages of ``FREQUENT_WORDS``.
    """
    trained = model.metadata.get("languages")
    if trained:
        return list(trained)
    from docflow.core._wordlists import FREQUENT_WORDS

    return list(FREQUENT_WORDS)


def untrained_language(language: str | None, model: LoadedModel) -> Evidence | None:
    """Return evidence that the text's language is one the model never saw.

    The model's ``model.json`` lists the languages of its training documents
    (``languages``). Models trained before that field existed were trained
    on the languages of ``FREQUENT_WORDS``, all in Latin script. Text in
    another script, Chinese for example, gets confident but arbitrary
    scores from the layout features alone.
    """
    if language is None:
        return None
    trained = model_languages(model)
    if language in trained:
        return None
    return Evidence(
        term=f"{UNTRAINED_LANGUAGE}{language}, a language the model was not "
        f"trained on ({', '.join(trained)}){SENT_TO_REVIEW}",
        weight=0.0,
        source="rule",
    )


def poor_fit(
    raw_scores: Sequence[float],
    best: str,
    rule_scores: dict[str, float],
    options: ClassificationSettings,
) -> Evidence | None:
    """Return evidence that the document fits none of the categories, or None.

    ``raw_scores`` are the linear model's scores before the softmax. The
    softmax keeps only their differences, so a novel that every category
    rejects still got ``contract`` at 0.95 from a small lead. It fits no
    category when the best score is under ``classification.min_fit_score``,
    leads the next by less than ``classification.min_fit_lead``, and no rule
    of ``best`` fired. Real documents with a weak score usually have the
    lead or a rule (docs/accuracy.md measures both kinds).
    """
    if len(raw_scores) < 2 or rule_scores.get(best, 0.0) > 0:
        return None
    first, second = sorted(map(float, raw_scores), reverse=True)[:2]
    lead = first - second
    if first >= options.min_fit_score or lead >= options.min_fit_lead:
        return None
    return Evidence(
        term=f"fits no category well (model score {first:.2f}, lead {lead:.2f}, "
        f"no {best} rule matched){SENT_TO_REVIEW}",
        weight=0.0,
        source="rule",
    )


def _decision_method(
    model_scores: dict[str, float],
    rule_scores: dict[str, float],
    best: str,
    abstained: str | None = None,
) -> str:
    """Name what decided: the model alone, the rules overriding it, or both agreeing.

    Both agree when the model's top category is ``best`` and rules for
    ``best`` matched, even if another category's rules scored higher. When
    the text is too short or mostly garbage (``abstained`` is the reason
    from ``abstain_reason``), that rule decided and the model's guess did not
    count.
    """
    if abstained is not None:
        return "rules"
    model_best = max(model_scores, key=model_scores.__getitem__)
    if model_best != best:
        return "rules"
    if rule_scores.get(best, 0.0) > 0:
        return "model+rules"
    return "model"


def _model_evidence(
    model: LoadedModel, matrix: FeatureRows | csr_matrix, category: str
) -> list[Evidence]:
    """Return the strongest word and layout features for ``category``.

    A feature's weight is its value in this document times the model's
    coefficient for the category, so it is what the feature added to the
    category's score. Character n-grams also count but are not listed
    because fragments such as ``nvoi`` explain nothing to a reader.
    """
    weights = model.class_weights(category)
    if weights is None:
        return []
    row = matrix.getrow(0)
    word_count = model.word_count
    layout_start = matrix.shape[1] - len(LAYOUT_FEATURES)
    # Only word and layout columns are listed, so only they are ranked.
    shown = (row.indices < word_count) | (row.indices >= layout_start)
    columns = row.indices[shown]
    contributions = row.data[shown] * weights[columns]
    names = model.word_names()

    words: list[Evidence] = []
    layout: list[Evidence] = []
    for position in contributions.argsort()[::-1]:
        value = float(contributions[position])
        if value <= 0:
            break
        column = int(columns[position])
        if column < word_count and len(words) < _MAX_TERMS:
            term = readable_term(str(names[column]))
            # "00 layoff" and "000 layoff" both read "<number> layoff".
            if term is not None and all(item.term != term for item in words):
                words.append(
                    Evidence(term=term, weight=round(value, 4), source="model")
                )
        elif column >= layout_start and len(layout) < _MAX_LAYOUT:
            name = LAYOUT_FEATURES[column - layout_start]
            layout.append(Evidence(term=name, weight=round(value, 4), source="layout"))
        if len(words) == _MAX_TERMS and len(layout) == _MAX_LAYOUT:
            break
    return words + layout


def readable_term(term: str) -> str | None:
    """Return a model term as evidence shows it, or None when it explains nothing.

    A term of only function words or fragments ("is", "an", "mi"), or with a
    word that mixes letters and digits ("00w"), is None.
    Runs of zeros, which stand for any digits, become ``<number>``.
    """
    words = term.split()
    if any(_MIXED.fullmatch(word) for word in words):
        # "00w" was "60W" and "ch00" a code: the digits cannot be shown.
        return None
    if not any(
        len(word) >= 3 and word.isalpha() and word not in _FUNCTION_WORDS
        for word in words
    ):
        return None
    return _ZEROS.sub("<number>", term)


def _rule_evidence(hits: list[RuleHit], category: str) -> list[Evidence]:
    return [
        Evidence(term=hit.term, weight=hit.weight, source="rule")
        for hit in sorted(hits, key=lambda hit: hit.weight, reverse=True)
        if hit.category == category
    ]
