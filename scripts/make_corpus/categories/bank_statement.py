"""Bank statements: current account, business, savings, credit card, ledger."""

from __future__ import annotations

from datetime import timedelta

from ..blocks import Doc, Heading, KeyValues, Mono, Para, Rule, Table
from ..fake import Faker
from ._common import ALL_LANGS, labels, num, random_style

L = {
    "statement": (
        "Account Statement",
        "Relevé de compte",
        "Kontoauszug",
        "Rekeningafschrift",
        "Wyciąg z rachunku",
        "Extracto de cuenta",
        "Estratto conto",
    ),
    "account": (
        "Account number",
        "Numéro de compte",
        "Kontonummer",
        "Rekeningnummer",
        "Numer rachunku",
        "Número de cuenta",
        "Numero conto",
    ),
    "holder": (
        "Account holder",
        "Titulaire",
        "Kontoinhaber",
        "Rekeninghouder",
        "Posiadacz rachunku",
        "Titular",
        "Intestatario",
    ),
    "period": (
        "Statement period",
        "Période",
        "Zeitraum",
        "Periode",
        "Okres",
        "Periodo",
        "Periodo",
    ),
    "date": ("Date", "Date", "Buchung", "Datum", "Data", "Fecha", "Data"),
    "value": (
        "Value date",
        "Valeur",
        "Valuta",
        "Valutadatum",
        "Data waluty",
        "Fecha valor",
        "Valuta",
    ),
    "desc": (
        "Description",
        "Libellé",
        "Verwendungszweck",
        "Omschrijving",
        "Opis operacji",
        "Concepto",
        "Descrizione",
    ),
    "debit": ("Debit", "Débit", "Soll", "Af", "Obciążenia", "Cargo", "Dare"),
    "credit": ("Credit", "Crédit", "Haben", "Bij", "Uznania", "Abono", "Avere"),
    "balance": ("Balance", "Solde", "Saldo", "Saldo", "Saldo", "Saldo", "Saldo"),
    "opening": (
        "Opening balance",
        "Solde précédent",
        "Alter Kontostand",
        "Beginsaldo",
        "Saldo początkowe",
        "Saldo anterior",
        "Saldo iniziale",
    ),
    "closing": (
        "Closing balance",
        "Nouveau solde",
        "Neuer Kontostand",
        "Eindsaldo",
        "Saldo końcowe",
        "Saldo final",
        "Saldo finale",
    ),
    "total_debits": (
        "Total debits",
        "Total des débits",
        "Summe Soll",
        "Totaal af",
        "Suma obciążeń",
        "Total cargos",
        "Totale dare",
    ),
    "total_credits": (
        "Total credits",
        "Total des crédits",
        "Summe Haben",
        "Totaal bij",
        "Suma uznań",
        "Total abonos",
        "Totale avere",
    ),
    "page": ("Page", "Page", "Blatt", "Blad", "Strona", "Página", "Pagina"),
    "notice": (
        "Please examine this statement promptly. If you find any discrepancy, "
        "notify us within 60 days of the statement date.",
        "Veuillez vérifier ce relevé dès réception et nous signaler toute "
        "anomalie dans un délai de 30 jours.",
        "Bitte prüfen Sie diesen Kontoauszug. Einwendungen gegen Rechnungs"
        "abschlüsse sind innerhalb von sechs Wochen zu erheben.",
        "Controleer dit afschrift. Onjuistheden graag binnen 30 dagen melden.",
        "Prosimy o sprawdzenie wyciągu. Reklamacje należy zgłaszać w ciągu 14 dni.",
        "Revise este extracto. Cualquier discrepancia debe comunicarse en un "
        "plazo de 30 días.",
        "Si prega di verificare l'estratto conto. Eventuali contestazioni "
        "entro 60 giorni.",
    ),
}

TX = {
    "en": [
        ("Direct deposit PAYROLL {co}", 1),
        ("POS purchase {shop}", -1),
        ("ATM withdrawal {city}", -1),
        ("Online transfer to savings", -1),
        ("Check #{n}", -1),
        ("Mortgage payment", -1),
        ("Electric utility autopay", -1),
        ("Interest paid", 1),
        ("Zelle from {name}", 1),
        ("Card purchase {shop}", -1),
        ("Monthly service fee", -1),
        ("Insurance premium", -1),
        ("Refund {shop}", 1),
        ("Mobile deposit", 1),
        ("Wire transfer fee", -1),
    ],
    "fr": [
        ("VIR SEPA SALAIRE {co}", 1),
        ("CB {shop}", -1),
        ("RETRAIT DAB {city}", -1),
        ("PRLV SEPA EDF", -1),
        ("PRLV SEPA LOYER", -1),
        ("VIR {name}", 1),
        ("CHQ N°{n}", -1),
        ("COTISATION CARTE", -1),
        ("REMBOURSEMENT CPAM", 1),
        ("PRLV ASSURANCE HABITATION", -1),
        ("FRAIS TENUE DE COMPTE", -1),
    ],
    "de": [
        ("Gehalt {co}", 1),
        ("Kartenzahlung {shop}", -1),
        ("Bargeldauszahlung {city}", -1),
        ("Lastschrift Stadtwerke", -1),
        ("Dauerauftrag Miete", -1),
        ("Überweisung von {name}", 1),
        ("Lastschrift Versicherung", -1),
        ("Kontoführungsentgelt", -1),
        ("Gutschrift Erstattung", 1),
        ("Lastschrift Rundfunkbeitrag", -1),
    ],
    "nl": [
        ("Salaris {co}", 1),
        ("Betaalautomaat {shop}", -1),
        ("Geldautomaat {city}", -1),
        ("Incasso energie", -1),
        ("Huur", -1),
        ("Overboeking van {name}", 1),
        ("Zorgverzekering", -1),
        ("Kosten betaalpakket", -1),
    ],
    "pl": [
        ("Wynagrodzenie {co}", 1),
        ("Płatność kartą {shop}", -1),
        ("Wypłata z bankomatu {city}", -1),
        ("Przelew czynsz", -1),
        ("Przelew od {name}", 1),
        ("Opłata za prowadzenie rachunku", -1),
        ("Zlecenie stałe prąd", -1),
        ("BLIK {shop}", -1),
    ],
    "es": [
        ("Nómina {co}", 1),
        ("Compra tarjeta {shop}", -1),
        ("Reintegro cajero {city}", -1),
        ("Recibo luz", -1),
        ("Alquiler", -1),
        ("Transferencia de {name}", 1),
        ("Bizum {name}", 1),
        ("Comisión mantenimiento", -1),
    ],
    "it": [
        ("Stipendio {co}", 1),
        ("Pagamento POS {shop}", -1),
        ("Prelievo bancomat {city}", -1),
        ("Addebito SDD utenze", -1),
        ("Affitto", -1),
        ("Bonifico da {name}", 1),
        ("Canone conto", -1),
        ("Imposta di bollo", -1),
    ],
}
SHOPS = [
    "AMAZON MKTPLACE",
    "SHELL 4471",
    "TESCO STORES",
    "STARBUCKS",
    "LIDL",
    "IKEA",
    "UBER TRIP",
    "NETFLIX.COM",
    "SPOTIFY",
    "REWE",
    "CARREFOUR",
    "ALBERT HEIJN",
    "BIEDRONKA",
    "MERCADONA",
    "ESSELUNGA",
    "DECATHLON",
]


def _transactions(
    fk: Faker, start, days: int, count: int, opening: float, pool=None
) -> tuple[list, float, float, float]:
    pool = pool or TX[fk.lang]
    entries = []
    for _ in range(count):
        text, sign = fk.pick(pool)
        text = text.format(
            co=fk.company().split()[0].upper(),
            shop=fk.pick(SHOPS),
            city=fk.city().upper(),
            n=fk.digits(4),
            name=fk.person().upper(),
        )
        low, high = (
            (900, 4200)
            if "PAYROLL" in text
            or "SALA" in text.upper()
            or "Gehalt" in text
            or "Nómina" in text
            or "Stipendio" in text
            or "Wynagrodzenie" in text
            else (3.5, 480)
        )
        entries.append(
            (
                start + timedelta(days=fk.randint(0, days)),
                text,
                sign * fk.money(low, high),
            )
        )
    entries.sort(key=lambda e: e[0])
    balance, debits, credits = opening, 0.0, 0.0
    rows = []
    for day, text, amount in entries:
        balance += amount
        if amount < 0:
            debits -= amount
        else:
            credits += amount
        rows.append((day, text, amount, balance))
    return rows, balance, debits, credits


EN_COLUMNS = [
    ("Debit", "Credit"),
    ("Withdrawals", "Deposits"),
    ("Paid out", "Paid in"),
    ("Dr. Amt", "Cr. Amt"),
    ("Money out", "Money in"),
    ("Debits", "Credits"),
]


def _labels(fk: Faker) -> dict:
    """Return the column labels, with the English debit/credit wording varied."""
    t = labels(L, fk.lang)
    if fk.lang == "en":
        t["debit"], t["credit"] = fk.pick(EN_COLUMNS)
    return t


def retail(fk: Faker) -> Doc:
    t = _labels(fk)
    cur = fk.currency()
    bank = fk.pick(
        [
            "First Meridian Bank",
            "Harbor Savings Bank",
            "Banque Atlantique",
            "Sparkasse Nordtal",
            "Volksbank Mittelland",
            "Bank Polski Zachód",
            "Banco del Norte",
            "Banca Valle",
        ]
    )
    holder = fk.person()
    start = fk.date().replace(day=1)
    days = fk.pick([29, 30, 90])
    opening = fk.money(200, 9000)
    rows, closing, debits, credits = _transactions(
        fk, start, days, fk.randint(8, 45), opening
    )
    table_rows = [
        [
            fk.fmt_date(d, "numeric"),
            text,
            num(fk, -a) if a < 0 else "",
            num(fk, a) if a > 0 else "",
            num(fk, b),
        ]
        for d, text, a, b in rows
    ]
    blocks = [
        Para(bank, bold=True, size=15),
        Para("\n".join(fk.address()), size=8),
        Heading(t["statement"], 1),
        Para("\n".join([holder, *fk.address()])),
        KeyValues(
            [
                (t["holder"], holder),
                (t["account"], fk.iban()),
                (
                    t["period"],
                    f"{fk.fmt_date(start)} – "
                    f"{fk.fmt_date(start + timedelta(days=days))}",
                ),
                ("BIC", fk.code("????##??")),
            ]
        ),
        Table(
            [],
            [
                [t["opening"], fk.fmt_money(opening, cur)],
                [t["total_credits"], fk.fmt_money(credits, cur)],
                [t["total_debits"], fk.fmt_money(debits, cur)],
                [t["closing"], fk.fmt_money(closing, cur)],
            ],
            widths=[3, 2],
            align=["L", "R"],
        ),
        Table(
            [t["date"], t["desc"], t["debit"], t["credit"], t["balance"]],
            [["", t["opening"], "", "", num(fk, opening)], *table_rows],
            widths=[1.6, 4.0, 1.3, 1.3, 1.4],
            align=["L", "L", "R", "R", "R"],
        ),
        Para(t["notice"], size=7.5),
    ]
    return Doc(
        "bank_statement",
        fk.lang,
        "retail",
        t["statement"],
        blocks,
        random_style(fk, table_style=fk.pick(["lines", "plain", "head"])),
    )


CURRENCY_WORD = {
    "en": "Currency",
    "fr": "Devise",
    "de": "Währung",
    "nl": "Valuta",
    "pl": "Waluta",
    "es": "Divisa",
    "it": "Valuta",
}


def business(fk: Faker) -> Doc:
    t = labels(L, fk.lang)
    cur = fk.currency()
    bank = fk.pick(
        [
            "Commerce Trust Bank",
            "Unity Business Bank",
            "Crédit Régional",
            "Handelsbank Süd",
            "ZuidBank Zakelijk",
        ]
    )
    holder = fk.company()
    start = fk.date().replace(day=1)
    pool = TX[fk.lang] + (
        [
            ("Customer payment INV-{n}", 1),
            ("Supplier payment {co}", -1),
            ("Payroll batch", -1),
            ("Card settlement merchant", 1),
            ("VAT payment HMRC", -1),
        ]
        if fk.lang == "en"
        else []
    )
    rows, closing, debits, credits = _transactions(
        fk, start, 30, fk.randint(15, 60), fk.money(5000, 90000), pool
    )
    table_rows = [
        [
            fk.fmt_date(d, "numeric"),
            fk.fmt_date(d + timedelta(days=fk.randint(0, 2)), "numeric"),
            text,
            num(fk, a),
            num(fk, b),
        ]
        for d, text, a, b in rows
    ]
    blocks = [
        Heading(f"{bank}", 2),
        Heading(f"{t['statement']} {fk.randint(1, 12)}/{start.year}", 1),
        KeyValues(
            [
                (t["holder"], holder),
                (t["account"], fk.iban()),
                (CURRENCY_WORD[fk.lang], cur),
            ],
            columns=1,
        ),
        Table(
            [t["date"], t["value"], t["desc"], cur, t["balance"]],
            table_rows,
            widths=[1.6, 1.6, 3.8, 1.4, 1.5],
            align=["L", "L", "L", "R", "R"],
        ),
        KeyValues(
            [
                (t["total_credits"], num(fk, credits)),
                (t["total_debits"], num(fk, debits)),
                (t["closing"], fk.fmt_money(closing, cur)),
            ]
        ),
        Para(t["notice"], size=7.5),
    ]
    return Doc(
        "bank_statement", fk.lang, "business", t["statement"], blocks, random_style(fk)
    )


def credit_card(fk: Faker) -> Doc:
    cur = fk.currency()
    bank = fk.pick(
        ["Summit Card Services", "Apex Rewards Visa", "Northstar Mastercard"]
    )
    holder = fk.person()
    close = fk.date()
    rows, balance, debits, credits = _transactions(
        fk,
        close - timedelta(days=30),
        30,
        fk.randint(10, 35),
        0.0,
        [("{shop}", -1)] * 6 + [("PAYMENT - THANK YOU", 1), ("{shop} REFUND", 1)],
    )
    owed = -balance
    table = [[fk.fmt_date(d, "numeric"), text, num(fk, -a)] for d, text, a, _ in rows]
    blocks = [
        Para(bank, bold=True, size=15),
        Heading("Credit Card Statement", 1),
        KeyValues(
            [
                ("Cardholder", holder),
                ("Account ending in", fk.digits(4)),
                ("Statement closing date", fk.fmt_date(close)),
                ("Payment due date", fk.fmt_date(close + timedelta(days=25))),
                ("New balance", fk.fmt_money(owed, cur)),
                ("Minimum payment due", fk.fmt_money(max(25, owed * 0.02), cur)),
                ("Credit limit", fk.fmt_money(fk.pick([3000, 5000, 12000]), cur)),
            ]
        ),
        Heading("Transactions", 2),
        Table(
            ["Trans. date", "Description", "Amount"],
            table,
            widths=[1.3, 5, 1.5],
            align=["L", "L", "R"],
        ),
        Heading("Interest charge calculation", 3),
        Table(
            ["Type of balance", "APR", "Balance subject to interest", "Interest"],
            [["Purchases", f"{fk.uniform(15, 29):.2f}%", num(fk, owed), num(fk, 0)]],
        ),
        Para(
            "Late payment warning: if we do not receive your minimum payment "
            "by the date listed above, you may have to pay a late fee of up "
            "to $40.",
            size=7.5,
        ),
    ]
    return Doc(
        "bank_statement",
        "en",
        "credit_card",
        "Credit Card Statement",
        blocks,
        random_style(fk),
    )


def savings(fk: Faker) -> Doc:
    t = labels(L, fk.lang)
    cur = fk.currency()
    holder = fk.person()
    start = fk.date()
    balance = fk.money(1000, 40000)
    lines = [
        f"{t['statement'].upper()}",
        f"{t['holder']}: {holder}",
        f"{t['account']}: {fk.iban()}",
        "",
        f"{t['date']:<12}{t['desc']:<34}{t['debit']:>11}{t['credit']:>11}"
        f"{t['balance']:>13}",
        "-" * 81,
        f"{fk.fmt_date(start, 'numeric'):<12}{t['opening']:<34}{'':>22}"
        f"{num(fk, balance):>13}",
    ]
    day = start
    for _ in range(fk.randint(4, 14)):
        day += timedelta(days=fk.randint(3, 30))
        text, sign = fk.pick(
            [
                ("Transfer in", 1),
                ("Interest", 1),
                ("Withdrawal", -1),
                ("Standing order", 1),
            ]
        )
        amount = fk.money(10, 1500)
        balance += sign * amount
        debit = num(fk, amount) if sign < 0 else ""
        credit = num(fk, amount) if sign > 0 else ""
        lines.append(
            f"{fk.fmt_date(day, 'numeric'):<12}{text:<34}{debit:>11}"
            f"{credit:>11}{num(fk, balance):>13}"
        )
    lines += ["-" * 81, f"{t['closing']:<56}{fk.fmt_money(balance, cur):>25}"]
    blocks = [
        Para(
            fk.pick(
                [
                    "Cooperative Savings Bank",
                    "Caisse d'Épargne du Lac",
                    "Sparkasse am See",
                    "Spaarbank Noord",
                ]
            ),
            bold=True,
        ),
        Mono(lines),
        Rule(),
        Para(t["notice"], size=7.5),
    ]
    return Doc(
        "bank_statement", fk.lang, "savings", t["statement"], blocks, random_style(fk)
    )


def ledger(fk: Faker) -> Doc:
    t = _labels(fk)
    cur = fk.currency()
    holder = fk.company()
    start = fk.date().replace(day=1)
    opening = fk.money(1000, 50000)
    pool = TX[fk.lang]
    rows, closing, debits, credits = _transactions(
        fk, start, 30, fk.randint(20, 70), opening, pool
    )
    table = [
        [
            fk.fmt_date(d, "numeric"),
            fk.code("######"),
            text,
            num(fk, -a) if a < 0 else "",
            num(fk, a) if a > 0 else "",
            num(fk, b),
        ]
        for d, text, a, b in rows
    ]
    blocks = [
        Heading(f"{t['statement']} – {holder}", 1),
        Para(
            f"{t['account']} {fk.digits(10)} · {t['period']} "
            f"{start.month:02d}/{start.year} · {cur}"
        ),
        Table(
            [
                t["date"],
                fk.pick(["Ref.", "Vr. No", "Voucher", "Doc. no"]),
                t["desc"],
                t["debit"],
                t["credit"],
                t["balance"],
            ],
            [
                ["", "", t["opening"], "", "", num(fk, opening)],
                *table,
                [
                    "",
                    "",
                    t["closing"],
                    num(fk, debits),
                    num(fk, credits),
                    num(fk, closing),
                ],
            ],
            widths=[1.6, 1.1, 3.6, 1.3, 1.3, 1.4],
            align=["L", "L", "L", "R", "R", "R"],
        ),
    ]
    return Doc(
        "bank_statement",
        fk.lang,
        "ledger",
        t["statement"],
        blocks,
        random_style(fk, table_style="grid", size=8.5),
    )


TEMPLATES = [
    ("retail", retail, ALL_LANGS),
    ("business", business, ALL_LANGS),
    ("credit_card", credit_card, ("en",)),
    ("savings", savings, ("en", "fr", "de", "nl")),
    ("ledger", ledger, ALL_LANGS),
]
