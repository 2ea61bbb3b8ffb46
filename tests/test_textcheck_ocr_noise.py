"""Poor OCR text layers judged garbage, and clean text of risky kinds kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docflow.core.config import Settings
from docflow.core.extract import extract_document
from docflow.core.textcheck import judge_text

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
OCR_MEMO = CORPUS / "labeled" / "memo" / "unst__pdf-with-ocr-text.pdf"

# Written for these tests in the shape of an old OCR layer: symbols inside
# words, doubled consonants at word starts, words without vowels.
GARBLED_REPORT = (
    "Pursnant to yonr reqnest of March 4, we h»ve revi^wed the acc«unts of\n"
    "the Eastem D*strict offiee and fonnd the followlng:\n"
    "(a) The Tressurer's ledgcr for 1951 wss nnt balaneed, and ttwo payrnents\n"
    "to the Stendard Packing Cornpany werc entered twiee.\n"
    "(b) Thc inventory of tbe warehonse at Mob£le shows 412 cases of c©ffee\n"
    "that were shipped in Jnne; nn receipt is on file.\n"
    "(c) Mr. Hsrrison ststes that the missing voucbers were sent to the\n"
    "bead office by registered rnail.\n"
)
GARBLED_MINUTES = (
    "«MINUTES 0F TEE B0ARD» Mcetlng held at the Grsnd Hotel, Tuesday.\n"
    "Present: Messrs. Whltney, Crsnstn, Dsvis and the Secretsry.\n"
    "1. The minntes of the last rneeting were read and appr¢ved.\n"
    "2. The Tre^surer reported that the bal¬nce on hand was $1,204 and that\n"
    "ddues from three rnembers are still owlng for the year.\n"
    "3. It was agreed to wrlte to the Stste Assoc§ation about the dinner,\n"
    "and to ask the ccmmittee to report at the next meeting in Msy.\n"
)

# Clean texts of the kinds that could pass for OCR noise.
NAMES_AND_CODES = (
    "Attendees: Llewellyn Lloyd, Nnamdi Okafor, Mmusi Dlamini, Ssekandi Mukasa,\n"
    "Tsvangirai Moyo and Przemysław Szczepański joined the review of R&D costs.\n"
    "The AT&T invoice for US$5,400 and the ACME™ order for €12,50 were paid.\n"
    "Store the samples at 50°C; the curve follows y = x^2 for small x.\n"
    "Codes: SKU-00123, ABC/DEF-7, 12x15mm, SSN nnn-nn-nnnn, ID 4711-A.\n"
    "Contact the team at support@example.com or see www.example.org/help.\n"
)
TABLE = "\n".join(
    f"{row:03d} | Widget type {row % 7} | {row * 3} pcs | € {row * 1.5:.2f} | ok"
    for row in range(1, 40)
)
GERMAN = (
    "Sehr geehrte Damen und Herren, wie »vereinbart« senden wir Ihnen die\n"
    "Rechnung für die Leistungen im Monat März. Der Betrag ist bis zum\n"
    "Monatsende zu zahlen. Für Rückfragen stehen wir Ihnen gern zur\n"
    "Verfügung, und die „Bestellnummer“ finden Sie oben rechts auf der Seite.\n"
    "Mit freundlichen Grüßen, Ihre Buchhaltung der Müller GmbH\n"
)
FRENCH = (
    "Madame, Monsieur, nous vous remercions de votre commande du 3 mars.\n"
    "Le «Contrat de service» prévoit une livraison sous trente jours, et\n"
    "l’article 4 précise que « le paiement est dû à réception ». Veuillez\n"
    "agréer, Madame, Monsieur, nos salutations distinguées. La société\n"
    "reste à votre disposition pour toute question sur cette facture.\n"
)
ITALIAN = (
    "Gentile cliente, la ringraziamo per l'ordine. La fattura è allegata a\n"
    "questa lettera e il pagamento deve essere effettuato entro trenta giorni\n"
    "dalla data di emissione. Per qualsiasi domanda sull'aiuola del giardino\n"
    "o sul guaio della consegna, il nostro ufficio è a sua disposizione.\n"
)
DUTCH = (
    "Geachte heer, mevrouw, hierbij ontvangt u de factuur voor de geleverde\n"
    "diensten van de afgelopen maand. Wij verzoeken u het bedrag binnen\n"
    "veertien dagen over te maken. Zo'n betaling kunt u ook via de website\n"
    "van ons bedrijf doen. Met vriendelijke groet, de afdeling financiën.\n"
)
POLISH = (
    "Szanowni Państwo, w załączeniu przesyłamy fakturę za usługi wykonane w\n"
    "ubiegłym miesiącu. Prosimy o przelanie należności w terminie czternastu\n"
    "dni. Wszystkie szczegóły znajdują się na stronie internetowej, a w razie\n"
    "pytań prosimy przyjść do biura lub napisać wiadomość do działu księgowości.\n"
)
CHINESE = (
    "本公司于2017年9月17日召开董事会会议，审议通过了重大资产出售方案。"
    "报告期内，公司营业收入为人民币12,345万元，较上年同期增长8%。"
    "详见公司在www.example.cn发布的公告（编号2017-045）与ISO 9001证书。"
)


@pytest.mark.parametrize("text", [GARBLED_REPORT, GARBLED_MINUTES])
def test_poor_ocr_layer_is_garbage(text: str) -> None:
    verdict = judge_text(text)
    assert verdict.is_garbage
    assert verdict.ocr_noise_share > 0.05


@pytest.mark.parametrize("text", [GARBLED_REPORT, GARBLED_MINUTES])
def test_noisy_text_layer_called_garbled(text: str) -> None:
    """Without an OCR confidence the text came from a text layer, not OCR."""
    reasons = judge_text(text).reasons
    assert any("of words look garbled" in reason for reason in reasons)
    assert not any("OCR" in reason for reason in reasons)


@pytest.mark.parametrize("text", [GARBLED_REPORT, GARBLED_MINUTES])
def test_noisy_ocr_text_called_misread(text: str) -> None:
    reasons = judge_text(text, ocr_confidence=80.0).reasons
    assert any("of words look misread by OCR" in reason for reason in reasons)


@pytest.mark.parametrize("language", ["en", None])
def test_poor_ocr_verdict_ignores_language(language: str | None) -> None:
    assert judge_text(GARBLED_REPORT, language).is_garbage


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (NAMES_AND_CODES, "en"),
        (TABLE, None),
        (GERMAN, "de"),
        (FRENCH, "fr"),
        (ITALIAN, "it"),
        (DUTCH, "nl"),
        (POLISH, "pl"),
        (CHINESE, "zh"),
    ],
    ids=["names-codes", "table", "de", "fr", "it", "nl", "pl", "zh"],
)
def test_clean_risky_text_not_garbage(text: str, language: str | None) -> None:
    for judged_language in (language, None):
        verdict = judge_text(text, judged_language)
        assert verdict.reasons == []
        assert verdict.ocr_noise_share <= 0.05


def test_doubled_consonant_start_counts_as_noise() -> None:
    clean = judge_text("the tree was planted in the garden by the old wall")
    garbled = judge_text("the ttree was planted in the ggarden by the old wall")
    assert clean.ocr_noise_share == 0.0
    assert garbled.ocr_noise_share == pytest.approx(2 / 11)


def test_symbol_between_letters_counts_as_noise() -> None:
    verdict = judge_text("we h»ve read the «quoted» words and the R&D note")
    # 12 letter runs, because "h»ve" and "R&D" are two each; only "h»ve" is noise.
    assert verdict.ocr_noise_share == pytest.approx(1 / 12)


@pytest.mark.skipif(not OCR_MEMO.is_file(), reason="corpus not present")
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract")
def test_memo_with_poor_ocr_layer_is_read_again() -> None:
    page = extract_document(str(OCR_MEMO), Settings()).pages[0]
    assert page.method == "ocr"
    assert "reocr_used" in page.flags
    assert "garbage_text" not in page.flags
    assert "membership" in page.text
