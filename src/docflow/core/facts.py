"""Key facts found in a document's text: dates, amounts, sender and recipient.

Each fact keeps the page it came from and the character span within that
page's text, so a reviewer can find it. The search works line by line and
starts from labels in English, French, German, Dutch, Polish and Italian, with
a few in Portuguese and Spanish. The value is read from the rest of the
labelled line or, for names and totals, from the next line. A purchase order's
buyer is its sender and its vendor the recipient. A name that reads as running
text, a link or a document number is dropped, so a label word inside a
sentence gives no fact, and resumes, papers and minutes get no sender or
recipient. A run of lines containing only labels is paired in order with the
run of values printed before or after it, and a tax missing from the labels is
read from a table whose header names a tax column. A row of labels over values
printed at the labels' character columns is read by column, so an empty cell
shifts no value. The address blocks under a row of party labels apart by
single spaces are read in the order of the labels. Where no label is found,
invoices and receipts fall back to layout habits (the issuer's name on the
first lines, a company-form suffix such as ``Ltd`` or ``GmbH``, a legal
notice), and invoices take the recipient from the salutation or from an
address block.

Some kinds of document name their facts their own way. An e-mail's header
block gives its sender and recipient. A letter is dated by its date line
("Lille, 15 juillet 2019") and its parties are its first two address
blocks, below any Markdown heading. A letter without a letterhead is from
the name signed under its closing ("Best regards,"). A bank statement's
total is its closing balance and its sender the bank. A name loses the address printed
after it on the same line, and a total without a currency takes the
document's, else the currency of the country that starts its VAT number.

Amounts accept ``1,234.56``, ``1.234,56``, ``1 234,56``, ``1'234.56`` and
whole numbers with a currency; dates accept ISO, numeric day-first (or
month-first when the day exceeds 12, or when another date of the document
can only be month-first) and month names in the same languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from email.utils import getaddresses
from typing import TYPE_CHECKING

from docflow.core import _columns
from docflow.core._prefilter import LineIndex, may_contain, required_literals
from docflow.core.models import Fact

if TYPE_CHECKING:
    from docflow.core.models import ExtractedDocument

__all__ = ["extract_facts", "fact_matches", "parse_amount", "parse_date"]

#: Facts are searched in the first this many characters of the document.
MAX_FACT_CHARS = 100_000
_NAME_FALLBACK_CATEGORIES = {"invoice", "receipt", "purchase_order", "bank_statement"}
# A resume, a paper and minutes are written to no one in particular, so a
# label word in them ("client", "vendor") names a past employer or a subject.
_NO_PARTY_CATEGORIES = {"resume", "scientific_paper", "meeting_minutes"}

_MONTHS = {
    # English, French, German, Dutch, Polish (nominative and genitive), Italian
    "jan": 1, "january": 1, "janvier": 1, "januar": 1, "januari": 1, "stycznia": 1,
    "styczeń": 1, "gennaio": 1, "feb": 2, "february": 2, "février": 2, "fevrier": 2,
    "februar": 2, "februari": 2, "lutego": 2, "luty": 2, "febbraio": 2, "mar": 3,
    "march": 3, "mars": 3, "märz": 3, "maerz": 3, "maart": 3, "marca": 3,
    "marzec": 3, "marzo": 3, "apr": 4, "april": 4, "avril": 4, "kwietnia": 4,
    "kwiecień": 4, "aprile": 4, "may": 5, "mai": 5, "mei": 5, "maja": 5, "maj": 5,
    "maggio": 5, "jun": 6, "june": 6, "juin": 6, "juni": 6, "czerwca": 6,
    "czerwiec": 6, "giugno": 6, "jul": 7, "july": 7, "juillet": 7, "juli": 7,
    "lipca": 7, "lipiec": 7, "luglio": 7, "aug": 8, "august": 8, "août": 8,
    "aout": 8, "augustus": 8, "sierpnia": 8, "sierpień": 8, "agosto": 8, "sep": 9,
    "sept": 9, "september": 9, "septembre": 9, "września": 9, "wrzesień": 9,
    "settembre": 9, "oct": 10, "october": 10, "octobre": 10, "oktober": 10,
    "okt": 10, "października": 10, "październik": 10, "ottobre": 10, "nov": 11,
    "november": 11, "novembre": 11, "listopada": 11, "listopad": 11, "dec": 12,
    "december": 12, "décembre": 12, "decembre": 12, "dezember": 12, "dez": 12,
    "grudnia": 12, "grudzień": 12, "dicembre": 12,
    # Spanish and Portuguese, where they differ from the above
    "enero": 1, "janeiro": 1, "febrero": 2, "fevereiro": 2, "março": 3, "abril": 4,
    "mayo": 5, "maio": 5, "junio": 6, "junho": 6, "julio": 7, "julho": 7,
    "septiembre": 9, "setiembre": 9, "setembro": 9, "octubre": 10, "outubro": 10,
    "noviembre": 11, "novembro": 11, "diciembre": 12, "dezembro": 12,
}  # fmt: skip

_MONTH_NAME = r"(?P<month>[^\W\d_]{3,12})\.?"
_DATE_PATTERNS = [
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    re.compile(
        r"(?<![\d.])(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4}|\d{2})(?![\d])"
    ),
    re.compile(
        # Spanish and Portuguese join the parts with "de" ("8 de junio de 2022").
        r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th|er)?\.?[\s-]*(?:de\s+)?"
        + _MONTH_NAME
        + r"[\s,-]*(?:de\s+)?(?P<y>\d{4}|\d{2})(?![\d:])"
    ),
    # "June 15-20, 2009": a range of days gives its first day. Only a dot, a
    # space or a digit may follow the month, so a shorter run of its letters
    # never matches. The possessive "{3,12}+" keeps the search from trying
    # every length from 12 down to 3 at each letter of the text.
    re.compile(
        r"(?P<month>[^\W\d_]{3,12}+)\.?"
        r"\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{1,2})?"
        r"\s*,?\s*(?P<y>\d{4})(?!\d)"
    ),
]
#: The patterns of dates written with digits only.
_NUMERIC_DATE_PATTERNS = _DATE_PATTERNS[:2]
_THREE_DIGITS = re.compile(r"\d\D*\d\D*\d")
# A character that joins a numeric date to more digits of one identifier
# ("978-1-60558-392-1/09/06", "INV-2024-03-01"), before or after the date.
_JOINED_BEFORE = re.compile(r"\w[-/.]$")
_JOINED_AFTER = re.compile(r"[-/.]\w")

_CURRENCY_TOKEN = (
    r"(?:€|\$|£|¥|₹|\bCHF\b|\bEUR\b|\bUSD\b|\bGBP\b|\bPLN\b|\bzł|\bzl\b|\bINR\b|"
    r"\bRs\.?|\bRM\b|\bMYR\b|\bAUD\b|\bCAD\b|\bSEK\b|\bJPY\b)"
)
_NUMBER = r"\d{1,3}(?:[ ,.'`’°\u00a0]\d{3})+(?:[.,]\d{1,2})?|\d+[.,]\d{2}(?!\d)|\d+"
_AMOUNT = re.compile(
    rf"(?P<pre>{_CURRENCY_TOKEN})?\s?(?P<sign>-)?(?<![\d.,])(?P<num>{_NUMBER})"
    rf"(?![\d%]|[.,]\d|\s?%)\s?(?P<post>{_CURRENCY_TOKEN})?",
    re.IGNORECASE,
)
_CURRENCY_CODES = {
    "€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR", "rs": "INR",
    "rs.": "INR", "rm": "MYR", "zł": "PLN", "zl": "PLN",
}  # fmt: skip

_TOTAL_LABELS = [
    (3, r"grand\s*total|amount\s*due|balance\s*due|total\s*due|invoice\s*total|"
        r"total\s*amount|total\s*to\s*pay|total\s*for\s*this\s*invoice|bill\s*amount|"
        r"amount\s*payable|net\s*à\s*payer|somme\s*à\s*payer|montant\s*total|"
        r"montant\s*à\s*payer|gesamtbetrag|rechnungsbetrag|zu\s*zahlen|endbetrag|"
        r"te\s*betalen|totaal\s*te\s*betalen|do\s*zapłaty|należność\s*ogółem|"
        r"razem\s*do\s*zapłaty|totale\s*da\s*pagare|totale\s*fattura"),
    (2, r"total\s*(?:\(|\s)*incl|inclusive|total\s*ttc|bedrag\s*inclusief|brutto|"
        r"totaal\s*incl|total\s*rm|bestellsumme|auftragssumme|bestellwert"),
    (1, r"\btotal|\btotaal\b|\bsumme\b|\brazem\b|\bsuma\b|\btotale\b|\bgesamt\b|"
        r"\bsum\b|\bmontant\b"),
]  # fmt: skip
# "Without" in English, Portuguese, Spanish, German, French, Italian, Polish
# and Dutch, and "before tax": a line that names the tax this way gives the
# net amount, which is neither the total nor the tax.
_WITHOUT_TAX = (
    r"\bwithout\b|\bsem\b|\bsin\b|\bohne\b|\bhors\b|\bsans\b|\bsenza\b|\bbez\b|"
    r"\bzonder\b|before\s*tax|pre-?tax|avant\s*tax"
)
_TOTAL_EXCLUDE = re.compile(
    r"sub\s*-?\s*total|subtotaal|zwischensumme|sous-total|total\s*qty|quantity|"
    r"tax|gst\b|\bvat\b|tva\b|btw\b|mwst|savings|points|excl|exclusi|\bnetto\b|"
    rf"\bht\b|item\s*count|total\s*items|total\s*sales\s*\(excl|{_WITHOUT_TAX}",
    re.IGNORECASE,
)
_TAX_LABELS = [
    (2, r"total\s*tax|total\s*gst|gst\s*payable|tax\s*amount|vat\s*amount|"
        r"amount\s*of\s*vat|kwota\s*vat|montant\s*tva|btw[-\s]*bedrag|"
        r"mwst[.-]?\s*betrag|sales\s*tax|total\s*sales\s*tax"),
    (1, r"\btax\b|\bvat\b|\bgst\b|\btva\b|\bbtw\b|\bmwst\b|\bust\b|\bsst\b|\biva\b|"
        r"podatek"),
]  # fmt: skip
_TAX_EXCLUDE = re.compile(
    r"excl|exclusi|incl|inclusi|tax\s*invoice|\bid\b|reg\.?\s*no|\bno\b\.?\s*:|"
    r"\bnr\b|number|\btin\b|\babn\b|\bnip\b|code|summary|rate|intra|"
    rf"{_WITHOUT_TAX}",
    re.IGNORECASE,
)
_DOCUMENT_DATE_LABELS = [
    (2, r"invoice\s*date|date\s*of\s*issue|issue\s*date|date\s*de\s*facture|"
        r"date\s*d['’]émission|rechnungsdatum|ausstellungsdatum|factuurdatum|"
        r"data\s*wystawienia|data\s*fattura|receipt\s*date|bill\s*date"),
    (1, r"\bdate\b|\bdatum\b|\bdata\b|\bdated\b|\bdu\b|order\s*date|besteldatum"),
]  # fmt: skip
# The place of writing before a letter's date, with the word some languages
# put between them ("Paris, le", "Berlin, den"), and the Polish "r." (year)
# after it.
_PLACE_BEFORE_DATE = re.compile(
    r"\s*(?:[^\W\d_][^\W\d_'’.-]*(?:[\s'’.-]+[^\W\d_]+)*\s*,\s*"
    r"(?:(?:le|den|am|il|el|dnia|de|op)\s+)?)?",
    re.IGNORECASE,
)
_AFTER_DATE = re.compile(r"\s*(?:r\.?)?\s*")
#: Lines at the top of a letter searched for its date line and address blocks.
_MAX_LETTER_DATE_LINES = 20
# A reference to the reader's own letter or request ("Votre demande du",
# "your letter of", "Ihr Schreiben vom") quotes that letter's date.
_QUOTED_DATE = re.compile(
    r"\b(?:votre|vos|your|ihr|ihre|ihrem|uw|pana|pani|państwa|vostra|vostro|su)\s"
    r"[^:]{0,40}$",
    re.IGNORECASE,
)
_DUE_DATE_LABELS = re.compile(
    r"due\s*date|payment\s*due|due\s*on|due\s*by|pay\s*by|payable\s*by\s*\d|"
    r"fällig|zahlbar\s*bis|fälligkeitsdatum|échéance|date\s*limite\s*de\s*paiement|"
    r"à\s*payer\s*avant|vervaldatum|uiterste\s*betaaldatum|termin\s*płatności|"
    r"data\s*di\s*scadenza|scadenza",
    re.IGNORECASE,
)
# Not after the Spanish or Portuguese article ("El Cliente", "o Fornecedor").
_NO_ARTICLE = r"(?<!\bel\s)(?<!\bo\s)"
# A strong label names the party outright, so it may stand mid-line (two-column
# layouts). It needs a colon, the line end, a column gap or a capital after it.
_STRONG_SENDER = (
    r"sold\s*by|seller|vendor|supplier|service\s*provider|issued\s*by|sprzedawca|"
    r"verkäufer|lieferant|vendeur|fournisseur|émetteur|leverancier|verkoper|"
    r"fornitore|mittente|in\s*favou?r\s*of|dostawca|"
    # Portuguese and Spanish labels end the line or take a colon, and follow no
    # article, because "Iñigo López, El Cliente" captions a signature.
    rf"{_NO_ARTICLE}(?:fornecedor|proveedor)(?=\s*:|\s*$)"
)
# The labels of the billing address, which name an invoice's recipient and
# a purchase order's buyer.
_BILLING = (
    r"bill(?:ed)?[\s-]*to(?:\s*address)?|invoice\s*(?:to|address)|"
    r"billing\s*address|factureren\s*aan|rechnungsadresse|rechnungsanschrift|"
    r"factuur\s*aan|factuuradres|adresse\s*de\s*facturation|factur(?:[ée]|er)\s*à|"
    r"indirizzo\s*di\s*fatturazione|adres\s*do\s*faktury|facturar\s*a"
)
_STRONG_RECIPIENT = (
    rf"{_BILLING}|sold\s*to|customer|client|"
    r"buyer|nabywca|odbiorca|kunde|rechnungsempfänger|destinataire|klant|"
    r"guest\s*name|payable\s*by|nom\s*de\s*l['’]abonné|destinatario|"
    # The debtor of a Swiss QR bill, with a colon, because "Zahlbar durch
    # Überweisung" (payable by transfer) names no one.
    r"(?:zahlbar\s*durch|pagabile\s*da|payable\s*par)(?=\s*:)|"
    rf"{_NO_ARTICLE}cliente(?=\s*:|\s*$)"
)
_LABEL_END = r"(?:\s*:\s*|\s*$|\s{2,}|\s+(?=(?-i:[A-ZÀ-Ž])))"
# The text before a label is optional and tried empty first ("??"), so the
# first label of a line wins: in "Bill to: Customer Service" the label is
# "Bill to" and "Customer" starts its value.
_SENDER_LABELS = re.compile(
    rf"^(?:.*?\s)??(?:{_STRONG_SENDER}){_LABEL_END}", re.IGNORECASE
)
_RECIPIENT_LABELS = re.compile(
    rf"^(?:.*?\s)??(?:{_STRONG_RECIPIENT}){_LABEL_END}", re.IGNORECASE
)
# A purchase order is written by the buyer to the vendor, so there the labels
# of the buyer and of the delivery address name the sender, and the labels of
# an invoice's sender (vendor, supplier) name the recipient.
_BUYER = (
    rf"buyer|purchaser|{_BILLING}|customer|client|käufer|"
    r"acheteur|koper|nabywca|zamawiający|acquirente|committente"
)
_DELIVERY = (
    r"ship\s*to|deliver\s*to|delivery\s*address|shipping\s*address|lieferadresse|"
    r"lieferanschrift|adresse\s*de\s*livraison|afleveradres|leveringsadres|"
    r"adres\s*dostawy|indirizzo\s*di\s*consegna"
)
_BUYER_LABELS = re.compile(rf"^(?:.*?\s)??(?:{_BUYER}){_LABEL_END}", re.IGNORECASE)
_DELIVERY_LABELS = re.compile(
    rf"^(?:.*?\s)??(?:{_DELIVERY}){_LABEL_END}", re.IGNORECASE
)
# E-mail headers in English, German, French, Dutch, Polish, Italian, Spanish
# and Portuguese, as e-mail programs print them.
_MAIL_SENDER_HEADERS = frozenset({"from", "von", "de", "van", "od", "da"})
_MAIL_RECIPIENT_HEADERS = frozenset({"to", "an", "à", "a", "aan", "do", "para"})
_MAIL_OTHER_HEADERS = (
    r"cc|bcc|reply-to|subject|date|sent|betreff|datum|gesendet|objet|envoyé|"
    r"onderwerp|verzonden|temat|data|wysłano|oggetto|inviato|asunto|fecha|enviado|"
    r"assunto"
)
_MAIL_HEADER = re.compile(
    r"^(?P<name>"
    + "|".join(sorted(_MAIL_SENDER_HEADERS | _MAIL_RECIPIENT_HEADERS))
    + rf"|{_MAIL_OTHER_HEADERS})[ \t]*:[ \t]*(?P<value>\S.*)$",
    re.IGNORECASE,
)
# An address group (RFC 5322): "display-name: mailbox, mailbox;".
_MAIL_GROUP = re.compile(r'^[^:"<>@]+:(?P<members>[^;]*);\s*$')
#: Lines at the start of a text searched for an e-mail's header block.
_MAX_MAIL_HEADERS = 12
# A weak label is a one-word header ("From:", "To:") and counts only at the
# start of a line and with a colon.
_WEAK_SENDER = re.compile(r"^\s*(?:from|von|de|van|od|da)\s*:\s*", re.IGNORECASE)
_WEAK_RECIPIENT = re.compile(r"^\s*(?:to|an|à|a|aan|do)\s*:\s*", re.IGNORECASE)
_PARTY_LABEL = rf"(?:{_STRONG_SENDER}|{_STRONG_RECIPIENT}|{_BUYER}|{_DELIVERY})"
# A field's name that ends in a party label ("Codice cliente:", "Code client").
_FIELD_BEFORE_LABEL = re.compile(
    r"\b(?:code|codice|código|kod|number|numéro|numero|nummer|numer|nr|no|id)\.?"
    rf"\s+{_PARTY_LABEL}\s*:?\s*$",
    re.IGNORECASE,
)
_ONE_LABEL = re.compile(rf"\s*{_PARTY_LABEL}\s*:?\s*", re.IGNORECASE)
# One or more party labels and nothing else: a header row such as
# "Vendor  Ship to  Bill to", whose values stand in columns below it.
_NOT_A_NAME = re.compile(rf"^(?:{_PARTY_LABEL}\s*:?\s*)+$", re.IGNORECASE)
_LABEL_VALUE = re.compile(r"^[^\W\d_][\w .'’/-]{0,30}:\s*\S")
# The Dutch partnership "V.O.F." (vennootschap onder firma) ends a name as
# B.V. does. The limited partnership "C.V." is left out, because the same
# letters stand for a curriculum vitae. "Maatschap" is left out too, because
# it comes before the partners' names and a form found here ends the name.
_COMPANY_FORM = re.compile(
    r"\b(?:ltd|limited|inc|llc|plc|gmbh|ag|s\.?a\.?|sas|sarl|b\.?v\.?|n\.?v\.?|"
    r"v\.?o\.?f\.?|"
    r"sp\.\s*z\s*o\.\s*o|sp\.\s*[jk]\.|s\.l\.|s\.?p\.?a|s\.?r\.?l|sdn\.?\s*bhd|pvt|"
    r"enterprise|corp|"
    r"lda|co\.)(?:\W|$)",
    re.IGNORECASE,
)
# The partnership form after "& Co." in "GmbH & Co. KG". Upper case only,
# because "kg" alone is a weight.
_PARTNERSHIP_SUFFIX = re.compile(r"\s*(?:KGaA|KG|OHG)(?!\w)")
_TITLE_WORDS = re.compile(
    r"\b(?:tax\s*invoice|simplified\s*tax\s*invoice|invoice|receipt|payment\s*receipt|"
    r"bill|faktura(?:\s*vat)?|facture|rechnung|factuur|fattura|fatura|factura|"
    r"quittung|reçu|purchase\s*order|bestellung|bon\s*de\s*commande|inkooporder|"
    r"bestelbon|ordine\s*d['’]acquisto|zamówienie|orden\s*de\s*compra|"
    r"bon|kassenbon|cash\s*receipt|official\s*receipt|statement|payment\s*advice|"
    r"(?:account|bank)\s*statement|kontoauszug|rekeningafschrift|"
    r"relevé(?:\s*de\s*compte)?|estratto\s*conto|extracto(?:\s*de\s*cuenta)?|"
    r"extrato|wyciąg(?:\s*bankowy)?)\b",
    re.IGNORECASE,
)
_TITLE_PREFIX = re.compile(rf"^\s*(?:(?:{_TITLE_WORDS.pattern})\s+)+", re.IGNORECASE)
# A document title set off from the name after it ("REKENINGAFSCHRIFT – SABLE
# BOUW V.O.F.", "Invoice: Acme Ltd").
_TITLE_BEFORE_NAME = re.compile(
    rf"^\s*(?:(?:{_TITLE_WORDS.pattern})\s*)+[–—:|-]\s*", re.IGNORECASE
)
#: Lines at the top of a document searched for an unlabelled addressee.
_MAX_HEADER_LINES = 60
_SALUTATION = re.compile(
    r"^\s*(?:dear|beste|geachte|sehr\s+geehrter?|liebe[r]?|cher|chère|"
    r"szanown[ya]|gentile|egregi[oa]|estimad[oa])\s+"
    r"(?:(?:mr|mrs|ms|miss|dr|prof|heer|mevrouw|mevr|dhr|herr|frau|monsieur|"
    r"madame|mme|pan|pani|panie|sig|sig\.ra|signor|signora|sr|sra)\.?\s+)*"
    r"(?P<name>[^\W\d_][\w.'’-]*(?:\s+[\w.'’-]+){0,4}?)\s*[,:!]?\s*$",
    re.IGNORECASE,
)
_GENERIC_ADDRESSEE = re.compile(
    r"^(?:sirs?|madam|customer|client|klant|kunde|kundin|damen|heer|mevrouw|"
    r"monsieur|madame|all|team|colleagues?|friends?|valued|members?|abonné|"
    r"cliente|państwo|partner|user|subscriber|account\s*holder)\b",
    re.IGNORECASE,
)
# The first words of a salutation ("Dear Sir or Madam,", "To whom it may
# concern,"), which ends a letter's address blocks.
_GREETING = re.compile(
    r"^(?:dear|to\s+whom|sehr\s+geehrte|liebe|beste|geachte|cher|chère|madame,|"
    r"monsieur,|szanown|gentile|egregi|estimad|caro|cara)\b",
    re.IGNORECASE,
)
# A letter's closing ("Yours sincerely,", "Best regards,", "Mit freundlichen
# Grüßen"), in the languages of the labels, under which the writer signs.
_CLOSING = re.compile(
    r"^\s*(?:(?:yours\s+)?(?:sincerely|faithfully|truly)(?:\s+yours)?|"
    r"(?:(?:best|kind|warm(?:est)?)\s+)?(?:regards|wishes)|best|"
    r"mit\s+freundlichen\s+grüßen|freundliche\s+grüße|(?:bien\s+)?cordialement|"
    r"met\s+vriendelijke\s+groet(?:en)?|z\s+poważaniem|cordiali\s+saluti|"
    r"distinti\s+saluti|atentamente|saludos(?:\s+cordiales)?|atenciosamente)"
    r"\s*[,.!]?\s*$",
    re.IGNORECASE,
)
#: Lines under a letter's closing searched for the writer's name.
_MAX_SIGNATURE_LINES = 4
_LOOSE_DOTS = re.compile(r"\s+\.+$")
#: Lower-case words that make a line running text rather than an address.
_MIN_RUNNING_TEXT_WORDS = 6
# A courtesy title alone on its line ("Herrn" above "Peter Schmidt"), which
# belongs to the name on the next line.
_HONORIFIC_LINE = re.compile(
    r"^(?:herrn?|frau|mr|mrs|ms|miss|dr|monsieur|madame|mme|mlle|m|dhr|mevr|"
    r"de\s+heer|mevrouw|pan|pani|sig|sig\.ra|signor|signora|sr|sra|señor|señora)"
    r"\.?$",
    re.IGNORECASE,
)
_HONORIFIC = re.compile(
    r"^(?:mr|mrs|ms|miss|dr|dhr|mevr|herrn?|frau|m|mme|mlle|monsieur|madame|pan|"
    r"pani|sig|sig\.ra|signor|signora|sr|sra|srta|señor|señora)"
    r"\.?\s+",
    re.IGNORECASE,
)
# An address block: a house number before or after the street name, then a
# postcode and town (Dutch "1216 JD", Polish "02-092", US "City, ST 12345").
_STREET = re.compile(
    r"^\s*(?:\d{1,5}[a-z]?,?\s+[^\W\d_]{2,}[^:]*"
    r"|[^\W\d_][^:\d]{2,}\s\d{1,5}[a-z]?(?:[/-]\d{1,5}[a-z]?)?)\s*$",
    re.IGNORECASE,
)
_POSTCODE_TOWN = re.compile(
    r"^\s*(?:(?:[A-Z]{1,2}-)?\d{4,5}(?:\s?[A-Z]{2}(?=\s))?|\d{2}-\d{3})\s+"
    r"[^\W\d_]|^\s*[^\W\d_][^:\d]*,?\s[A-Z]{2}\s+\d{5}(?:-\d{4})?\s*$"
)
# A column header such as "Adresse de l'installation" is a field's name,
# not a party's, and so is "Code" after "Client". A word followed by "@" or
# "." starts an e-mail address ("email@domain.com", "name.surname@...").
_FIELD_NAME = re.compile(
    r"^(?:adresse|address|anschrift|adres|adresa|indirizzo|numéro|number|nummer|"
    r"numer|e-?mail|courriel|téléphone|telephone|phone|telefon|date|datum|data|"
    r"code|id|name)\b(?![@.])",
    re.IGNORECASE,
)
_LEGAL_NOTICE = re.compile(
    r"au\s+capital|capital\s+social|\brcs\b|\bsiren\b|\bsiret\b|\bkvk\b|"
    r"handelsregister|registergericht|amtsgericht|\bhrb\b|registered\s+office|"
    r"registered\s+in|company\s+(?:no|number|registration)|share\s+capital|"
    r"\bkrs\b|kapitał\s+zakładowy|capitale\s+sociale|sede\s+legale",
    re.IGNORECASE,
)
_LEGAL_NOTICE_LITERALS = required_literals(_LEGAL_NOTICE.pattern, re.IGNORECASE)
_CELL_GAP = re.compile(r"\t|\s{2,}")
# Cells are apart by a tab or a run of spaces, or a label ("Date: ") follows.
_NEXT_LABEL = re.compile(r"\t|\s{2,}|\s+(?=[^\W\d_][\w.'’]*(?:\s[\w.'’]+)?:\s)")

# Compiled forms of the labels above, each with the literals a line needs
# before the label can match (see docflow.core._prefilter).
_DIGIT = re.compile(r"\d")
_ALNUM = re.compile(r"[^\W_]")
_DECIMALS = re.compile(r"[.,]\d{1,2}$")
_CURRENCY = re.compile(_CURRENCY_TOKEN, re.IGNORECASE)
_CURRENCY_LITERALS = required_literals(_CURRENCY_TOKEN, re.IGNORECASE, min_chars=1)
_US_DOLLARS = re.compile(r"\bus\s*dollars?\b", re.IGNORECASE)
_US_DOLLARS_LITERALS = required_literals(_US_DOLLARS.pattern, re.IGNORECASE)
_DUE_DATE_LITERALS = required_literals(_DUE_DATE_LABELS.pattern, re.IGNORECASE)
_DOCUMENT_DATE_PATTERNS = [
    (re.compile(pattern, re.IGNORECASE), required_literals(pattern, re.IGNORECASE))
    for _, pattern in _DOCUMENT_DATE_LABELS
]
_Label = tuple[re.Pattern[str], frozenset[str] | None]


def _labels(*patterns: re.Pattern[str]) -> tuple[_Label, ...]:
    return tuple(
        (pattern, required_literals(pattern.pattern, re.IGNORECASE))
        for pattern in patterns
    )


@dataclass(frozen=True)
class _PartyLabels:
    """The strong labels of each party, in priority order, with their literals."""

    sender: tuple[_Label, ...]
    recipient: tuple[_Label, ...]


_INVOICE_PARTIES = _PartyLabels(
    sender=_labels(_SENDER_LABELS), recipient=_labels(_RECIPIENT_LABELS)
)
_ORDER_PARTIES = _PartyLabels(
    sender=_labels(_BUYER_LABELS, _DELIVERY_LABELS), recipient=_labels(_SENDER_LABELS)
)
# Both weak labels need a colon, which far fewer lines contain than the
# short words ("de", "da", "a") of the labels.
_WEAK_LABEL_LITERALS = frozenset({":"})


@dataclass
class _Line:
    page: int
    start: int
    text: str
    #: The line holding this label's value, when the text layer put a column
    #: of labels apart from the column of their values.
    value: _Line | None = None


def extract_facts(
    document: ExtractedDocument, category: str | None = None
) -> list[Fact]:
    """Find the key facts of ``document``; ``category`` enables layout fallbacks."""
    lines = _split_lines(document)
    index = LineIndex([line.text for line in lines])
    _pair_label_column(lines, index)
    total = None
    if category == "bank_statement":
        total = _find_closing_balance(lines, index)
    total = total or _find_amount(lines, index, _TOTAL_RULE)
    tax = _find_amount(lines, index, _TAX_RULE)
    if tax is None and total is not None:
        # A tax table comes with a total, and skipping the search elsewhere
        # keeps tables of other documents from giving a tax.
        tax = _find_tax_column(lines, index)
    month_first = _prefers_month_first(lines)
    due_labels = _find_due_date_labels(lines, index)
    facts: list[Fact | None] = [
        _find_document_date(lines, index, due_labels, month_first, category),
        _find_due_date(lines, due_labels, month_first),
        total,
        tax,
    ]
    if category not in _NO_PARTY_CATEGORIES:
        facts += _find_parties(lines, index, category)
    without_currency = [
        fact
        for fact in facts
        if fact is not None and fact.kind in {"total", "tax"} and not fact.currency
    ]
    if without_currency:
        # Counting currencies reads the whole text, so only when a fact needs one.
        currency = _document_currency(lines, index)
        for fact in without_currency:
            fact.currency = currency
    return [fact for fact in facts if fact is not None]


def _split_lines(document: ExtractedDocument) -> list[_Line]:
    lines: list[_Line] = []
    budget = MAX_FACT_CHARS
    for page in document.pages:
        text = page.text[:budget]
        budget -= len(text)
        offset = 0
        for raw in text.splitlines(keepends=True):
            content = raw.rstrip("\r\n")
            if content.strip():
                lines.append(_Line(page.number, offset, content))
            offset += len(raw)
        if budget <= 0:
            break
    return lines


# A line that holds only a label ("Due Date:"), and the end of such a line.
_LABEL_ONLY = re.compile(r"^\s*[^\W\d_][^:]{0,30}:\s*$")
_COLON_AT_END = re.compile(r":[ \t]*(?:\n|\Z)")


def _pair_label_column(lines: list[_Line], text_index: LineIndex) -> None:
    """Pair a run of label-only lines with the run of value lines next to it.

    Some text layers emit a column of values and then the column of their
    labels (``Jan 1, 2022`` ``$127.50`` ``Date:`` ``Balance Due:``), or the
    labels first. The values are the lines without a colon right before the
    run of two or more labels, else right after it. They pair in order, so
    the last values pair when there are more values than labels, and the
    first labels when there are fewer.
    """
    # Few lines end in a colon, so they are found by a search of the whole
    # text rather than a loop over every line.
    label_lines = [
        index
        for colon in _COLON_AT_END.finditer(text_index.folded)
        if _LABEL_ONLY.match(lines[index := text_index.line_at(colon.start())].text)
    ]
    run_start = 0
    for position in range(1, len(label_lines) + 1):
        if (
            position < len(label_lines)
            and label_lines[position] == label_lines[position - 1] + 1
        ):
            continue
        if position - run_start >= 2:
            _pair_run(lines, label_lines[run_start], label_lines[position - 1] + 1)
        run_start = position


def _pair_run(lines: list[_Line], start: int, end: int) -> None:
    count = end - start
    before = start
    while before > 0 and start - before < count and ":" not in lines[before - 1].text:
        before -= 1
    after = end
    while after < len(lines) and after - end < count and ":" not in lines[after].text:
        after += 1
    if start - before >= 2:
        values = lines[before:start]
    elif after - end >= 2:
        values = lines[end:after]
    else:
        return
    for label, value in zip(lines[start:end], values, strict=False):
        label.value = value


# -- dates ---------------------------------------------------------------------


def parse_date(
    text: str, prefer_month_first: bool = False
) -> tuple[date, int, int] | None:
    """Return the first date in ``text`` with its span, or None."""
    if _THREE_DIGITS.search(text) is None:
        return None  # every date pattern needs three digits or more
    found: list[tuple[int, int, date]] = []
    numeric: set[tuple[int, int]] = set()
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            value = _date_from_match(match, prefer_month_first)
            if value is not None:
                found.append((match.start(), match.end(), value))
                if pattern in _NUMERIC_DATE_PATTERNS:
                    numeric.add(match.span())
    found = [
        (start, end, value)
        for start, end, value in found
        if (start, end) not in numeric or not _in_identifier(text, start, end, found)
    ]
    if not found:
        return None
    start, end, value = min(found, key=lambda item: (item[0], -item[1]))
    return value, start, end


def _in_identifier(
    text: str, start: int, end: int, dates: list[tuple[int, int, date]]
) -> bool:
    """Tell whether the numeric date at ``start:end`` is part of a longer identifier.

    A date joined to other characters by a hyphen, slash or dot belongs to
    an ISBN, a DOI or an invoice number, unless what it is joined to is
    another date, as in the range ``01/10/2026-31/10/2026``.
    """
    if _JOINED_BEFORE.search(text[max(0, start - 2) : start]):
        if not any(other_end == start - 1 for _, other_end, _ in dates):
            return True
    if _JOINED_AFTER.match(text, end):
        if not any(other_start == end + 1 for other_start, _, _ in dates):
            return True
    return False


def _date_from_match(match: re.Match[str], prefer_month_first: bool) -> date | None:
    groups = match.groupdict()
    year = int(groups["y"])
    if year < 100:
        year += 2000 if year < 70 else 1900
    if groups.get("month"):
        month = _MONTHS.get(groups["month"].lower())
        day = int(groups["d"])
    elif groups.get("a"):
        first, second = int(groups["a"]), int(groups["b"])
        month_first = second > 12 or (prefer_month_first and first <= 12)
        day, month = (second, first) if month_first else (first, second)
    else:
        month, day = int(groups["m"]), int(groups["d"])
    if not month or not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _prefers_month_first(lines: list[_Line]) -> bool:
    """Tell whether the numeric dates of a document put the month first.

    A date such as 04/18/2024 can only be month-first and 18/04/2024 only
    day-first. When the document has dates of the first kind and none of the
    second, its ambiguous dates (03/04/2024) are read month-first as well.
    Otherwise they stay day-first. Only dates written with slashes count.
    """
    month_first = day_first = False
    for line in lines:
        if "/" not in line.text:
            continue
        for match in _DATE_PATTERNS[1].finditer(line.text):
            if "/" not in match[0]:
                # Dotted and dashed dates are day-first where they are used,
                # so 04.18.2024 is a typing error, not a month-first date.
                continue
            first, second = int(match["a"]), int(match["b"])
            month_first = month_first or (second > 12 and first <= 12)
            day_first = day_first or (first > 12 and second <= 12)
    return month_first and not day_first


def _date_fact(
    kind: str,
    line: _Line,
    text_offset: int = 0,
    month_first: bool = False,
    text_end: int | None = None,
) -> Fact | None:
    parsed = parse_date(line.text[text_offset:text_end], month_first)
    if parsed is None:
        return None
    value, start, end = parsed
    start += text_offset
    end += text_offset
    return Fact(
        kind=kind,
        value=line.text[start:end],
        normalized=value.isoformat(),
        page=line.page,
        start=line.start + start,
        end=line.start + end,
    )


def _find_due_date_labels(
    lines: list[_Line], text_index: LineIndex
) -> dict[int, re.Match[str]]:
    """Map the index of each line with a due-date label to the label, in line order.

    Both the due date and the document date need these labels, so they are
    searched once per document.
    """
    labels: dict[int, re.Match[str]] = {}
    for index in text_index.lines_with(_DUE_DATE_LITERALS):
        label = _DUE_DATE_LABELS.search(lines[index].text)
        if label is not None:
            labels[index] = label
    return labels


def _find_due_date(
    lines: list[_Line], due_labels: dict[int, re.Match[str]], month_first: bool
) -> Fact | None:
    for index, label in due_labels.items():
        line = lines[index]
        fact = _date_fact("due_date", line, label.end(), month_first)
        if fact is None and line.value is not None:
            fact = _date_fact("due_date", line.value, 0, month_first)
        in_header = False
        if fact is None:
            in_header, fact = _date_in_column(
                "due_date", lines, index, label, month_first
            )
        if fact is None and not in_header and index + 1 < len(lines):
            fact = _date_fact("due_date", lines[index + 1], 0, month_first)
        if fact is not None:
            return fact
    return None


#: The row under a header line and the span of a cell in it, None when empty.
_Column = tuple[_Line, _columns.Span | None]


def _cell_below(lines: list[_Line], index: int, position: int) -> _Column | None:
    """Return the cell under the header cell at ``position`` of line ``index``.

    Line ``index`` must be a header row of two cells or more apart by runs of
    spaces, and the next row with letters or digits (below any rule of
    dashes) must print its cells at the columns of the header. Otherwise it
    returns None, because the line heads no column.
    """
    column = _cells_below(lines, index, position, 1)
    return column[0] if column else None


def _cells_below(
    lines: list[_Line], index: int, position: int, count: int
) -> list[_Column]:
    """Return the cells under the header cell at ``position`` in up to ``count`` rows.

    The rows are those with letters or digits below line ``index``, down to
    the first that does not print its cells at the header's columns.
    """
    header = _columns.cell_spans(lines[index].text)
    column = next(
        (place for place, (start, end) in enumerate(header) if start <= position < end),
        None,
    )
    if len(header) < 2 or column is None:
        return []
    rows = []
    for row in _lines_below(lines, index, count + 1):
        if not _ALNUM.search(row.text):
            continue  # a rule of dashes under the header
        if len(rows) == count or not _columns.is_aligned(header, row.text):
            break
        rows.append(row)
    cells = _columns.cells_under(header, column, [row.text for row in rows])
    return list(zip(rows, cells, strict=True))


def _date_in_column(
    kind: str, lines: list[_Line], index: int, label: re.Match[str], month_first: bool
) -> tuple[bool, Fact | None]:
    """Read the date under ``label`` when line ``index`` is a header row.

    Returns whether the line is a header row (see ``_cell_below``), and the
    date in the cell under the label. A column with a date in the next row
    too lists items ("Date" above each payment's date), so it gives none.
    """
    cells = _cells_below(lines, index, label.start(), 2)
    if not cells:
        return False, None
    dates = [_date_in_cell(kind, column, month_first) for column in cells]
    if len(dates) > 1 and dates[1] is not None:
        return True, None
    return True, dates[0]


def _date_in_cell(kind: str, column: _Column, month_first: bool) -> Fact | None:
    row, cell = column
    if cell is None:
        return None
    return _date_fact(kind, row, cell[0], month_first, text_end=cell[1])


def _find_document_date(
    lines: list[_Line],
    text_index: LineIndex,
    due_labels: dict[int, re.Match[str]],
    month_first: bool,
    category: str | None = None,
) -> Fact | None:
    if category == "letter":
        fact = _letter_date(lines[:_MAX_LETTER_DATE_LINES], month_first)
        if fact is not None:
            return fact
    for label_pattern, literals in _DOCUMENT_DATE_PATTERNS:
        for index in text_index.lines_with(literals):
            line = lines[index]
            label = label_pattern.search(line.text)
            if label is None or _DUE_DATE_LABELS.search(line.text[: label.end()]):
                continue
            fact = _date_fact("document_date", line, label.end(), month_first)
            if fact is not None and _is_quoted_date(line, fact):
                continue  # the date of the reader's letter, not of this one
            if fact is None and line.value is not None:
                fact = _date_fact("document_date", line.value, 0, month_first)
            if fact is None:
                _, fact = _date_in_column(
                    "document_date", lines, index, label, month_first
                )
            if fact is not None:
                return fact
    # The due-date line numbers count every line, so their cells are read
    # before a letter's lines are cut to its head.
    due_cells = _due_date_cells(lines, due_labels)
    if category == "letter":
        # A letter is dated above its salutation, so a date in its body is
        # the date of an event ("On 2020-11-16, ... launched").
        lines = _letter_head(lines)
    for index, line in enumerate(lines):
        # No label: the first date not next to a due-date label.
        if _DIGIT.search(line.text) is None:
            continue
        if index in due_labels:
            continue
        fact = _date_fact("document_date", line, 0, month_first)
        if fact is None or _is_quoted_date(line, fact):
            continue
        cell = due_cells.get((line.page, line.start))
        if cell is None or not cell[0] <= fact.start - line.start < cell[1]:
            return fact
    return None


def _due_date_cells(
    lines: list[_Line], due_labels: dict[int, re.Match[str]]
) -> dict[tuple[int, int], _columns.Span]:
    """Map each row under a header's due-date label, by page and start, to its cell."""
    cells = {}
    for index, label in due_labels.items():
        column = _cell_below(lines, index, label.start())
        if column is not None and column[1] is not None:
            cells[column[0].page, column[0].start] = column[1]
    return cells


def _letter_head(lines: list[_Line]) -> list[_Line]:
    """Return the lines of a letter above its salutation or first running text."""
    for index, line in enumerate(lines):
        if _is_letter_body(line.text):
            return lines[:index]
    return lines


def _is_letter_body(text: str) -> bool:
    """Tell whether ``text`` is a salutation or a line of running text."""
    text = text.strip()
    if _GREETING.match(text):
        return True
    lower_case_words = sum(word[:1].islower() for word in text.split())
    return lower_case_words >= _MIN_RUNNING_TEXT_WORDS


def _is_quoted_date(line: _Line, fact: Fact) -> bool:
    return _QUOTED_DATE.search(line.text[: fact.start - line.start]) is not None


def _letter_date(lines: list[_Line], month_first: bool) -> Fact | None:
    """Find a letter's date line: a date alone, or after the place of writing.

    ``Lille, 15 juillet 2019``, ``München, den 17. Mai 2024`` and ``Gdańsk,
    2 marca 2024 r.`` are date lines. A date inside a sentence or after a
    label is not.
    """
    for line in lines:
        fact = _date_fact("document_date", line, 0, month_first)
        if fact is None:
            continue
        before = line.text[: fact.start - line.start]
        after = line.text[fact.end - line.start :]
        if _PLACE_BEFORE_DATE.fullmatch(before) and _AFTER_DATE.fullmatch(after):
            return fact
    return None


# -- amounts -------------------------------------------------------------------


def parse_amount(text: str) -> Decimal | None:
    """Parse one written amount (``1.234,56``, ``1,234.56``, ``1 234``) to a Decimal."""
    digits = re.sub(r"[ '`’°\u00a0]", "", text.strip())
    last_dot, last_comma = digits.rfind("."), digits.rfind(",")
    decimal_at = max(last_dot, last_comma)
    if decimal_at >= 0 and len(digits) - decimal_at - 1 in (1, 2):
        whole = re.sub(r"[.,]", "", digits[:decimal_at])
        digits = f"{whole}.{digits[decimal_at + 1 :]}"
    else:
        digits = re.sub(r"[.,]", "", digits)
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def _currency_code(token: str | None) -> str | None:
    if not token:
        return None
    token = token.strip()
    return _CURRENCY_CODES.get(token.lower(), _CURRENCY_CODES.get(token, token.upper()))


def _amounts_in(line: _Line, offset: int) -> list[tuple[Decimal, str | None, int, int]]:
    """Return (value, currency, start, end) for each amount right of ``offset``."""
    amounts = []
    for match in _AMOUNT.finditer(line.text, offset):
        number = match.group("num")
        currency = _currency_code(match.group("pre") or match.group("post"))
        has_decimals = _DECIMALS.search(number) is not None
        if not has_decimals and currency is None:
            continue  # a bare whole number is a quantity, a year or an id
        value = parse_amount(number)
        if value is None:
            continue
        if match.group("sign"):
            value = -value
        amounts.append((value, currency, match.start("num"), match.end("num")))
    return amounts


_ROUNDING = re.compile(r"rounding|arrondi|rundung|afronding", re.IGNORECASE)
_ROUNDING_LITERALS = required_literals(_ROUNDING.pattern, re.IGNORECASE)


@dataclass(frozen=True)
class _AmountRule:
    """The labels, in priority order, that introduce one kind of amount."""

    kind: str
    labels: tuple[tuple[int, re.Pattern[str]], ...]
    exclude: re.Pattern[str]
    allow_zero: bool
    #: Literals of which a line with any of the labels contains one.
    literals: frozenset[str] | None
    #: Whether a label with no amount on its line reads it from the line below.
    value_below: bool = False


def _amount_rule(
    kind: str,
    labels: list[tuple[int, str]],
    exclude: re.Pattern[str],
    *,
    allow_zero: bool,
    value_below: bool = False,
) -> _AmountRule:
    any_label = "|".join(f"(?:{pattern})" for _, pattern in labels)
    return _AmountRule(
        kind=kind,
        labels=tuple(
            (priority, re.compile(pattern, re.IGNORECASE))
            for priority, pattern in labels
        ),
        exclude=exclude,
        allow_zero=allow_zero,
        literals=required_literals(any_label, re.IGNORECASE),
        value_below=value_below,
    )


_TOTAL_RULE = _amount_rule(
    "total", _TOTAL_LABELS, _TOTAL_EXCLUDE, allow_zero=False, value_below=True
)
_TAX_RULE = _amount_rule("tax", _TAX_LABELS, _TAX_EXCLUDE, allow_zero=True)


def _first_rounding_line(lines: list[_Line], text_index: LineIndex) -> int | None:
    for index in text_index.lines_with(_ROUNDING_LITERALS):
        if _ROUNDING.search(lines[index].text):
            return index
    return None


def _find_amount(
    lines: list[_Line], text_index: LineIndex, rule: _AmountRule
) -> Fact | None:
    """Pick the amount on the best-labelled line.

    Higher label priority wins. A total after a rounding line gets +2, because
    on receipts the rounded figure is the one paid. Ties go to the larger
    amount, since tables list net, tax and gross left to right and the gross
    is the total.
    """
    kind, allow_zero = rule.kind, rule.allow_zero
    best: tuple[int, Decimal, Fact] | None = None
    rounding = _first_rounding_line(lines, text_index) if kind == "total" else None
    # Most lines carry no label, and a labelled line without a digit has no
    # amount unless its amount is below it, so only the remaining lines are
    # searched, in document order.
    for index in text_index.lines_with(rule.literals):
        line = lines[index]
        if _DIGIT.search(line.text) is None and line.value is None:
            if not rule.value_below:
                continue
        after_rounding = rounding is not None and index >= rounding
        for priority, label_pattern in rule.labels:
            label = label_pattern.search(line.text)
            if label is None or (priority == 1 and rule.exclude.search(line.text)):
                continue
            source, offset = line, label.end()
            if line.value is not None:
                source, offset = line.value, 0
            amounts = [a for a in _amounts_in(source, offset) if allow_zero or a[0] > 0]
            if not amounts and rule.value_below and line.value is None:
                source, amounts = _amounts_below(lines, index, label.start(), rule)
            if not amounts:
                break
            value, currency, start, end = amounts[-1]
            score = priority + (2 if kind == "total" and after_rounding else 0)
            fact = Fact(
                kind=kind,
                value=source.text[start:end],
                normalized=f"{value:.2f}",
                currency=currency or _line_currency(source.text),
                page=source.page,
                start=source.start + start,
                end=source.start + end,
            )
            if best is None or (score, value) > (best[0], best[1]) and kind == "total":
                best = (score, value, fact)
            elif kind != "total" and score > best[0]:
                best = (score, value, fact)
            break
    return best[2] if best else None


_Amount = tuple[Decimal, str | None, int, int]
#: Maximum words on the second line of a label that a narrow cell wraps
#: ("Total del" above "pedido").
_MAX_WRAPPED_LABEL_WORDS = 3


def _amounts_below(
    lines: list[_Line], index: int, position: int, rule: _AmountRule
) -> tuple[_Line, list[_Amount]]:
    """Return the line below a label at ``position`` of line ``index`` and its amounts.

    In a header row the amount is the one in the cell under the label, and
    none when that cell is empty. A column with an amount in the next row
    too lists items ("Total" above each row's total), so it names no total.
    Elsewhere the amount is read as ``_value_below`` finds it.
    """
    cells = _cells_below(lines, index, position, 2)
    if cells:
        found = [_amounts_in_cell(row, cell, rule) for row, cell in cells]
        if len(found) > 1 and found[1]:
            return lines[index], []
        return cells[0][0], found[0]
    below = _value_below(lines, index, rule.exclude)
    if below is None:
        return lines[index], []
    return below, _amounts_in_cell(below, (0, len(below.text)), rule)


def _amounts_in_cell(
    line: _Line, cell: _columns.Span | None, rule: _AmountRule
) -> list[_Amount]:
    """Return the amounts within ``cell`` of ``line`` that ``rule`` accepts."""
    if cell is None:
        return []
    return [
        amount
        for amount in _amounts_in(line, cell[0])
        if amount[3] <= cell[1] and (rule.allow_zero or amount[0] > 0)
    ]


def _value_below(
    lines: list[_Line], index: int, exclude: re.Pattern[str]
) -> _Line | None:
    """Return the line under the label on line ``index`` that contains its amount.

    A table cell or a narrow column puts the amount below its label
    ("TOTAL (EUR)" above "3.577,32"), after the label's wrapped second line
    if it has one ("Total del", "pedido", "21.920,35", "EUR"). An amount
    right below that one makes the label a column header ("Total" above each
    row's total), which names no total, so it gives None.
    """
    page = lines[index].page
    below = [line for line in lines[index + 1 : index + 4] if line.page == page]
    if below and _is_wrapped_label(below[0].text, exclude):
        below = below[1:]
    if not below or not _is_value_line(below[0]) or not _amounts_in(below[0], 0):
        return None
    if len(below) > 1 and _is_value_line(below[1]) and _amounts_in(below[1], 0):
        return None
    return below[0]


def _is_wrapped_label(text: str, exclude: re.Pattern[str]) -> bool:
    """Tell whether ``text`` can be the second line of a wrapped amount label."""
    words = text.split()
    return (
        len(words) <= _MAX_WRAPPED_LABEL_WORDS
        and _DIGIT.search(text) is None
        and exclude.search(text) is None
    )


# A bank statement's sums of credits and debits ("Summe Haben", "Total
# abonos") carry total labels, but the figure that matters is the balance at
# its end.
_CLOSING_BALANCE = re.compile(
    r"closing\s*balance|ending\s*balance|new\s*balance|final\s*balance|"
    r"balance\s*at\s*end|neuer\s*(?:konto)?stand|neuer\s*saldo|endsaldo|"
    r"schlusssaldo|saldo\s*final|saldo\s*de\s*cierre|solde\s*final|"
    r"nouveau\s*solde|solde\s*de\s*clôture|eindsaldo|nieuw\s*saldo|"
    r"saldo\s*końcowe|saldo\s*finale|saldo\s*di\s*chiusura",
    re.IGNORECASE,
)
_CLOSING_BALANCE_LITERALS = required_literals(_CLOSING_BALANCE.pattern, re.IGNORECASE)
# The sum over the accounts of a statement that lists several.
_ALL_ACCOUNTS_TOTAL = re.compile(
    r"total\s*(?:balance\s*)?of\s*all\s*accounts|all\s*accounts\s*total|"
    r"combined\s*balance|gesamtsaldo\s*aller\s*konten|summe\s*aller\s*konten|"
    r"total\s*de\s*tous\s*les\s*comptes|totaal\s*(?:van\s*)?alle\s*rekeningen|"
    r"totale\s*(?:di\s*)?tutti\s*i\s*conti|total\s*de\s*todas\s*las\s*cuentas|"
    r"suma\s*wszystkich\s*rachunków",
    re.IGNORECASE,
)
_ALL_ACCOUNTS_TOTAL_LITERALS = required_literals(
    _ALL_ACCOUNTS_TOTAL.pattern, re.IGNORECASE
)
#: Letters a line may hold besides its amount to be read as a label's value
#: ("88,239.60 EUR").
_MAX_VALUE_LINE_LETTERS = 3


def _find_closing_balance(lines: list[_Line], text_index: LineIndex) -> Fact | None:
    """Read a bank statement's closing balance, or its total over all accounts.

    A statement of several accounts gives each account's closing balance
    and may sum them, and that sum is the statement's total.
    """
    return _find_balance(
        lines, text_index, _ALL_ACCOUNTS_TOTAL, _ALL_ACCOUNTS_TOTAL_LITERALS
    ) or _find_balance(lines, text_index, _CLOSING_BALANCE, _CLOSING_BALANCE_LITERALS)


def _find_balance(
    lines: list[_Line],
    text_index: LineIndex,
    label_pattern: re.Pattern[str],
    literals: frozenset[str] | None,
) -> Fact | None:
    """Read the amount after a balance label, on the label's line or the next.

    HTML tables put the value in the next cell, which the text gives as the
    next line. Of several amounts on the label's line (the sums of debits and
    credits, then the balance), the last is the balance.
    """
    for index in text_index.lines_with(literals):
        line = lines[index]
        label = label_pattern.search(line.text)
        if label is None:
            continue
        amounts = _amounts_in(line, label.end())
        below = line.value or (lines[index + 1] if index + 1 < len(lines) else None)
        if not amounts and below is not None and _is_value_line(below):
            line, amounts = below, _amounts_in(below, 0)
        if amounts:
            return _amount_fact("total", line, amounts[-1])
    return None


def _is_value_line(line: _Line) -> bool:
    letters = sum(char.isalpha() for char in line.text)
    return letters <= _MAX_VALUE_LINE_LETTERS


# A header cell naming the tax column, and a totals row under it.
_TAX_COLUMN = re.compile(
    r"\b(?:vat|btw|mwst|ust|tva|iva|tax|gst|podatek)\b", re.IGNORECASE
)
_TAX_COLUMN_LITERALS = required_literals(_TAX_COLUMN.pattern, re.IGNORECASE)
_TOTALS_ROW = re.compile(
    r"^\W*(?:total|totaal|totale|summe|gesamt|razem|suma|sum|totaux)\b",
    re.IGNORECASE,
)
_RATE = re.compile(r"(?<![\d.,])(\d{1,2}(?:[.,]\d{1,2})?)\s?%")
_CENT = Decimal("0.01")
#: Rows under a tax summary header searched for a rate and its tax.
_MAX_RATE_ROWS = 4
#: Lines between a table header and its totals row that are searched.
_MAX_TABLE_LINES = 15


def _find_tax_column(lines: list[_Line], text_index: LineIndex) -> Fact | None:
    """Read the tax from a table whose header names a tax column.

    A header line names the tax column (``Kwota VAT``, ``BTW``, ``MwSt``) and
    carries no amount. A totals row within the next lines supplies the
    value: the amount under the header word when the text keeps the columns
    aligned, otherwise the amount that adds to another one on the row to give
    a third (net + tax = gross). Without such a row, a tax summary row whose
    rate applied to one amount gives the other (``6% 33.95 2.04``) does.
    """
    # Every tax word in _TAX_COLUMN starts at a word boundary.
    for index in text_index.lines_with(_TAX_COLUMN_LITERALS, word_start=True):
        header = lines[index]
        if not _TAX_COLUMN.search(header.text) or _amounts_in(header, 0):
            continue
        table_end = min(index + 1 + _MAX_TABLE_LINES, len(lines))
        for row_index in range(index + 1, table_end):
            row = lines[row_index]
            if _TOTALS_ROW.match(row.text) is None:
                continue
            amounts = _amounts_in(row, 0)
            found = _aligned_amount(lines[index:row_index], amounts)
            found = found or _tax_by_sum(amounts)
            if found is not None:
                return _amount_fact("tax", row, found)
            break
        fact = _tax_by_rate(lines[index + 1 : index + 1 + _MAX_RATE_ROWS])
        if fact is not None:
            return fact
    return None


def _amount_fact(kind: str, line: _Line, amount: _Amount) -> Fact:
    value, currency, start, end = amount
    return Fact(
        kind=kind,
        value=line.text[start:end],
        normalized=f"{value:.2f}",
        currency=currency or _line_currency(line.text),
        page=line.page,
        start=line.start + start,
        end=line.start + end,
    )


def _tax_by_rate(rows: list[_Line]) -> Fact | None:
    """Return the tax of the one summary row with a non-zero tax, if only one.

    A row qualifies when it states a rate and two amounts after it, the
    second being the first times the rate, rounded to the cent.
    """
    found: list[Fact] = []
    for row in rows:
        rate = _RATE.search(row.text)
        if rate is None:
            continue
        amounts = _amounts_in(row, rate.end())
        percent = Decimal(rate.group(1).replace(",", "."))
        for net, tax in zip(amounts, amounts[1:], strict=False):
            if tax[0] > 0 and abs(net[0] * percent / 100 - tax[0]) <= _CENT:
                found.append(_amount_fact("tax", row, tax))
                break
    return found[0] if len(found) == 1 else None


def _aligned_amount(header: list[_Line], amounts: list[_Amount]) -> _Amount | None:
    """Return the one amount whose columns overlap a tax word of the header.

    Only text that keeps columns (cells apart by runs of spaces) is read by
    position, because single-spaced text puts cells at arbitrary columns.
    """
    matches = []
    for line in header:
        if "   " not in line.text:
            continue
        for word in _TAX_COLUMN.finditer(line.text):
            matches += [
                amount
                for amount in amounts
                if amount[2] <= word.end() and word.start() <= amount[3]
            ]
    return matches[0] if len(set(matches)) == 1 else None


def _tax_by_sum(amounts: list[_Amount]) -> _Amount | None:
    """Return the tax of a net, tax, gross triple on one row, when there is one."""
    for net in amounts:
        for tax in amounts:
            if tax is net or tax[0] > net[0]:
                continue
            if any(
                gross is not net and gross is not tax and gross[0] == net[0] + tax[0]
                for gross in amounts
            ):
                return tax
    return None


def _line_currency(text: str) -> str | None:
    match = _CURRENCY.search(text)
    return _currency_code(match.group(0)) if match else None


def _document_currency(lines: list[_Line], text_index: LineIndex) -> str | None:
    counts: dict[str, int] = {}
    # Every currency code in _CURRENCY starts at a word boundary.
    for index in text_index.lines_with(_CURRENCY_LITERALS, word_start=True):
        text = lines[index].text
        for match in _CURRENCY.finditer(text):
            code = _currency_code(match.group(0))
            if code:
                declared = _is_bracketed(text, match.start(), match.end())
                weight = _DECLARED_CURRENCY_WEIGHT if declared else 1
                counts[code] = counts.get(code, 0) + weight
    if may_contain(text_index.folded, _US_DOLLARS_LITERALS) and _US_DOLLARS.search(
        " ".join(line.text for line in lines)
    ):
        counts["USD"] = counts.get("USD", 0) + 100
    if not counts:
        return _vat_number_currency(lines, text_index)
    return max(counts, key=counts.__getitem__)


def _is_bracketed(text: str, start: int, end: int) -> bool:
    return text[:start].rstrip().endswith("(") and text[end:].lstrip().startswith(")")


def _vat_number_currency(lines: list[_Line], text_index: LineIndex) -> str | None:
    """Return the currency of the country whose prefix starts the VAT number."""
    # Every VAT label in _VAT_NUMBER starts at a word boundary.
    for index in text_index.lines_with(_VAT_NUMBER_LITERALS, word_start=True):
        match = _VAT_NUMBER.search(lines[index].text)
        if match is not None and match["country"] in _COUNTRY_CURRENCIES:
            return _COUNTRY_CURRENCIES[match["country"]]
    return None


# A currency in brackets heads a column ("Amount (RM)", "Total (EUR)") and
# states the currency of every amount below it, so it outweighs symbols in
# the rows, which OCR invents from misread characters ("£8318").
_DECLARED_CURRENCY_WEIGHT = 10
# A VAT number starts with its country's ISO code ("BTW NL272034681B01").
_VAT_NUMBER = re.compile(
    r"(?i:\b(?:vat|btw|tva|mwst|ust|iva|nip|uid)\b)[\w .:/-]{0,20}?"
    r"\b(?P<country>[A-Z]{2})[ -]?\d{7}",
)
_VAT_NUMBER_LITERALS = required_literals(
    r"vat|btw|tva|mwst|ust|iva|nip|uid", re.IGNORECASE
)
_COUNTRY_CURRENCIES = {
    **dict.fromkeys(
        "AT BE CY DE EE EL ES FI FR HR IE IT LT LU LV MT NL PT SI SK".split(), "EUR"
    ),
    "CH": "CHF", "GB": "GBP", "PL": "PLN", "SE": "SEK",
}  # fmt: skip


# -- names ---------------------------------------------------------------------


def _clean_name(text: str) -> str:
    text = _NEXT_LABEL.split(text.strip(), maxsplit=1)[0]
    text = re.sub(r"^(?:attn|attention|z\.?\s*hd\.?|c/o)\s*:?\s*", "", text, flags=re.I)
    return _EMPHASIS.sub(r"\2", text.strip(" ,;:|-"))


# A name set in Markdown bold or italics ("**Jane Porter**"), markers and all.
_EMPHASIS = re.compile(r"^(\*{1,2}|_{1,2})(\S(?:.*\S)?)\1$")


def _is_name(text: str) -> bool:
    value = _company_name(text) if _COMPANY_FORM.search(text) else text
    if _is_fragment(value):
        return False  # tested first, because it rejects long lines quickly
    letters = sum(char.isalpha() for char in text)
    if letters < 3 or text.startswith("(") or _LABEL_VALUE.match(text):
        return False
    if _NOT_A_NAME.match(text.strip()) or _CONTACT_PERSON.match(text):
        return False
    date_found = parse_date(value)
    if date_found is not None and date_found[1] == 0:
        return False  # a dated line ("03 Oct  Salary"), not a party
    return date_found is None or letters > 12


# A first name with a job in brackets ("Tomasz (chef)") is the person who
# signs for a party, not the party.
_CONTACT_PERSON = re.compile(r"^\s*[^\W\d_]+\s*\([a-z][^()]*\)\s*$")
# Name particles that start a person's name in lower case ("de Lattre").
_NAME_PARTICLES = frozenset({
    "al", "bin", "da", "das", "de", "del", "della", "den", "der", "di", "do", "dos",
    "du", "el", "ibn", "la", "le", "ten", "ter", "van", "von", "zu",
})  # fmt: skip
# A link, a web address, a Markdown heading or a quote belongs to running
# text, not to a party's name.
_MARKUP = re.compile(r"[\[\]]|://|\bwww\.|^\s*(?:#{1,6}|>)\s", re.IGNORECASE)
# A Markdown heading line ("# Title"), and the line of "=" or "-" that
# underlines the title above it (a setext heading).
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
# A line set wholly in bold ("**Letter of complaint**"), which Markdown writers
# also use as a title.
_BOLD_LINE = re.compile(r"^ {0,3}(\*\*|__)(?=\S).*\S\1[ \t]*$")
# A department of a company or office on a line of an address block, in the
# languages of the labels. German compounds such as "Personalabteilung" end
# in "abteilung".
_DEPARTMENT = re.compile(
    r"\b(?:department|dept(?=\.)|division|"
    r"customer\s+(?:services?|care|support|relations)|"
    r"accounts(?:\s+(?:payable|receivable))?|billing|complaints|human\s+resources|"
    r"service\s+(?:clients?|clientèle|comptabilité|des\s+réclamations)|département|"
    r"kundenservice|kundendienst|\w*abteilung|buchhaltung|klantenservice|afdeling|"
    r"dział|obsługa\s+klienta|biuro\s+obsługi|servizio\s+clienti|"
    r"assistenza\s+clienti|ufficio|departamento|atención\s+al\s+cliente)\b",
    re.IGNORECASE,
)
_EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A house number ("224", "12a", "5/7"), postcode ("80-001") or phone ("+48")
# standing as a word of its own.
_ADDRESS_NUMBER = re.compile(r"(?<!\S)\+?\d[\d/-]*[a-z]?,?(?!\S)", re.IGNORECASE)
_POSTCODE_OR_PHONE = re.compile(r"(?<!\S)(?:\d{2}-\d{3}|\d{4,5}|\+\d)")
# The street before a house number: a street word and what follows it, or a
# last word that ends like a street's name.
_STREET_START = re.compile(
    r"(?:\s(?:ul|al|pl|os|str|av)\.|\s(?:rue|avenue|boulevard|chemin|allée|via|"
    r"viale|piazza|corso|calle|avenida|rua|ulica|aleja)\b).*$"
    r"|\s\S*(?:stra(?:ss|ß)e|gasse|weg|allee|platz|laan|straat|gracht|street|road|"
    r"lane)\s*$",
    re.IGNORECASE,
)
#: Words after a label from which a fragment is read as running text.
_MIN_SENTENCE_WORDS = 3
#: Words of the longest value read as a name. A name with its address on the
#: same line ("Pia Rutschmann, Marktgasse 28, 9400 Rorschach") stays below it.
_MAX_NAME_WORDS = 12
# A document number ("N.º FT 2026/1234", "No. 17", "#221") in the value.
_NUMBER_SIGN = re.compile(
    r"(?:\bn\.?\s*[º°]|\bno\.|\bnr\.|\bnum\.|#)\s*:?\s*(?:[A-Z]{1,4}[\s-]?)?\d",
    re.IGNORECASE,
)


def _starts_with_particle(words: list[str]) -> bool:
    return len(words) > 1 and words[0] in _NAME_PARTICLES and words[1][0].isupper()


def _is_fragment(value: str) -> bool:
    """Tell whether a value read after a party label is no party's name.

    A label word inside running text ("... once the service provider") is
    followed by the rest of the sentence, and a label on a document number's
    line by that number. Such a value contains a link or a document number,
    ends in a question mark or has unbalanced brackets. It may also start
    with a number, or with a lower-case word that is no name particle before
    a capitalised word. Values longer than ``_MAX_NAME_WORDS`` are rejected,
    and so are values of four words or more with more lower-case words than
    capitalised ones. A company form or an e-mail address exempts a value
    from the lower-case tests, because names such as ``bol.com b.v.`` and
    ``iViveLabs Limited`` and most addresses start in lower case.
    """
    words = value.split()
    if not words or len(words) > _MAX_NAME_WORDS:
        return True
    if _MARKUP.search(value) or _NUMBER_SIGN.search(value):
        return True
    if value.count("(") != value.count(")") or value.endswith("?"):
        return True
    first = words[0]
    if _DIGIT.search(first) and not any(char.isalpha() for char in first):
        return True
    if _COMPANY_FORM.search(value) or _EMAIL_ADDRESS.search(value):
        return False
    if first.islower() and not _starts_with_particle(words):
        return True
    lower_case = sum(word[0].islower() for word in words)
    return len(words) >= 4 and lower_case * 2 > len(words)


def _name_fact(kind: str, lines: list[_Line], index: int, offset: int) -> Fact | None:
    """Read a name after ``offset`` on line ``index``, else from the next two lines.

    A line of labels only ("Vendor  Ship to  Bill to", or "Vendor" above
    "Ship to") heads the blocks of their values (see ``_name_in_label_row``).
    """
    line = lines[index]
    rest = _clean_name(line.text[offset:])
    if _NOT_A_NAME.match(line.text.strip()):
        return _name_in_label_row(kind, lines, index, offset)
    if _FIELD_NAME.match(rest) or _FIELD_BEFORE_LABEL.search(line.text[:offset]):
        return None  # the label word is part of a field's name ("Client Code")
    if _is_name(rest):
        value_line, name = _past_department(lines, index, rest)
        start = value_line.text.find(name, offset if value_line is line else 0)
        return _fact_for(kind, value_line, start, name)
    if len(rest.split()) >= _MIN_SENTENCE_WORDS and _is_fragment(rest):
        # The label word is part of a sentence, which goes on in the next line.
        return None
    return _name_below(kind, lines, index + 1)


def _name_below(kind: str, lines: list[_Line], index: int) -> Fact | None:
    """Read a name from line ``index`` or the line after it.

    A department above the party's name ("Customer Service" above "Nimbus
    Media LLP") gives way to that name.
    """
    for position in range(index, min(index + 2, len(lines))):
        following = lines[position]
        name = _clean_name(following.text)
        if _FIELD_NAME.match(name) or _LABEL_ONLY.match(following.text):
            return None  # a column of labels, whose values sit elsewhere
        if len(name.split()) >= _MIN_SENTENCE_WORDS and _is_fragment(name):
            return None  # running text, so the label was a word of a sentence
        if _LABEL_VALUE.match(name):
            continue
        if not _is_name(name):
            continue
        following, name = _past_department(lines, position, name)
        return _fact_for(kind, following, following.text.find(name), name)
    return None


def _past_department(lines: list[_Line], index: int, name: str) -> tuple[_Line, str]:
    """Return the line and name below ``name`` when ``name`` is a department.

    Otherwise return line ``index`` and ``name`` unchanged. A labelled line
    below ("FROM: ...", in a memo addressed to a department) names no
    company.
    """
    line = lines[index]
    below = lines[index + 1] if index + 1 < len(lines) else None
    if below is None or not _is_next_line(line, below) or ":" in below.text:
        return line, name
    below_name = _clean_name(below.text)
    if _is_department_above(name, below_name):
        return below, below_name
    return line, name


def _cut_address(value: str, *, require_postcode: bool = True) -> str:
    """Cut the address off a name printed with it on one line.

    The address starts at the first number (house number, postcode or
    phone) when a postcode or phone follows. The street before that number
    starts after the last comma, or at a street word ("ul.", "rue") or a
    street name ("Marktgasse"). A name without such a tail is returned
    unchanged. Without ``require_postcode``, any number
    starts the address, for lines already known to hold one.
    """
    number = _ADDRESS_NUMBER.search(value)
    if number is None:
        return value
    if require_postcode and not _POSTCODE_OR_PHONE.search(value, number.start()):
        return value
    head = value[: number.start()].rstrip(" ,")
    if "," in head:
        head = head[: head.rindex(",")]
    else:
        head = _STREET_START.sub("", head)
    head = head.strip(" ,;-")
    return head if sum(char.isalpha() for char in head) >= 3 else value


def _name_in_label_row(
    kind: str, lines: list[_Line], index: int, offset: int
) -> Fact | None:
    """Read the name under the label ending at ``offset`` in a line of labels.

    Values printed at the character columns of their labels are read by
    column, so an empty cell leaves the others in place. Otherwise a later
    label reads the cell in its place among the gaps below
    (``_name_in_column``). Blocks stacked one under the other, or names side
    by side that company forms end, are read in the order of the labels.
    Failing all these, the first block below belongs to the first label.
    """
    labels = _label_spans(lines[index].text)
    column = sum(start < offset for start, _ in labels) - 1
    if _are_columns(lines[index].text, labels) and column >= 0:
        rows = _lines_below(lines, index, len(labels) * _ADDRESS_BLOCK_LINES)
        aligned = _aligned_rows(labels, rows)
        if aligned:
            return _name_in_cells(kind, labels, column, aligned)
    if len(labels) >= 2 and column >= 1:
        fact = _name_in_column(kind, lines, index, offset)
        if fact is not None:
            return fact
    if len(labels) >= 2 and column >= 0 and "\t" not in lines[index].text:
        fact = _name_in_block(kind, lines, index, column, len(labels))
        fact = fact or _name_side_by_side(kind, lines, index, column, len(labels))
        if fact is not None:
            return fact
    if _is_first_label(lines, index, offset):
        return _name_below(kind, lines, _end_of_label_run(lines, index))
    return None


# A party label with its colon, as one cell of a row of labels.
_LABEL_CELL = re.compile(rf"(?:{_PARTY_LABEL})(?:\s*:)?", re.IGNORECASE)


def _label_spans(text: str) -> list[_columns.Span]:
    """Return the span of each label of a line of labels, or none if it is not one.

    Labels apart by single spaces ("Vendor Ship to Bill to") are separated
    by matching the label words themselves.
    """
    spans = []
    position = len(text) - len(text.lstrip())
    while position < len(text):
        label = _LABEL_CELL.match(text, position)
        if label is None:
            return []
        spans.append(label.span())
        position = len(text) - len(text[label.end() :].lstrip())
    return spans


def _are_columns(text: str, labels: list[_columns.Span]) -> bool:
    """Tell whether the labels of a row stand apart at columns of their own.

    Labels apart by single spaces or by tabs give no character columns.
    """
    gaps = [right[0] - left[1] for left, right in zip(labels, labels[1:], strict=False)]
    return len(labels) >= 2 and "\t" not in text and min(gaps) >= 2


def _lines_below(lines: list[_Line], index: int, count: int) -> list[_Line]:
    """Return up to ``count`` lines after line ``index``, up to a blank line."""
    below: list[_Line] = []
    previous = lines[index]
    for line in lines[index + 1 : index + 1 + count]:
        if not _is_next_line(previous, line):
            break
        below.append(line)
        previous = line
    return below


def _aligned_rows(labels: list[_columns.Span], rows: list[_Line]) -> list[_Line]:
    """Return the rows that print their cells at the columns of ``labels``.

    These are the rows down to the first that is not aligned, when all rows
    are aligned or the first row shows columns (two cells or more, or one
    cell not under the first label). Otherwise a row's cells stand wherever
    the block before them ended, and no row is read by column.
    """
    aligned = []
    for row in rows:
        if not _columns.is_aligned(labels, row.text):
            break
        aligned.append(row)
    if not aligned or len(aligned) == len(rows):
        return aligned
    # A rule of dashes under the labels shows no column of values.
    first = next((row.text for row in aligned if _ALNUM.search(row.text)), None)
    if first is None:
        return []
    if len(_columns.cell_spans(first)) >= 2 or _columns.cells_under(
        labels, 0, [first]
    ) == [None]:
        return aligned
    return []


def _name_in_cells(
    kind: str, labels: list[_columns.Span], column: int, rows: list[_Line]
) -> Fact | None:
    """Read the name in the first cell under label ``column`` that has letters."""
    cells = _columns.cells_under(labels, column, [row.text for row in rows])
    for row, cell in zip(rows, cells, strict=True):
        if cell is None or not any(
            char.isalpha() for char in row.text[cell[0] : cell[1]]
        ):
            continue
        name = _clean_name(row.text[cell[0] : cell[1]])
        if not _is_name(name):
            return None
        return _fact_for(kind, row, row.text.find(name, cell[0]), name)
    return None


def _name_in_block(
    kind: str, lines: list[_Line], index: int, column: int, count: int
) -> Fact | None:
    """Read the name that starts block ``column`` of the blocks stacked below a row.

    A text layer prints the address blocks under "Vendor Ship to Bill to"
    one after the other. A block is a name line, maybe a department line,
    then address lines with digits, so a line without digits after one with
    digits starts the next block. The blocks are read only when there are
    at least as many as labels, each with an address.
    """
    blocks: list[list[_Line]] = []
    for line in _lines_below(lines, index, count * (_ADDRESS_BLOCK_LINES + 1)):
        if _CELL_GAP.search(line.text.strip()):
            return None  # cells side by side, not blocks one under the other
        if not _ALNUM.search(line.text):
            continue  # a rule of dashes under the labels
        has_digit = _DIGIT.search(line.text) is not None
        if not blocks or (not has_digit and _DIGIT.search(blocks[-1][-1].text)):
            blocks.append([])
        blocks[-1].append(line)
    blocks = blocks[:count]
    if len(blocks) < count or not all(_DIGIT.search(b[-1].text) for b in blocks):
        return None
    first = blocks[column][0]
    name = _clean_name(first.text)
    if _DIGIT.search(name) or not _is_name(name):
        return None
    return _fact_for(kind, first, first.text.find(name), name)


def _name_side_by_side(
    kind: str, lines: list[_Line], index: int, column: int, count: int
) -> Fact | None:
    """Read name ``column`` of a line that joins one name per label by single spaces.

    Only the company form that ends each name separates the names
    ("Hughes Energy Inc. Price Builders Co. Harbor Foods Ltd"), so a line of
    as many names as labels, each ending in a form, is read.
    """
    # NOTE: names without a company form side by side ("Jane Doe John Roe")
    # cannot be separated, so the first label then reads the whole line.
    below = _lines_below(lines, index, 1)
    if not below:
        return None
    line = below[0]
    ends: list[int] = []
    for form in _COMPANY_FORM.finditer(line.text):
        if ends and form.start() - ends[-1] <= 1:
            ends[-1] = form.end()  # forms in a row ("Pvt. Ltd.") end one name
        else:
            ends.append(form.end())
    names = []
    start = 0
    for end in ends:
        name = line.text[start:end].strip()
        names.append((line.text.find(name, start), name))
        start = end
    if line.text[start:].strip() or len(names) != count:
        return None
    position, name = names[column]
    if not _is_name(name):
        return None
    return _fact_for(kind, line, position, name)


def _name_in_column(
    kind: str, lines: list[_Line], index: int, offset: int
) -> Fact | None:
    """Read the name under the label ending at ``offset`` in a row of labels.

    The label's column is its place among the row's cells. Below the row,
    the first cell of a line continues the current column, and each later
    cell starts the next one. This reads a row of values ("Blue Fin
    Supplies   Harbor Foods"). It also reads a table of multi-line cells,
    which text layers print as blocks one after the other, each joined by a
    tab or a gap to the last line of the block before it.
    """
    row = _CELL_GAP.split(lines[index].text.strip())
    column = len(_CELL_GAP.split(lines[index].text[:offset].strip())) - 1
    if column < 1 or not all(_ONE_LABEL.fullmatch(cell) for cell in row):
        return None  # labels apart by single spaces give no columns
    # NOTE: here the cells have no character columns (tabs, or blocks joined
    # to the one before). An empty cell in a row of values then shifts the
    # later cells to the left, so they are read as the columns before theirs.
    current = 0
    previous = lines[index]
    for line in lines[index + 1 : index + 1 + (column + 1) * _ADDRESS_BLOCK_LINES]:
        if not _is_next_line(previous, line):
            break  # a blank line ends the blocks under the labels
        previous = line
        if not any(char.isalpha() for char in line.text):
            continue  # a rule of dashes under the labels
        text = line.text.strip()
        gaps = list(_CELL_GAP.finditer(text))
        if len(gaps) < column - current:
            current += len(gaps)
            continue
        cell = column - current
        cell_start = gaps[cell - 1].end() if cell > 0 else 0
        cell_end = gaps[cell].start() if cell < len(gaps) else len(text)
        name = _clean_name(text[cell_start:cell_end])
        if not _is_name(name):
            return None
        indent = line.text.find(text)
        return _fact_for(kind, line, line.text.find(name, indent + cell_start), name)
    return None


def _is_next_line(previous: _Line, line: _Line) -> bool:
    """Tell whether ``line`` follows ``previous`` with no blank line between them."""
    return (
        line.page == previous.page
        and line.start == previous.start + len(previous.text) + 1
    )


def _is_first_label(lines: list[_Line], index: int, offset: int) -> bool:
    """Tell whether the label ending at ``offset`` starts a row or column of labels."""
    if _ONE_LABEL.fullmatch(lines[index].text[:offset]) is None:
        return False
    return index == 0 or _NOT_A_NAME.match(lines[index - 1].text.strip()) is None


def _end_of_label_run(lines: list[_Line], index: int) -> int:
    """Return the index of the first line after the labels-only lines from ``index``."""
    while index < len(lines) and _NOT_A_NAME.match(lines[index].text.strip()):
        index += 1
    return index


def _fact_for(kind: str, line: _Line, start: int, value: str) -> Fact:
    value = _cut_address(value)
    if _COMPANY_FORM.search(value):
        # A company's name shares its line with other text in some layouts.
        name = _company_name(value)
        start += value.find(name)
        value = name
    start = max(start, 0)
    return Fact(
        kind=kind,
        value=value,
        normalized=value,
        page=line.page,
        start=line.start + start,
        end=line.start + start + len(value),
    )


def _find_labelled_name(
    lines: list[_Line],
    candidates: list[int],
    kind: str,
    labels: re.Pattern[str],
) -> Fact | None:
    for index in candidates:
        match = labels.match(lines[index].text)
        if match is not None:
            fact = _name_fact(kind, lines, index, match.end())
            if fact is not None:
                return fact
    return None


def _find_party(
    lines: list[_Line],
    text_index: LineIndex,
    kind: str,
    labels: tuple[_Label, ...],
    weak: re.Pattern[str],
) -> Fact | None:
    """Read the party named after the first of ``labels`` that names one."""
    for pattern, literals in labels:
        candidates = text_index.lines_with(literals)
        fact = _find_labelled_name(lines, candidates, kind, pattern)
        if fact is not None:
            return fact
    candidates = text_index.lines_with(_WEAK_LABEL_LITERALS)
    return _find_labelled_name(lines, candidates, kind, weak)


def _find_parties(
    lines: list[_Line], text_index: LineIndex, category: str | None
) -> list[Fact | None]:
    """Find the sender and the recipient, first from e-mail headers or letter blocks."""
    mail_parties = _mail_parties(lines)
    if mail_parties is not None:
        # The header block names the parties. When its "To:" is an empty
        # group, a greeting or a label in the body is still no recipient.
        return list(mail_parties)
    parties = _ORDER_PARTIES if category == "purchase_order" else _INVOICE_PARTIES
    letter_sender = letter_recipient = None
    if category == "letter":
        letter_sender, letter_recipient = _letter_parties(
            lines[:_MAX_LETTER_DATE_LINES]
        )
    # The address blocks of a letter come before its labels, because a label
    # word in a letter is mostly part of a department ("Customer Service").
    sender = letter_sender or _find_sender(lines, text_index, parties, category)
    if sender is None and category == "letter":
        # A letter without a letterhead takes its sender from its signature.
        sender = _signature_name(lines)
    recipient = letter_recipient or _find_recipient(
        lines, text_index, parties, category, sender
    )
    return [sender, recipient]


def _signature_name(lines: list[_Line]) -> Fact | None:
    """Read the writer's name from the lines under a letter's first closing.

    Lines that are no name, such as a redacted ``[private]`` or a page
    number, are passed over.
    """
    closing = next(
        (index for index, line in enumerate(lines) if _CLOSING.match(line.text)), None
    )
    if closing is None:
        return None
    for line in lines[closing + 1 : closing + 1 + _MAX_SIGNATURE_LINES]:
        # OCR reads the end of a handwritten signature as a dot apart ("Samuel .").
        name = _LOOSE_DOTS.sub("", _letter_name(line.text))
        if _DIGIT.search(name) is None and _is_name(name):
            return _letter_name_fact(line, name)
    return None


def _letter_parties(lines: list[_Line]) -> tuple[Fact | None, Fact | None]:
    """Read the sender and recipient from the address blocks at the top of a letter.

    A block is a name line followed by address lines, which contain digits
    (street, postcode, phone) or an e-mail address, or a single line with
    the name and its address. The first block is the sender's letterhead
    and the second the recipient's address. A name with no address below
    it (a department under the company's name) belongs to the open block.
    A department above the name gives way to that name, so the block names
    the company, as it does when the department comes second. An address
    with no name at the top is a sender who gives no name.
    The blocks end at the salutation or the first line of running text,
    and at the date line once both blocks are read (a US letter dates
    itself between the two).
    """
    lines = _without_headings(lines)
    names: list[Fact | None] = []
    pending: _Line | None = None  # a name line waiting for its address
    block_closed = True  # the previous block has its address, or no block yet
    for position, line in enumerate(lines):
        text = line.text.strip()
        if _is_letter_body(text):
            break
        if parse_date(text) is not None:
            if len(names) >= 2:
                break
            continue
        if ":" in text or _MARKUP.search(text) or _HONORIFIC_LINE.match(text):
            continue  # a reference line ("Our ref.: MD/718"), a heading or "Herrn"
        bare = _letter_name(text)
        if _DIGIT.search(text) is None and "@" not in text:
            if block_closed and pending is None and _is_name(bare):
                pending, block_closed = line, False
            elif pending is not None and _is_department_above(
                _letter_name(pending.text), bare
            ):
                pending = line  # "Customer Service" above "Nimbus Media LLP"
            continue
        if pending is not None:
            names.append(_letter_name_fact(pending, _letter_name(pending.text)))
            pending = None
        elif block_closed and not _is_address_line(text):
            name = _cut_address(bare, require_postcode=False)
            if name != bare and _is_name(name):
                names.append(_letter_name_fact(line, name))
        elif position == 0:
            names.append(None)
        block_closed = True
    sender = names[0] if names else None
    recipient = names[1] if len(names) > 1 else None
    if recipient is not None:
        recipient.kind = "recipient"
    return sender, recipient


def _is_department_above(department: str, name: str) -> bool:
    """Tell whether ``department`` names a department of the party ``name`` below it."""
    return (
        _DEPARTMENT.search(department) is not None
        and _COMPANY_FORM.search(department) is None
        and _DEPARTMENT.search(name) is None
        and _is_name(name)
    )


def _without_headings(lines: list[_Line]) -> list[_Line]:
    """Return ``lines`` without Markdown titles: ATX (``# Title``), setext or bold.

    A letter written in Markdown may open with a title such as "# Letter of
    complaint". The title names no party, and one of six or more lower-case
    words would read as running text and end the address blocks before
    they start. A bold line with blank lines around it is such a title too,
    but a bold line next to other lines may be the name heading its address.
    """
    other_lines = []
    for index, line in enumerate(lines):
        if _ATX_HEADING.match(line.text) or _SETEXT_UNDERLINE.match(line.text):
            continue
        if _BOLD_LINE.match(line.text) and _stands_alone(lines, index):
            continue
        following = lines[index + 1] if index + 1 < len(lines) else None
        if (
            following is not None
            and _SETEXT_UNDERLINE.match(following.text)
            and _is_next_line(line, following)
        ):
            continue  # the title above a "===" or "---" underline
        other_lines.append(line)
    return other_lines


def _stands_alone(lines: list[_Line], index: int) -> bool:
    """Tell whether line ``index`` has a blank line or the text's edge on each side."""
    if index > 0 and _is_next_line(lines[index - 1], lines[index]):
        return False
    return index + 1 == len(lines) or not _is_next_line(lines[index], lines[index + 1])


def _letter_name(text: str) -> str:
    """Return the name on an address line, without honorific and with single spaces.

    Letters are not laid out in columns, so a run of spaces inside a name
    ("Marie  Zimmermann") is a typing habit, not a gap between cells.
    """
    return _clean_name(_HONORIFIC.sub("", " ".join(text.split())))


def _letter_name_fact(line: _Line, name: str) -> Fact:
    """Return a fact for ``name``, whose span covers its words in ``line``."""
    fact = _fact_for("sender", line, line.text.find(name.split()[0]), name)
    last_word = fact.value.split()[-1]
    end = line.text.find(last_word, fact.start - line.start) + len(last_word)
    fact.end = line.start + end
    return fact


def _is_address_line(text: str) -> bool:
    """Tell whether ``text`` is an address line with no name before it."""
    if _STREET.match(text) or _POSTCODE_TOWN.match(text):
        return True
    return text[:1].isdigit() or text[:1] in "+("


def _mail_parties(lines: list[_Line]) -> tuple[Fact | None, Fact | None] | None:
    """Read the sender and recipient from an e-mail header block on the first lines.

    The block is two or more header lines ("Subject:", "From:", "To:") that
    start the text, as the e-mail extractor and printed e-mails write them.
    A label in the body, such as a buyer's title in the signature, names
    no party of the message. Returns None when the text has no header block.
    """
    sender = recipient = None
    headers = 0
    for line in lines[:_MAX_MAIL_HEADERS]:
        match = _MAIL_HEADER.match(line.text)
        if match is None:
            break
        headers += 1
        name = match["name"].lower()
        if sender is None and name in _MAIL_SENDER_HEADERS:
            sender = _mailbox_fact("sender", line, match.start("value"))
        elif recipient is None and name in _MAIL_RECIPIENT_HEADERS:
            recipient = _mailbox_fact("recipient", line, match.start("value"))
    if headers < 2:
        return None
    return sender, recipient


def _mailbox_fact(kind: str, line: _Line, offset: int) -> Fact | None:
    """Read the first mailbox of a header value: its display name, else its address."""
    value = line.text[offset:].strip()
    group = _MAIL_GROUP.match(value)
    if group is not None:
        # "undisclosed-recipients:;" is a group with no members, and a group's
        # name is no mailbox.
        value = group["members"].strip()
    if "@" in value:
        display_name, address = (getaddresses([value]) or [("", "")])[0]
        value = display_name.strip() or address
    else:
        value = _clean_name(value)
    start = line.text.find(value, offset)
    if not value or start < 0:
        return None
    return Fact(
        kind=kind,
        value=value,
        normalized=value,
        page=line.page,
        start=line.start + start,
        end=line.start + start + len(value),
    )


def _find_recipient(
    lines: list[_Line],
    text_index: LineIndex,
    parties: _PartyLabels,
    category: str | None,
    sender: Fact | None,
) -> Fact | None:
    fact = _find_party(
        lines, text_index, "recipient", parties.recipient, _WEAK_RECIPIENT
    )
    if fact is not None or category != "invoice":
        return fact
    # An invoice sent as a letter names its addressee in the salutation and
    # in the address block, both without a label.
    return _salutation_name(lines[:_MAX_HEADER_LINES]) or _address_block_name(
        lines[:_MAX_HEADER_LINES], sender
    )


def _find_sender(
    lines: list[_Line],
    text_index: LineIndex,
    parties: _PartyLabels,
    category: str | None,
) -> Fact | None:
    fact = _find_party(lines, text_index, "sender", parties.sender, _WEAK_SENDER)
    if fact is not None or category not in _NAME_FALLBACK_CATEGORIES:
        return fact
    if category == "bank_statement":
        # The bank heads its statement, and the account holder's name, often
        # the only one with a company form, comes below it.
        fact = _bank_line(lines[:_MAX_BANK_NAME_LINES])
        if fact is not None:
            return fact
    return (
        _company_line(lines[:30], parties)
        or _legal_line(lines, text_index)
        or _first_name_line(lines[:8])
    )


def _bank_line(lines: list[_Line]) -> Fact | None:
    """Find a line that names a bank, such as ``Unity Business Bank``."""
    for line in lines:
        if ":" in line.text or _BANK_NAME.search(line.text) is None:
            continue
        name = _clean_name(line.text)
        if _is_name(name) and not _amounts_in(line, 0):
            return _fact_for("sender", line, line.text.find(name), name)
    return None


def _company_line(lines: list[_Line], parties: _PartyLabels) -> Fact | None:
    recipient_block = -1  # index of the last line of the addressee's block
    for index, line in enumerate(lines):
        if _WEAK_RECIPIENT.match(line.text) or any(
            pattern.match(line.text) for pattern, _ in parties.recipient
        ):
            # "Bill to" heads the addressee's name and address, not the sender's.
            recipient_block = index + _ADDRESS_BLOCK_LINES
            continue
        if index <= recipient_block:
            continue
        if _COMPANY_FORM.search(line.text) is None or _amounts_in(line, 0):
            continue  # a line with amounts is a table row, not a letterhead
        name = _company_cell(line.text)
        if re.match(r"(?:co\.|\(m\)|sdn|ltd|inc)", name, re.I) and index > 0:
            previous = lines[index - 1]
            return _fact_for("sender", previous, 0, f"{previous.text.strip()} {name}")
        name = _company_name(name)
        if _is_name(name):
            return _fact_for("sender", line, line.text.find(name), name)
    return None


def _company_cell(text: str) -> str:
    """Return the cell of a line that contains a company form, without its label.

    Lines of two columns ("MADISON, WI 53703  RIVERBEND BUILDERS LTD.") put
    the company in the second cell. The first cell is returned when no cell
    contains a form.
    """
    cells = [
        _clean_name(re.sub(r"^[^\W\d_]+:\s*", "", cell))
        for cell in _CELL_GAP.split(text.strip())
    ]
    return next((cell for cell in cells if _COMPANY_FORM.search(cell)), cells[0])


# "Bank" ends compounds such as "Commerzbank" and "Volksbank".
_BANK_NAME = re.compile(
    r"bank\b|\b(?:banque|banca|banco|bankhaus|sparkasse|raiffeisen|crédit|"
    r"credit\s*union|caisse|caixa|building\s*society)\b",
    re.IGNORECASE,
)
#: Lines at the top of a bank statement searched for the bank's name.
_MAX_BANK_NAME_LINES = 10
#: Lines under a "Bill to" label that hold the addressee's name and address.
_ADDRESS_BLOCK_LINES = 4


def _company_name(text: str) -> str:
    """Cut a company's name out of a line: capitalised words ending in a form.

    ``... end of this Invoice Amazon Web Services, Inc.`` gives ``Amazon Web
    Services, Inc.`` and ``Free SAS au capital de ...`` gives ``Free SAS``.
    When no capitalised word precedes the form (``bol.com b.v.``), the name
    starts at the start of the line.
    """
    forms = list(_COMPANY_FORM.finditer(text))
    if not forms:
        return text
    end = forms[0].end()
    for form in forms[1:]:
        # Forms in a row ("Pvt. Ltd.", "Co. (M) Sdn Bhd") end one name.
        if form.start() - end > 5:
            break
        end = form.end()
    suffix = _PARTNERSHIP_SUFFIX.match(text, end)
    if suffix is not None:
        end = suffix.end()
    start = 0
    capitalised = False
    for word in reversed(list(re.finditer(r"\S+", text[: forms[0].start()]))):
        if not (word.group()[0].isupper() or word.group()[0] in "&(0123456789"):
            start = word.end() if capitalised else 0
            break
        capitalised = True
    name = text[start:end]
    if start > 0:
        name = _TITLE_PREFIX.sub("", name)
    name = _TITLE_BEFORE_NAME.sub("", name)
    return name.strip(" ,;")


def _legal_line(lines: list[_Line], text_index: LineIndex) -> Fact | None:
    """Find the issuer in a legal notice ("Free SAS au capital de ...")."""
    for index in text_index.lines_with(_LEGAL_NOTICE_LITERALS):
        line = lines[index]
        if _LEGAL_NOTICE.search(line.text) is None:
            continue
        if _COMPANY_FORM.search(line.text) is None:
            continue
        name = _company_name(line.text.strip())
        if _is_name(name) and len(name.split()) <= 8:
            return _fact_for("sender", line, line.text.find(name), name)
    return None


def _salutation_name(lines: list[_Line]) -> Fact | None:
    """Find the addressee in a salutation, preferring the fuller address line.

    ``Geachte heer el Mathari,`` names ``el Mathari``, and an address line
    ``Dhr. M el Mathari`` that ends in that name gives ``M el Mathari``.
    """
    for line in lines:
        match = _SALUTATION.match(line.text)
        if match is None:
            continue
        name = match.group("name")
        if _GENERIC_ADDRESSEE.match(name) or not any(c.isupper() for c in name):
            continue
        fuller = _line_ending_in(lines, name, line)
        if fuller is not None:
            return fuller
        return _fact_for("recipient", line, match.start("name"), name)
    return None


def _line_ending_in(lines: list[_Line], name: str, skip: _Line) -> Fact | None:
    folded = name.casefold()
    for line in lines:
        if line is skip or _DIGIT.search(line.text):
            continue
        text = line.text.strip()
        bare = _HONORIFIC.sub("", text)
        if len(bare) > len(name) and bare.casefold().endswith(folded):
            if len(bare.split()) <= 6 and _is_name(bare):
                return _fact_for("recipient", line, line.text.find(bare), bare)
    return None


def _address_block_name(lines: list[_Line], sender: Fact | None) -> Fact | None:
    """Find a name line followed by a street line and a postcode line."""
    # NOTE: when the recipient's block is the first named line of an invoice
    # without letterhead, the sender fallback takes it and this search skips it.
    for index in range(len(lines) - 2):
        street, town = lines[index + 1].text, lines[index + 2].text
        if not _STREET.match(street) or not _POSTCODE_TOWN.match(town):
            continue
        name = _clean_name(_HONORIFIC.sub("", lines[index].text.strip()))
        if _DIGIT.search(name) or _FIELD_NAME.match(name) or not _is_name(name):
            continue
        if sender is not None and fact_matches("sender", name, sender.value):
            continue
        line = lines[index]
        return _fact_for("recipient", line, line.text.find(name), name)
    return None


def _first_name_line(lines: list[_Line]) -> Fact | None:
    for line in lines:
        if _ONE_LABEL.match(line.text):
            break  # the issuer's name heads the page, above the parties' labels
        if ":" in line.text or parse_date(line.text):
            continue
        text = _TITLE_BEFORE_NAME.sub("", line.text)
        name = _clean_name(_TITLE_WORDS.sub("", text))
        if name[:1].isalpha() and _is_name(name) and not _amounts_in(line, 0):
            return _fact_for("sender", line, line.text.find(name), name)
    return None


# -- comparison ------------------------------------------------------------------


def _name_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def fact_matches(kind: str, found: str | None, expected: str | tuple[str, ...]) -> bool:
    """Return whether a found fact value agrees with a value read from the document.

    Dates compare as ISO dates and amounts as decimals. Names compare after
    dropping case, spaces and punctuation, and match when one is a prefix of
    the other and the shorter has at least 4 characters, so a name read
    together with the next column (``Taylor Riddel Taylor's Store``) still
    matches ``Taylor Riddel``. ``expected`` may list alternatives.
    """
    if found is None:
        return False
    options = expected if isinstance(expected, tuple) else (expected,)
    for option in options:
        if kind in {"total", "tax"}:
            if parse_amount(found) == parse_amount(option):
                return True
        elif kind in {"document_date", "due_date"}:
            if found == option:
                return True
        else:
            left, right = _name_key(found), _name_key(option)
            shorter = min(len(left), len(right))
            if shorter >= 4 and (left.startswith(right) or right.startswith(left)):
                return True
    return False
