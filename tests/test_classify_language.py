"""Text in a language the model was not trained on comes out unknown."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from docflow.core.classify import classify_document
from docflow.core.classify._classify import DISAGREEMENT_CONFIDENCE, untrained_language
from docflow.core.classify._model import load_model
from docflow.core.config import Settings
from docflow.core.models import ExtractedDocument, Page

# A Chinese invoice: seller, items, amounts and a total, as on a real one.
CHINESE_INVOICE = (
    "增值税专用发票\n发票号码：04471234\n开票日期：2024年03月01日\n"
    "购买方：北京星光科技有限公司\n销售方：上海华东贸易有限公司\n"
    "货物名称 数量 单价 金额\n办公桌 2 1500.00 3000.00\n椅子 4 300.00 1200.00\n"
    "合计金额 4200.00\n税额 546.00\n价税合计 4746.00\n"
)


def _settings(tmp_path: Path) -> Settings:
    return Settings.model_validate({"store": {"cache_dir": str(tmp_path / "cache")}})


def _document(text: str, language: str | None) -> ExtractedDocument:
    return ExtractedDocument(
        path="inline.txt",
        detected_type="text",
        language=language,
        pages=[Page(number=1, method="native", chars=len(text), text=text)],
    )


def test_chinese_text_is_unknown(tmp_path: Path) -> None:
    result = classify_document(_document(CHINESE_INVOICE, "zh"), _settings(tmp_path))

    assert result.category == "unknown"
    assert result.confidence == pytest.approx(DISAGREEMENT_CONFIDENCE)
    assert result.evidence[0].term.startswith(
        "text in zh, a language the model was not trained on (en, fr, de"
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "Fatura n.º 2024/118\nPrezado cliente, segue a fatura dos serviços "
            "prestados em março. O valor total de 1.250,00 EUR deve ser pago até "
            "15 de abril. Não hesite em nos contatar. Atenciosamente, Ana Costa",
            "pt",
        ),
        (
            "Faktura nr 2024-118\nHej! Här kommer fakturan för tjänsterna i mars. "
            "Det totala beloppet 12 500 kr ska betalas senast den 15 april. Om "
            "du har frågor är du välkommen att kontakta oss. Med vänliga "
            "hälsningar, Anna Berg",
            "sv",
        ),
        (
            "Счёт № 118\nУважаемый клиент, направляем вам счёт за услуги, "
            "оказанные в марте. Общую сумму 12 500 рублей необходимо оплатить до "
            "15 апреля. С уважением, Анна Иванова",
            "ru",
        ),
    ],
)
def test_latin_and_cyrillic_languages_named(
    tmp_path: Path, text: str, language: str
) -> None:
    from docflow.core.language import detect_language

    detected = detect_language(text)
    result = classify_document(_document(text, detected), _settings(tmp_path))

    assert detected == language
    assert result.category == "unknown"
    assert result.evidence[0].term.startswith(f"text in {language}, a language")


def test_trained_language_passes(tmp_path: Path) -> None:
    model = load_model(_settings(tmp_path))

    assert untrained_language("pl", model) is None
    assert untrained_language(None, model) is None


def test_model_languages_replace_the_default(tmp_path: Path) -> None:
    model = load_model(_settings(tmp_path))
    metadata = {**model.metadata, "languages": ["zh"]}
    chinese = dataclasses.replace(model, metadata=metadata)

    assert untrained_language("zh", chinese) is None
    evidence = untrained_language("en", chinese)
    assert evidence is not None
    assert evidence.term.startswith("text in en, a language the model was not")
