"""Invoices written as letters, some with a detachable payment slip.

Small firms and tradespeople often write an invoice as a business letter: a
salutation, a sentence saying what is charged, the amounts, a request to pay
and a closing. A classifier that reads the opening alone takes them for
letters, so the corpus needs them as invoices.
"""

from __future__ import annotations

from datetime import timedelta

from ..blocks import Doc, KeyValues, Para, Rule, Space, Table
from ..fake import Faker
from ._common import labels, num, party_lines, random_style

# Columns follow LANGS: en, fr, de, nl, pl, es, it.
LETTER = {
    "dear": (
        ("Dear customer,", "Dear {title} {last},", "Dear Sir or Madam,"),
        ("Madame, Monsieur,", "Chère cliente, cher client,", "{title} {last},"),
        (
            "Sehr geehrte Damen und Herren,",
            "Sehr geehrte Kundin, sehr geehrter Kunde,",
            "Guten Tag {title} {last},",
        ),
        ("Geachte klant,", "Geachte {title} {last},", "Beste {first},"),
        ("Szanowni Państwo,", "Szanowny Kliencie,", "Szanowna Pani,"),
        ("Estimado cliente:", "Estimado/a {title} {last}:", "Muy señores nuestros:"),
        ("Gentile cliente,", "Spettabile ditta,", "Gentile {title} {last},"),
    ),
    "titles": (
        ("Mr", "Ms", "Dr"),
        ("Monsieur", "Madame"),
        ("Herr", "Frau"),
        ("heer", "mevrouw"),
        ("Pan", "Pani"),
        ("Sr.", "Sra."),
        ("Sig.", "Sig.ra"),
    ),
    "intro": (
        (
            "please find below our invoice no. {number} for {what}.",
            "thank you for your order. For {what} we charge you as follows:",
            "as agreed, we are invoicing you for {what}. The details are below.",
        ),
        (
            "veuillez trouver ci-dessous notre facture n° {number} relative à {what}.",
            "nous vous remercions de votre commande. Pour {what}, nous vous "
            "facturons les montants suivants :",
        ),
        (
            "anbei erhalten Sie unsere Rechnung Nr. {number} für {what}.",
            "vielen Dank für Ihren Auftrag. Für {what} berechnen wir Ihnen:",
        ),
        (
            "hierbij ontvangt u onze factuur nr. {number} voor {what}.",
            "bedankt voor uw opdracht. Voor {what} brengen wij het volgende in "
            "rekening:",
        ),
        (
            "w załączeniu przesyłamy fakturę nr {number} za {what}.",
            "dziękujemy za zlecenie. Za {what} naliczamy następujące kwoty:",
        ),
        (
            "le remitimos nuestra factura n.º {number} por {what}.",
            "gracias por su pedido. Por {what} le facturamos lo siguiente:",
        ),
        (
            "le inviamo la fattura n. {number} relativa a {what}.",
            "la ringraziamo per l'ordine. Per {what} addebitiamo quanto segue:",
        ),
    ),
    "pay": (
        "Please transfer the amount of {total} by {due} to the account below, "
        "quoting the invoice number.",
        "Nous vous prions de régler la somme de {total} avant le {due} sur le "
        "compte ci-dessous, en rappelant le numéro de facture.",
        "Bitte überweisen Sie den Betrag von {total} bis zum {due} auf das unten "
        "genannte Konto und geben Sie die Rechnungsnummer an.",
        "Wij verzoeken u het bedrag van {total} vóór {due} over te maken op "
        "onderstaande rekening, onder vermelding van het factuurnummer.",
        "Prosimy o przelew kwoty {total} do dnia {due} na poniższy rachunek, z "
        "numerem faktury w tytule przelewu.",
        "Le rogamos transfiera el importe de {total} antes del {due} a la cuenta "
        "indicada, mencionando el número de factura.",
        "La preghiamo di versare l'importo di {total} entro il {due} sul conto "
        "indicato, citando il numero della fattura.",
    ),
    "close": (
        ("Kind regards,", "Yours faithfully,", "Best regards,"),
        (
            "Veuillez agréer, Madame, Monsieur, nos salutations distinguées.",
            "Cordialement,",
        ),
        ("Mit freundlichen Grüßen", "Freundliche Grüße"),
        ("Met vriendelijke groet,", "Hoogachtend,"),
        ("Z poważaniem", "Z wyrazami szacunku"),
        ("Atentamente,", "Un cordial saludo,"),
        ("Distinti saluti,", "Cordiali saluti,"),
    ),
    "slip": (
        "Payment slip",
        "Bulletin de versement",
        "Zahlschein",
        "Overschrijvingsformulier",
        "Polecenie przelewu",
        "Documento de pago",
        "Bollettino di pagamento",
    ),
    "holder": (
        "Account holder",
        "Titulaire du compte",
        "Kontoinhaber",
        "Rekeninghouder",
        "Odbiorca",
        "Titular de la cuenta",
        "Intestatario",
    ),
    "amount": ("Amount", "Montant", "Betrag", "Bedrag", "Kwota", "Importe", "Importo"),
    "payer": (
        "Payable by",
        "Payé par",
        "Einzahler",
        "Betaald door",
        "Zleceniodawca",
        "Pagador",
        "Eseguito da",
    ),
    "cut": (
        "Please detach and return with your payment",
        "À détacher et à joindre à votre paiement",
        "Bitte abtrennen und mit der Zahlung einreichen",
        "Afknippen en meesturen met uw betaling",
        "Odciąć i dołączyć do płatności",
        "Recorte y adjunte a su pago",
        "Staccare e allegare al pagamento",
    ),
}


def letter_invoice(fk: Faker) -> Doc:
    """Build an invoice that reads as a letter until its amounts."""
    from .invoice import SERVICES, L

    t = labels(L, fk.lang)
    s = labels(LETTER, fk.lang)
    cur = fk.currency()
    seller = fk.company() if fk.chance(0.6) else fk.person()
    client = fk.person()
    issued = fk.date()
    days = fk.pick([10, 14, 30])
    number = fk.code(fk.pick(["####", "R-####", "####/##", "F-###"]))
    services = fk.sample(SERVICES[fk.lang], fk.randint(1, 3))
    rows, net = [], 0.0
    for service in services:
        price = fk.money(60, 1800)
        net += price
        rows.append([service, num(fk, price)])
    rate = fk.vat_rate()
    tax = round(net * rate, 2)
    total = fk.fmt_money(net + tax, cur)
    due = fk.fmt_date(issued + timedelta(days=days), "long")

    blocks = [
        Para("\n".join(party_lines(fk, seller)), align=fk.pick(["L", "R"])),
        Space(4),
        Para("\n".join([client, *fk.address()])),
        Space(3),
        Para(f"{fk.city()}, {fk.fmt_date(issued, 'long')}", align="R"),
        Para(f"{t['invoice']} {number}", bold=True),
        *letter_opening(fk, number, services[0]),
    ]
    if fk.chance(0.6):
        footer = [[f"{t['vat']} {rate * 100:g}%", num(fk, tax)]]
        footer.append([t["total"], total])
        blocks.append(
            Table([t["desc"], t["amount"]], rows, align=["L", "R"], footer=footer)
        )
    else:
        lines = [f"{name}: {amount}" for name, amount in rows]
        lines += [
            f"{t['subtotal']}: {fk.fmt_money(net, cur)}",
            f"{t['vat']} {rate * 100:g}%: {fk.fmt_money(tax, cur)}",
            f"{t['total']}: {total}",
        ]
        blocks.append(Para("\n".join(lines)))
    blocks.append(Para(s["pay"].format(total=total, due=due)))
    blocks.append(KeyValues([("IBAN", fk.iban()), (t["reference"], number)]))
    blocks += [Para(fk.pick(s["close"])), Space(6), Para(seller)]
    if fk.chance(0.5):
        blocks += _payment_slip(fk, t, s, seller, client, total, number)
    return Doc(
        "invoice",
        fk.lang,
        "letter_invoice",
        f"{t['invoice']} {number}",
        blocks,
        random_style(fk),
    )


def letter_opening(fk: Faker, number: str, what: str) -> list:
    """Return a salutation and a cover sentence, for invoices that open like letters."""
    s = labels(LETTER, fk.lang)
    dear = fk.pick(s["dear"]).format(
        title=fk.pick(s["titles"]), last=fk.last_name(), first=fk.first_name()
    )
    if fk.lang != "de":  # German nouns keep their capital
        what = what.lower()
    intro = fk.pick(s["intro"]).format(number=number, what=what)
    if fk.lang in ("en", "es"):  # these start the body with a capital
        intro = intro[0].upper() + intro[1:]
    return [Para(dear), Para(intro)]


def _payment_slip(
    fk: Faker, t: dict, s: dict, seller: str, client: str, total: str, number: str
) -> list:
    """Return a detachable payment slip that repeats the amount and reference."""
    return [
        Rule(),
        Para(s["cut"], size=7, italic=True),
        Para(s["slip"], bold=True),
        KeyValues(
            [
                (s["holder"], seller),
                ("IBAN", fk.iban()),
                (s["amount"], total),
                (t["reference"], number),
                (s["payer"], client),
            ]
        ),
    ]
