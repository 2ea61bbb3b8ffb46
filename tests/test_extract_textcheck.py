"""Garbage-text judgement, doubled-character repair and language detection."""

from __future__ import annotations

import pytest

from docflow.core import language
from docflow.core.language import detect_language, tokenize_words
from docflow.core.textcheck import dedupe_doubled_chars, judge_text

ENGLISH = (
    "The supplier shall deliver the goods to the customer within thirty days "
    "of the order date. Payment is due on receipt of the invoice, and late "
    "payments bear interest at the rate agreed in this contract."
)


def test_judge_english_prose_clean():
    verdict = judge_text(ENGLISH, "en")
    assert not verdict.is_garbage
    assert verdict.reasons == []
    assert verdict.dictionary_word_share > 0.3
    assert verdict.word_count == len(ENGLISH.split())


def test_judge_table_of_numbers_clean():
    table = "\n".join(
        f"{day:02d}-Apr-16 Opening Balance {day * 1234:>10} {day * 99:>8} Cr"
        for day in range(1, 30)
    )
    assert not judge_text(table).is_garbage


def test_judge_cid_runs_garbage():
    text = " ".join(f"(cid:{code})" for code in range(40, 90))
    verdict = judge_text(text)
    assert verdict.cid_runs == 50
    assert verdict.is_garbage


def test_judge_remapped_font_garbage():
    text = (
        "Agaaaaa: AAAA AAA/Aaabaaab 7728-AA-2076 AabaaAA aambaa 6618-647173-54 "
        "Aab 3123 Aababbaa Aaga 09 ab 101 Aaaabaa 8.8 Aaaaagaaabab Aababaabbab "
        "Amaabmaab Aabba7 Aabababa ab Aaaaaamaaba AAAAA Aaaaaabag Ababg Aaaabmaab"
    )
    verdict = judge_text(text)
    assert verdict.is_garbage
    assert verdict.repeat_char_runs >= 5


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("Hoooold on, see www.aaaab.com or mail bbbbb@example.org today", 3),
        ("Don't wooooorry, it's haaaard but isn'tttt", 3),
        ("Écrivez à «zzzzorro» sur https://fff.example.fr/ffff vite", 2),
    ],
)
def test_repeat_runs_in_words_and_addresses(text, runs):
    # Addresses are left out of the word statistics, but their runs count.
    assert judge_text(text).repeat_char_runs == runs


def test_judge_misread_utf16_garbage():
    misread = "Multicolor Black Pure Magenta Cyan Yellow".encode("utf-16-le")
    text = misread.decode("utf-16-be")
    verdict = judge_text(text)
    assert verdict.misread_utf16_share > 0.9
    assert verdict.is_garbage


def test_judge_real_chinese_clean():
    text = "计算机科学与技术本科项目描述负责四川省甘孜州丹巴磨子电站引水隧洞"
    verdict = judge_text(text)
    assert verdict.misread_utf16_share < 0.5
    assert not verdict.is_garbage


def test_judge_replacement_chars_garbage():
    assert judge_text("abc \ufffd\ufffd\ufffd\ufffd\ufffd def \ufffd\ufffd").is_garbage


def test_judge_low_ocr_confidence_garbage():
    text = "POS RMAD SEMA EK MHI POM RWSRSA MSD FR TSHR AR BRWOAA SSCA AMS INHAF"
    assert not judge_text(text).is_garbage
    assert judge_text(text, ocr_confidence=22.0).is_garbage


def test_judge_repeated_phrase_clean():
    assert not judge_text("Hello world " * 30).is_garbage


def test_judge_empty_text():
    verdict = judge_text("   \n ")
    assert verdict.word_count == 0
    assert not verdict.is_garbage


def test_dedupe_doubled_chars():
    fixed, changed = dedupe_doubled_chars("HHeelllloo  wwoorrlldd\nTToottaall  1122")
    assert changed
    assert fixed == "Hello world\nTotal 12"


def test_dedupe_leaves_normal_text():
    text = "Balloon committee, bookkeeper.\nAll good"
    assert dedupe_doubled_chars(text) == (text, False)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (ENGLISH, "en"),
        (
            "Le fournisseur livre les marchandises au client dans les trente jours "
            "suivant la date de la commande. Le paiement est dû à réception.",
            "fr",
        ),
        (
            "Der Lieferant liefert die Ware an den Kunden innerhalb von dreißig "
            "Tagen nach dem Bestelldatum. Die Zahlung ist bei Erhalt fällig.",
            "de",
        ),
        (
            "De leverancier levert de goederen aan de klant binnen dertig dagen "
            "na de besteldatum. De betaling is verschuldigd bij ontvangst.",
            "nl",
        ),
        (
            "Dostawca dostarcza towar do klienta w ciągu trzydziestu dni od daty "
            "zamówienia. Płatność jest należna po otrzymaniu faktury, która jest "
            "wystawiona przez firmę.",
            "pl",
        ),
        (
            "El proveedor entrega las mercancías al cliente dentro de los treinta "
            "días siguientes a la fecha del pedido. El pago se realiza con la factura.",
            "es",
        ),
        (
            "Il fornitore consegna la merce al cliente entro trenta giorni dalla "
            "data dell'ordine. Il pagamento è dovuto alla ricezione della fattura.",
            "it",
        ),
        ("计算机科学与技术本科项目描述负责四川省甘孜州", "zh"),
        # Languages docflow only recognises, so the classifier can name them.
        (
            "O fornecedor entrega as mercadorias ao cliente no prazo de trinta "
            "dias. O pagamento não está incluído e também deve ser feito à vista.",
            "pt",
        ),
        (
            "Leverantören levererar varorna till kunden inom trettio dagar. "
            "Betalningen ska göras när fakturan har kommit och är inte återbetalbar.",
            "sv",
        ),
        (
            "Leverandøren leverer varerne til kunden inden for tredive dage. "
            "Betalingen skal ske, når fakturaen er modtaget, og hvad der ikke "
            "er betalt, bliver opkrævet.",
            "da",
        ),
        (
            "Leverandøren leverer varene til kunden innen tretti dager. Hvis "
            "betalingen ikke er mottatt, blir det sendt en påminnelse, og noe "
            "mer må betales.",
            "nb",
        ),
        (
            "Toimittaja toimittaa tavarat asiakkaalle kolmenkymmenen päivän "
            "kuluessa. Maksu on suoritettava, kun lasku on saapunut, ja se on "
            "myös mahdollista jo nyt.",
            "fi",
        ),
        (
            "Tedarikçi malları otuz gün içinde müşteriye teslim eder. Ödeme fatura "
            "geldikten sonra yapılır ve bu tutar daha sonra değişmez.",
            "tr",
        ),
        (
            "Dodavatel doručí zboží zákazníkovi do třiceti dnů. Platba je splatná "
            "po obdržení faktury, pokud se strany nedohodnou jinak, a není vratná.",
            "cs",
        ),
        (
            "Furnizorul livrează marfa clientului în termen de treizeci de zile. "
            "Plata se face după primirea facturii și nu este returnabilă.",
            "ro",
        ),
        (
            "A szállító harminc napon belül leszállítja az árut az ügyfélnek. A "
            "fizetés a számla megérkezése után esedékes, és nem téríthető vissza.",
            "hu",
        ),
        (
            "Поставщик доставляет товар клиенту в течение тридцати дней. Оплата "
            "производится после получения счёта, и она не подлежит возврату.",
            "ru",
        ),
        (
            "Постачальник доставляє товар клієнту протягом тридцяти днів. Оплата "
            "здійснюється після отримання рахунку, і вона не підлягає поверненню.",
            "uk",
        ),
        (
            "Доставчикът доставя стоката на клиента в срок от тридесет дни. "
            "Плащането се извършва след получаване на фактурата и не се връща.",
            "bg",
        ),
    ],
)
def test_detect_language(text, code):
    assert detect_language(text) == code


@pytest.mark.parametrize(
    "pages",
    [
        ["Dear Sir, we don't ship İSTANBUL orders.", "Die Rechnung ist fällig."],
        ["Total: 12,50 €", "", "Mr O’Brien’s invoice\u2028follows"],
        ["Écrivez à support@example.com", "ＡＢＣ ǅemal ſtraße Ⅻ"],
    ],
)
def test_judged_pages_split_like_tokenize_words(pages):
    for page in pages:
        judge_text(page)
    text = "\f".join(pages)
    assert language._sample_words(text) == tokenize_words(text)
    assert detect_language(text) == detect_language(text + "\f")


@pytest.mark.parametrize("text", ["", "12345 67890", "Invoice", "ACME GmbH 4711"])
def test_detect_language_unsure(text):
    assert detect_language(text) is None


# The timeout turns quadratic regular-expression backtracking into a failure.
@pytest.mark.timeout(60)
@pytest.mark.parametrize("text", ["@." * 100_000, "a." * 100_000, "w.w@" * 50_000])
def test_judge_hostile_text_finishes(text):
    verdict = judge_text(text)
    assert verdict.word_count >= 0
    assert detect_language(text) is None


def test_one_letter_run_is_garbage():
    verdict = judge_text("A" * 5000)
    assert verdict.is_garbage
    assert verdict.reasons == ["5000 letters drawn from only 1"]


def test_few_initials_are_not_garbage():
    assert not judge_text("AB CD EF AB CD EF").is_garbage
