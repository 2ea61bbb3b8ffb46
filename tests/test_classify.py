"""The classifier with the shipped model: decisions, rules, evidence and limits."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from docflow.core.classify import (
    classify_document,
    list_categories,
    model_version,
)
from docflow.core.classify._classify import (
    ABSTAIN_CONFIDENCE,
    MOSTLY_GARBAGE,
    TOO_LITTLE_TEXT,
    readable_term,
)
from docflow.core.classify._model import SHIPPED_MODEL_DIR, load_model
from docflow.core.config import Settings
from docflow.core.models import CATEGORIES, Evidence, ExtractedDocument, Page
from docflow.errors import ConfigError, ModelError

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
LABELED = CORPUS / "labeled"
SAMPLE_DOCS = Path(__file__).resolve().parents[1] / "sample_docs"

needs_corpus = pytest.mark.skipif(
    not LABELED.is_dir(), reason=f"evaluation corpus not found at {LABELED}"
)


def _settings(tmp_path: Path, **classification: object) -> Settings:
    # Without rules unless a test gives some, so the model is what is tested.
    classification.setdefault("rules", {})
    return Settings.model_validate(
        {
            "store": {"cache_dir": str(tmp_path / "cache")},
            "classification": classification,
        }
    )


def _extract(relative: str, settings: Settings) -> ExtractedDocument:
    from docflow.core.pipeline import extract_cached, hash_file

    path = LABELED / relative
    content_hash, _ = hash_file(path)
    return extract_cached(str(path), content_hash, settings)


def _text_document(text: str) -> ExtractedDocument:
    return ExtractedDocument(
        path="inline.txt",
        detected_type="text",
        pages=[Page(number=1, method="native", chars=len(text), text=text)],
    )


@needs_corpus
@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("invoice/i2d__ENVATO.pdf", "invoice"),
        ("invoice/i2d__free_fiber.pdf", "invoice"),
        ("invoice/i2d__Orlen.txt", "invoice"),
        ("resume/soupb__sample_resume.txt", "resume"),
        ("contract/ghpol__github-event-terms.md", "contract"),
        ("email/unst__family-day.eml", "email"),
        ("scientific_paper/unst__multi-column-2p.pdf", "scientific_paper"),
        ("meeting_minutes/nodetsc__2024-04-24.md", "meeting_minutes"),
    ],
)
def test_classify_real_documents(tmp_path: Path, relative: str, expected: str) -> None:
    settings = _settings(tmp_path)
    result = classify_document(_extract(relative, settings), settings)
    assert result.category == expected
    assert result.confidence >= settings.classification.confidence_threshold


@needs_corpus
def test_result_explains_decision(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    document = _extract("invoice/i2d__ENVATO.pdf", settings)
    result = classify_document(document, settings)

    assert result.keywords
    assert result.keywords == [e.term for e in result.evidence if e.source == "model"]
    assert all(item.weight > 0 for item in result.evidence if item.source == "model")
    assert len(set(result.keywords)) == len(result.keywords)
    assert all(readable_term(term) == term for term in result.keywords)
    assert any(item.source == "layout" for item in result.evidence)
    assert result.metadata.model_version == model_version(settings)
    assert result.metadata.pages == 1
    assert result.metadata.extraction == ["text_layer"]
    assert result.metadata.chars_used == len(document.text)
    assert result.metadata.language == document.language
    assert len(result.metadata.runners_up) >= 3
    assert result.category not in [r.category for r in result.metadata.runners_up]
    assert {fact.kind for fact in result.facts} >= {"document_date", "total", "sender"}


def test_evidence_json_names_weight_scale(tmp_path: Path) -> None:
    settings = _settings(tmp_path, rules={"memo": {"keywords": {"memorandum": 1.5}}})
    text = (SAMPLE_DOCS / "memo_office_closure.txt").read_text(encoding="utf-8")
    result = classify_document(_text_document(text), settings)

    scales = {item["source"]: item["scale"] for item in result.model_dump()["evidence"]}
    assert scales["model"] == "model_score"
    assert scales["layout"] == "model_score"
    assert scales["rule"] == "rule_weight"


@needs_corpus
def test_max_chars_limits_text_read(tmp_path: Path) -> None:
    settings = _settings(tmp_path, max_chars=1000)
    document = _extract(
        "contract/ghpol__github-corporate-terms-of-service.md", settings
    )
    result = classify_document(document, settings)
    assert len(document.text) > 1000
    assert result.metadata.chars_used == 1000


@needs_corpus
def test_below_threshold_is_unknown(tmp_path: Path) -> None:
    accepting = _settings(tmp_path, confidence_threshold=0.0)
    strict = _settings(tmp_path, confidence_threshold=1.0)
    document = _extract("letter/unst__fake-memo.pdf", accepting)

    best = classify_document(document, accepting)
    abstained = classify_document(document, strict)

    assert abstained.category == "unknown"
    assert abstained.confidence == best.confidence
    assert abstained.metadata.runners_up[0].category == best.category


def test_empty_text_is_unknown(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    result = classify_document(_text_document("   \n"), settings)
    assert result.category == "unknown"
    assert result.confidence == 0.0


def test_blank_text_lists_no_runners_up(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    result = classify_document(_text_document(" \n\t"), settings)

    assert result.metadata.runners_up == []
    assert result.processing_method == "rules"


def test_too_little_text_decided_by_rule(tmp_path: Path) -> None:
    settings = _settings(tmp_path, confidence_threshold=0.0)
    result = classify_document(_text_document("Phone"), settings)
    assert result.processing_method == "rules"


def test_too_little_text_abstains(tmp_path: Path) -> None:
    settings = _settings(tmp_path, confidence_threshold=0.0)
    result = classify_document(_text_document("Phone"), settings)

    assert result.category == "unknown"
    assert result.confidence <= ABSTAIN_CONFIDENCE
    assert result.evidence[0] == Evidence(
        term=TOO_LITTLE_TEXT, weight=0.0, source="rule"
    )
    assert result.metadata.runners_up[0].category in CATEGORIES


def test_mostly_garbage_text_abstains(tmp_path: Path) -> None:
    settings = _settings(tmp_path, confidence_threshold=0.0)
    garbage = "POS RMAD , SEMA EK . MHI A, POM RWSRSA MSD, FR, TSHR, AR " * 3
    document = ExtractedDocument(
        path="scan.jpeg",
        detected_type="image",
        pages=[
            Page(number=1, method="ocr", text="Receipt total 12.00", chars=19),
            Page(number=2, method="ocr", text=garbage, flags=["garbage_text"]),
        ],
    )

    result = classify_document(document, settings)

    assert result.category == "unknown"
    assert result.confidence <= ABSTAIN_CONFIDENCE
    assert result.evidence[0].term == MOSTLY_GARBAGE


def test_readable_text_beside_a_garbage_page_is_classified(tmp_path: Path) -> None:
    settings = _settings(tmp_path, confidence_threshold=0.0)
    text = (
        "INVOICE\nInvoice number: 2024-118\nInvoice date: 2024-03-01\n"
        "Bill to: Northwind Traders\nConsulting services 10 h x 95.00 EUR\n"
        "Subtotal 950.00 EUR\nVAT 21% 199.50 EUR\nTotal due 1,149.50 EUR\n"
    )
    document = ExtractedDocument(
        path="scan.pdf",
        detected_type="pdf",
        pages=[
            Page(number=1, method="text_layer", text=text, chars=len(text)),
            Page(number=2, method="ocr", text="~~ ;; ll", flags=["garbage_text"]),
        ],
    )

    result = classify_document(document, settings)

    assert result.category == "invoice"
    assert all(e.term not in (TOO_LITTLE_TEXT, MOSTLY_GARBAGE) for e in result.evidence)


@pytest.mark.skipif(
    not (CORPUS / "edge" / "ocrmy__truetype_font_nomapping.pdf").is_file(),
    reason="edge corpus not found",
)
def test_five_character_pdf_is_unknown(tmp_path: Path) -> None:
    from docflow.core.pipeline import extract_cached, hash_file

    settings = _settings(tmp_path)
    path = CORPUS / "edge" / "ocrmy__truetype_font_nomapping.pdf"
    content_hash, _ = hash_file(path)
    document = extract_cached(str(path), content_hash, settings)

    result = classify_document(document, settings)

    assert result.category == "unknown"
    assert result.confidence <= ABSTAIN_CONFIDENCE


def test_rules_can_add_a_category(tmp_path: Path) -> None:
    rules = {"tax_return": {"patterns": {r"^\s*form\s+1040\b": 3.0}}}
    settings = _settings(tmp_path, rules=rules, rule_weight=1.0)
    document = _text_document(
        "Form 1040 U.S. Individual Income Tax Return\n"
        "Filing status: single. Your first name and middle initial, last name.\n"
    )

    result = classify_document(document, settings)

    assert result.category == "tax_return"
    assert result.processing_method == "rules"
    rule_evidence = [e for e in result.evidence if e.source == "rule"]
    assert [e.term for e in rule_evidence] == ["Form 1040"]
    assert rule_evidence[0].weight == 3.0


def test_rules_agreeing_with_model(tmp_path: Path) -> None:
    text = (
        "INVOICE\nInvoice number: 2024-118\nInvoice date: 2024-03-01\n"
        "Bill to: Northwind Traders\nConsulting services 10 h x 95.00 EUR\n"
        "Subtotal 950.00 EUR\nVAT 21% 199.50 EUR\nTotal due 1,149.50 EUR\n"
    )
    plain = classify_document(_text_document(text), _settings(tmp_path))
    rules = {"invoice": {"keywords": {"invoice number": 1.0, "bill to": 1.0}}}
    with_rules = classify_document(
        _text_document(text), _settings(tmp_path, rules=rules)
    )

    assert plain.category == "invoice"
    assert plain.processing_method == "model"
    assert with_rules.processing_method == "model+rules"
    assert with_rules.confidence >= plain.confidence
    rule_terms = {e.term for e in with_rules.evidence if e.source == "rule"}
    assert rule_terms == {"invoice number", "bill to"}


def test_negative_rule_lowers_score(tmp_path: Path) -> None:
    text = "Dear Ms. Jones,\nThank you for your letter.\nYours sincerely,\nAnn Lee\n"
    plain = classify_document(_text_document(text), _settings(tmp_path))
    rules = {plain.category: {"keywords": {"sincerely": -3.0}}}
    penalised = classify_document(
        _text_document(text), _settings(tmp_path, rules=rules)
    )
    assert penalised.confidence <= plain.confidence


def test_invalid_rule_pattern_raises(tmp_path: Path) -> None:
    settings = _settings(tmp_path, rules={"invoice": {"patterns": {"([unclosed": 1.0}}})
    with pytest.raises(ConfigError, match=r"classification\.rules\.invoice"):
        classify_document(_text_document("some text"), settings)


def test_missing_model_raises(tmp_path: Path) -> None:
    settings = _settings(tmp_path, model_path=str(tmp_path / "absent"))
    with pytest.raises(ModelError, match="model folder .* does not exist"):
        classify_document(_text_document("some text"), settings)
    with pytest.raises(ModelError, match="model folder .* does not exist"):
        model_version(settings)


def test_file_as_model_folder_named(tmp_path: Path) -> None:
    document = tmp_path / "scan.pdf"
    document.write_bytes(b"%PDF-1.4\n")
    settings = _settings(tmp_path, model_path=str(document))
    with pytest.raises(ModelError, match="is a file, not a model folder"):
        model_version(settings)


def test_model_loaded_once_per_path(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    by_default = load_model(settings)
    by_path = load_model(_settings(tmp_path, model_path=str(SHIPPED_MODEL_DIR)))
    by_file = load_model(
        _settings(tmp_path, model_path=str(SHIPPED_MODEL_DIR / "model.joblib"))
    )
    assert by_default is by_path
    assert by_default is by_file


def test_model_version_skips_sklearn() -> None:
    code = (
        "import sys\n"
        "from docflow.core.classify import model_version\n"
        "from docflow.core.config import Settings\n"
        "print(model_version(Settings()))\n"
        "assert 'sklearn' not in sys.modules, 'sklearn imported'\n"
        "assert 'joblib' not in sys.modules, 'joblib imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == model_version(Settings())


def test_classifying_skips_sklearn(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from docflow.core.classify import classify_document\n"
        "from docflow.core.config import Settings\n"
        "from docflow.core.models import ExtractedDocument, Page\n"
        "text = 'INVOICE\\nInvoice number: 2026-042\\nBill to: Acme Ltd\\n'\n"
        "text += 'Consulting  10 h  1,200.00 EUR\\nVAT 20%  240.00 EUR\\n'\n"
        "text += 'Total due  1,440.00 EUR\\nPayment due within 30 days.'\n"
        "page = Page(number=1, method='native', chars=len(text), text=text)\n"
        "document = ExtractedDocument(\n"
        "    path='a.txt', detected_type='text', pages=[page]\n"
        ")\n"
        "settings = Settings.model_validate(\n"
        f"    {{'store': {{'cache_dir': {str(tmp_path)!r}}}}}\n"
        ")\n"
        "result = classify_document(document, settings)\n"
        "print(result.category)\n"
        "assert 'sklearn' not in sys.modules, 'sklearn imported'\n"
        "assert 'joblib' not in sys.modules, 'joblib imported'\n"
        "assert 'scipy' not in sys.modules, 'scipy imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "invoice"


def test_saved_model_scores_like_its_parts(tmp_path: Path) -> None:
    from docflow.core.classify._features import input_from_text
    from docflow.core.classify._model import (
        _load_from_disk,
        build_matrix,
        predict_proba,
        read_metadata,
        save_model,
    )

    parts = load_model(_settings(tmp_path)).parts
    save_model(parts, read_metadata(SHIPPED_MODEL_DIR), tmp_path / "copy")
    copy = _load_from_disk(tmp_path / "copy")
    # model.json records the new file, not the one of the metadata passed in.
    data = (tmp_path / "copy" / "model.joblib").read_bytes()
    recorded = read_metadata(tmp_path / "copy")["model_file"]
    assert recorded == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    assert copy.sha256 == recorded["sha256"]
    items = [
        input_from_text(text, 20_000)
        for text in ("Dear Ms Smith, thank you for your letter.", "Total 12.50 EUR")
    ]
    expected = predict_proba(parts, build_matrix(parts, items))
    assert copy.scorer is not None
    assert abs(copy.probabilities(copy.transform(items)) - expected).max() < 1e-9
    assert copy.classes == [str(name) for name in parts["classifier"].classes_]
    # The parts come back whole, sharing the arrays that the scorer uses.
    restored = copy.parts
    assert restored["word"].vocabulary_ == parts["word"].vocabulary_
    assert (restored["classifier"].coef_ == parts["classifier"].coef_).all()
    assert (restored["char"].idf_ == parts["char"].idf_).all()


def test_model_saved_by_joblib_alone_still_loads(tmp_path: Path) -> None:
    """A model file in a layout other than save_model's goes to joblib.load."""
    import joblib

    from docflow.core.classify._checksum import FILE_FIELD
    from docflow.core.classify._model import (
        METADATA_FILE,
        MODEL_FILE,
        _load_from_disk,
    )

    parts = load_model(_settings(tmp_path)).parts
    folder = tmp_path / "older"
    folder.mkdir()
    # Before MODEL_FORMAT, docflow stored the scikit-learn parts themselves,
    # and model.json recorded no checksum of the file.
    joblib.dump(parts, folder / MODEL_FILE, compress=("zlib", 3))
    metadata = json.loads((SHIPPED_MODEL_DIR / METADATA_FILE).read_text())
    del metadata[FILE_FIELD]
    (folder / METADATA_FILE).write_text(json.dumps(metadata))
    older = _load_from_disk(folder)
    assert older.classes == [str(name) for name in parts["classifier"].classes_]


def test_shipped_model_description() -> None:
    metadata = json.loads((SHIPPED_MODEL_DIR / "model.json").read_text())
    assert set(metadata["categories"]) <= set(CATEGORIES)
    assert len(metadata["categories"]) >= 12
    assert metadata["version"].count("+") == 1
    assert len(metadata["data_sha256"]) == 64
    assert metadata["metrics"]["heldout"]["macro_f1"] > 0.8
    assert (SHIPPED_MODEL_DIR / "model.joblib").stat().st_size < 20 * 1024 * 1024
    data = (SHIPPED_MODEL_DIR / "model.joblib").read_bytes()
    assert metadata["model_file"]["size"] == len(data)
    assert metadata["model_file"]["sha256"] == hashlib.sha256(data).hexdigest()


def test_list_categories_counts_rules(tmp_path: Path) -> None:
    rules = {
        "invoice": {"keywords": {"invoice": 1.0, "facture": 1.0}, "patterns": {"x": 1}},
        "tax_return": {"keywords": {"form 1040": 2.0}},
    }
    categories = {c.name: c for c in list_categories(_settings(tmp_path, rules=rules))}

    assert categories["invoice"].in_model
    assert categories["invoice"].keyword_rules == 2
    assert categories["invoice"].pattern_rules == 1
    assert categories["invoice"].description
    assert categories["invoice"].training_documents
    assert not categories["tax_return"].in_model
    assert categories["tax_return"].keyword_rules == 1
    assert list(categories)[-1] == "tax_return"


def test_abstaining_for_garbage_drops_facts(tmp_path: Path) -> None:
    settings = _settings(tmp_path, confidence_threshold=0.0)
    garbage = "Tota1 12.00 EUR Date 01.02.2024 VAT 2.00 " + "RMAD ; SEMA EK " * 20
    document = ExtractedDocument(
        path="scan.jpeg",
        detected_type="image",
        pages=[
            Page(number=1, method="ocr", text="Receipt", chars=7),
            Page(number=2, method="ocr", text=garbage, flags=["garbage_text"]),
        ],
    )

    result = classify_document(document, settings)

    assert result.category == "unknown"
    assert result.facts == []


def test_too_little_text_drops_facts(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    result = classify_document(_text_document("Total 12.00 EUR"), settings)
    assert result.evidence[0].term == TOO_LITTLE_TEXT
    assert result.facts == []


def test_facts_on_garbage_page_are_dropped(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    text = (
        "INVOICE\nInvoice number: 2024-118\nInvoice date: 2024-03-01\n"
        "Bill to: Northwind Traders\nConsulting services 10 h x 95.00 EUR\n"
        "Subtotal 950.00 EUR\nTotal due 1,149.50 EUR\n"
    )
    document = ExtractedDocument(
        path="scan.pdf",
        detected_type="pdf",
        pages=[
            Page(number=1, method="text_layer", text=text, chars=len(text)),
            Page(
                number=2,
                method="ocr",
                text="VAT 21% 199.50 EUR\n~~ ;; ll",
                flags=["garbage_text"],
            ),
        ],
    )

    result = classify_document(document, settings)
    pages = {fact.kind: fact.page for fact in result.facts}

    assert pages.get("total") == 1
    assert "tax" not in pages


def test_ocr_share_ignores_unread_pages() -> None:
    from docflow.core.classify._features import input_from_document

    scanned = [
        Page(number=number, method="ocr", text="Page text " * 20, chars=200)
        for number in (1, 2)
    ]
    unread = [
        Page(number=number, method="none", flags=["not_read"]) for number in (3, 4)
    ]
    document = ExtractedDocument(
        path="scan.pdf", detected_type="pdf", pages=scanned + unread
    )

    item = input_from_document(document, 20_000)

    assert item.ocr_share == 1.0
    assert item.pages == 4


def _reference_matrix(parts: dict, items: list) -> object:
    """Build the feature matrix with scikit-learn's own ``transform``."""
    from scipy.sparse import csr_matrix, hstack

    from docflow.core.classify._features import compute_layout_features, normalize_text

    texts = [normalize_text(item.text) for item in items]
    weights = parts["block_weights"]
    layout = csr_matrix([compute_layout_features(item) for item in items])
    return hstack(
        [
            parts["word"].transform(texts) * weights["word"],
            parts["char"].transform(texts) * weights["char"],
            layout * weights["layout"],
        ],
        format="csr",
    )


def test_fast_features_match_scikit_learn(tmp_path: Path) -> None:
    from docflow.core.classify._features import input_from_document, input_from_text
    from docflow.core.classify._model import build_matrix
    from docflow.core.pipeline import extract_cached, hash_file

    settings = _settings(tmp_path)
    parts = load_model(settings).parts
    sample_docs = Path(__file__).resolve().parents[1] / "sample_docs"
    items = [
        input_from_text(text, 20_000)
        for text in ("", "a", "Rechnung Nr. 0042 vom 3. März", "aaaa aaaa b\tcc\n\nx")
    ]
    for path in sorted(sample_docs.glob("*.*")):
        if path.suffix in {".md", ".txt", ".eml", ".pdf"}:
            content_hash, _ = hash_file(path)
            document = extract_cached(str(path), content_hash, settings)
            items.append(input_from_document(document, 20_000))
    # Twice, so the second pass reads the per-word n-gram columns kept by the first.
    for _ in range(2):
        fast = build_matrix(parts, items)
        reference = _reference_matrix(parts, items)
        assert fast.shape == reference.shape
        assert abs(fast - reference).max() < 1e-6
        assert (fast != 0).nnz == (reference != 0).nnz


def test_keyword_inside_fired_keyword_ignored() -> None:
    from docflow.core.classify._rules import score_rules
    from docflow.core.config import RuleSettings

    rules = {
        "letter": RuleSettings(keywords={"yours sincerely": 1.0, "sincerely": 0.5}),
        "memo": RuleSettings(keywords={"sincerely": 0.25}),
    }

    nested, nested_hits = score_rules("Pay by 1 May.\nYours  Sincerely,\nAnn", rules)
    alone, _ = score_rules("Sincerely,\nAnn", rules)

    assert nested["letter"] == 1.0
    assert [hit.term for hit in nested_hits if hit.category == "letter"] == [
        "yours sincerely"
    ]
    # Another category's keyword is not inside this category's phrase.
    assert nested["memo"] == 0.25
    assert alone["letter"] == 0.5


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Prep time: 15 minutes\nBake for 20 minutes at 180 C.", False),
        ("Minutes of the board meeting held on 3 May", True),
        ("MINUTES\nAttendees: Ann Lee, Bob Stone", True),
    ],
)
def test_minutes_rule_skips_durations(text: str, fires: bool) -> None:
    from docflow.core.classify._rules import score_rules

    scores, _ = score_rules(text, Settings().classification.rules)

    assert (scores.get("meeting_minutes", 0.0) > 0) is fires


@pytest.mark.parametrize(
    ("text", "memo"),
    [
        ("TO: All staff\nFROM: Jane Smith, HR\nRE: Parking from 1 May", 1.0),
        ("**To:** All staff\n**From:** HR team\n**Re:** Parking", 1.0),
        ("From: ann@example.com\nTo: bob@example.com\nSubject: Lunch", 0.0),
    ],
)
def test_memo_header_lines_fire_memo_rules(text: str, memo: float) -> None:
    from docflow.core.classify._rules import score_rules

    scores, _ = score_rules(text, Settings().classification.rules)

    assert scores.get("memo", 0.0) == memo


@pytest.mark.parametrize(
    ("term", "shown"),
    [
        ("invoice", "invoice"),
        ("the invoice", "the invoice"),
        ("is", None),
        ("the", None),
        ("mi", None),
        ("of the", None),
        ("due 000", "due <number>"),
        ("0000 present", "<number> present"),
        ("00 00", None),
        ("tva", "tva"),
        ("sie sich", None),
        ("nous vous", None),
        ("charger 00w", None),
        ("payable ch00", None),
        ("facture 000", "facture <number>"),
    ],
)
def test_readable_term_drops_function_words(term: str, shown: str | None) -> None:
    assert readable_term(term) == shown
