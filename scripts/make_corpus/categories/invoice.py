"""Invoices: freelancer, SaaS, utility, wholesaler, telecom and trades."""

from __future__ import annotations

from datetime import timedelta

from ..blocks import Doc, Heading, KeyValues, Mono, Para, Rule, Space, Table
from ..fake import Faker
from ._common import ALL_LANGS, labels, num, party_lines, qty, random_style

L = {
    "invoice": (
        "Invoice",
        "Facture",
        "Rechnung",
        "Factuur",
        "Faktura VAT",
        "Factura",
        "Fattura",
    ),
    "tax_invoice": (
        "Tax Invoice",
        "Facture",
        "Rechnung",
        "Factuur",
        "Faktura VAT",
        "Factura",
        "Fattura elettronica",
    ),
    "number": (
        "Invoice No.",
        "N° de facture",
        "Rechnungsnummer",
        "Factuurnummer",
        "Numer faktury",
        "N.º de factura",
        "Numero fattura",
    ),
    "date": (
        "Invoice date",
        "Date de facture",
        "Rechnungsdatum",
        "Factuurdatum",
        "Data wystawienia",
        "Fecha de factura",
        "Data fattura",
    ),
    "due": (
        "Due date",
        "Date d'échéance",
        "Fällig am",
        "Vervaldatum",
        "Termin płatności",
        "Fecha de vencimiento",
        "Scadenza",
    ),
    "bill_to": (
        "Bill to",
        "Facturé à",
        "Rechnungsempfänger",
        "Factuuradres",
        "Nabywca",
        "Facturar a",
        "Intestatario",
    ),
    "from": (
        "From",
        "Émetteur",
        "Absender",
        "Van",
        "Sprzedawca",
        "Emisor",
        "Fornitore",
    ),
    "desc": (
        "Description",
        "Désignation",
        "Beschreibung",
        "Omschrijving",
        "Nazwa towaru/usługi",
        "Concepto",
        "Descrizione",
    ),
    "qty": ("Qty", "Qté", "Menge", "Aantal", "Ilość", "Cant.", "Q.tà"),
    "hours": ("Hours", "Heures", "Stunden", "Uren", "Godziny", "Horas", "Ore"),
    "rate": (
        "Rate",
        "Taux horaire",
        "Stundensatz",
        "Tarief",
        "Stawka",
        "Tarifa",
        "Tariffa",
    ),
    "unit_price": (
        "Unit price",
        "Prix unitaire HT",
        "Einzelpreis",
        "Prijs per stuk",
        "Cena jedn. netto",
        "Precio unitario",
        "Prezzo unitario",
    ),
    "amount": (
        "Amount",
        "Montant HT",
        "Betrag",
        "Bedrag",
        "Wartość netto",
        "Importe",
        "Importo",
    ),
    "subtotal": (
        "Subtotal",
        "Total HT",
        "Zwischensumme",
        "Subtotaal",
        "Razem netto",
        "Base imponible",
        "Imponibile",
    ),
    "vat": ("VAT", "TVA", "MwSt.", "BTW", "VAT", "IVA", "IVA"),
    "sales_tax": ("Sales tax", "TVA", "USt.", "BTW", "Podatek VAT", "IVA", "IVA"),
    "total": (
        "Total due",
        "Total TTC",
        "Gesamtbetrag",
        "Totaal te betalen",
        "Do zapłaty",
        "Total a pagar",
        "Totale da pagare",
    ),
    "payment": (
        "Payment details",
        "Modalités de paiement",
        "Zahlungsinformationen",
        "Betaalgegevens",
        "Sposób płatności",
        "Forma de pago",
        "Modalità di pagamento",
    ),
    "terms": (
        "Payment terms",
        "Conditions de règlement",
        "Zahlungsbedingungen",
        "Betalingsvoorwaarden",
        "Warunki płatności",
        "Condiciones de pago",
        "Termini di pagamento",
    ),
    "vat_id": (
        "VAT number",
        "N° TVA intracommunautaire",
        "USt-IdNr.",
        "BTW-nummer",
        "NIP",
        "NIF",
        "Partita IVA",
    ),
    "customer_no": (
        "Customer no.",
        "N° client",
        "Kundennummer",
        "Klantnummer",
        "Nr klienta",
        "N.º cliente",
        "Codice cliente",
    ),
    "order_ref": (
        "Your order",
        "Votre commande",
        "Ihre Bestellung",
        "Uw bestelling",
        "Zamówienie",
        "Su pedido",
        "Vs. ordine",
    ),
    "thanks": (
        "Thank you for your business.",
        "Merci pour votre confiance.",
        "Vielen Dank für Ihren Auftrag.",
        "Bedankt voor uw opdracht.",
        "Dziękujemy za współpracę.",
        "Gracias por su confianza.",
        "Grazie per averci scelto.",
    ),
    "pay_within": (
        "Please pay within {n} days of the invoice date.",
        "Paiement à {n} jours à réception de facture.",
        "Zahlbar innerhalb von {n} Tagen ohne Abzug.",
        "Gelieve binnen {n} dagen na factuurdatum te betalen.",
        "Płatne w terminie {n} dni od daty wystawienia.",
        "Pago a {n} días desde la fecha de factura.",
        "Pagamento a {n} giorni data fattura.",
    ),
    "late": (
        "Late payments are subject to interest of 1.5% per month.",
        "Tout retard de paiement entraîne une indemnité forfaitaire de 40 € "
        "pour frais de recouvrement.",
        "Bei Zahlungsverzug berechnen wir Verzugszinsen gemäß § 288 BGB.",
        "Bij te late betaling wordt wettelijke rente in rekening gebracht.",
        "Za opóźnienie w płatności naliczane są odsetki ustawowe.",
        "Los pagos atrasados devengarán intereses de demora.",
        "In caso di ritardato pagamento saranno applicati gli interessi di mora.",
    ),
    "bank": (
        "Bank transfer to",
        "Virement bancaire sur",
        "Überweisung an",
        "Overmaken naar",
        "Przelew na rachunek",
        "Transferencia a",
        "Bonifico bancario su",
    ),
    "reference": (
        "Reference",
        "Référence",
        "Verwendungszweck",
        "Kenmerk",
        "Tytułem",
        "Referencia",
        "Causale",
    ),
    "period": (
        "Billing period",
        "Période de facturation",
        "Abrechnungszeitraum",
        "Factuurperiode",
        "Okres rozliczeniowy",
        "Periodo de facturación",
        "Periodo di fatturazione",
    ),
    "account": (
        "Account number",
        "N° de compte client",
        "Vertragskonto",
        "Klantnummer",
        "Numer konta klienta",
        "N.º de contrato",
        "Codice contratto",
    ),
    "discount": (
        "Discount",
        "Remise",
        "Rabatt",
        "Korting",
        "Rabat",
        "Descuento",
        "Sconto",
    ),
    "unit": ("Unit", "Unité", "Einheit", "Eenheid", "J.m.", "Unidad", "U.M."),
    "item_no": ("Item no.", "Réf.", "Art.-Nr.", "Artikelnr.", "Kod", "Ref.", "Cod."),
    "vat_rate": (
        "VAT rate",
        "Taux TVA",
        "MwSt.-Satz",
        "BTW-tarief",
        "Stawka VAT",
        "Tipo IVA",
        "Aliquota",
    ),
    "net": ("Net", "Base HT", "Netto", "Netto", "Netto", "Base", "Imponibile"),
    "gross": ("Gross", "TTC", "Brutto", "Bruto", "Brutto", "Total", "Totale"),
    "delivery": (
        "Delivery note",
        "Bon de livraison",
        "Lieferschein",
        "Pakbon",
        "WZ",
        "Albarán",
        "DDT",
    ),
    "sale_date": (
        "Date of supply",
        "Date de prestation",
        "Leistungsdatum",
        "Leveringsdatum",
        "Data sprzedaży",
        "Fecha de operación",
        "Data consegna",
    ),
}

SERVICES = {
    "en": [
        "Website redesign",
        "Logo and brand identity",
        "Copywriting for landing page",
        "Photography session",
        "Data analysis consulting",
        "Translation services",
        "Bookkeeping, monthly",
        "Mobile app UI design",
        "Video editing",
        "SEO audit",
        "Workshop facilitation",
        "Backend development",
        "Technical writing",
    ],
    "fr": [
        "Refonte du site internet",
        "Création de logo",
        "Rédaction de contenus",
        "Séance photo",
        "Conseil en analyse de données",
        "Traduction anglais-français",
        "Tenue de comptabilité",
        "Développement web",
        "Formation professionnelle",
        "Audit SEO",
    ],
    "de": [
        "Webdesign und Umsetzung",
        "Logoentwicklung",
        "Texterstellung",
        "Fotoshooting",
        "Beratungsleistung Datenanalyse",
        "Übersetzung",
        "Buchhaltung",
        "Softwareentwicklung",
        "Workshop-Moderation",
        "Suchmaschinenoptimierung",
    ],
    "nl": [
        "Ontwerp website",
        "Logo-ontwerp",
        "Tekstschrijven",
        "Fotografie",
        "Adviesuren",
        "Vertaalwerk",
        "Boekhouding",
        "Softwareontwikkeling",
    ],
    "pl": [
        "Projekt strony internetowej",
        "Projekt logo",
        "Usługi programistyczne",
        "Tłumaczenie dokumentów",
        "Usługi księgowe",
        "Doradztwo IT",
        "Sesja zdjęciowa",
        "Szkolenie pracowników",
    ],
    "es": [
        "Diseño de página web",
        "Diseño de logotipo",
        "Redacción de contenidos",
        "Servicios de traducción",
        "Asesoría contable",
        "Desarrollo de software",
        "Consultoría",
    ],
    "it": [
        "Realizzazione sito web",
        "Progettazione logo",
        "Consulenza informatica",
        "Traduzione documenti",
        "Servizi di contabilità",
        "Sviluppo software",
        "Servizio fotografico",
    ],
}

GOODS = {
    "en": [
        ("Copy paper A4 80g, box of 5 reams", "box"),
        ("Nitrile gloves, size M", "box"),
        ("Stainless steel bolts M8x40", "pack"),
        ("LED panel 60x60 40W", "pcs"),
        ("Cable ties 300mm", "bag"),
        ("Pallet wrap film", "roll"),
        ("Olive oil extra virgin 5L", "can"),
        ("Ground coffee 1kg", "bag"),
        ("Safety helmet EN397", "pcs"),
        ("Ethernet cable Cat6 3m", "pcs"),
        ("Toner cartridge black", "pcs"),
        ("Cardboard boxes 40x30x30", "bundle"),
        ("Hand sanitizer 500ml", "bottle"),
        ("Wood screws 4x40", "box"),
    ],
    "fr": [
        ("Ramettes papier A4 80g", "carton"),
        ("Gants nitrile taille M", "boîte"),
        ("Vis inox M8x40", "sachet"),
        ("Dalle LED 60x60", "pce"),
        ("Huile d'olive vierge extra 5L", "bidon"),
        ("Café moulu 1kg", "paquet"),
        ("Casque de chantier", "pce"),
        ("Cartouche de toner noir", "pce"),
        ("Cartons d'emballage", "lot"),
        ("Gel hydroalcoolique 500ml", "flacon"),
    ],
    "de": [
        ("Kopierpapier A4 80g", "Karton"),
        ("Nitrilhandschuhe Gr. M", "Packung"),
        ("Sechskantschrauben M8x40", "Pack"),
        ("LED-Panel 60x60", "Stk."),
        ("Kabelbinder 300 mm", "Beutel"),
        ("Stretchfolie", "Rolle"),
        ("Röstkaffee 1 kg", "Beutel"),
        ("Schutzhelm EN397", "Stk."),
        ("Tonerkartusche schwarz", "Stk."),
        ("Versandkartons", "Bund"),
    ],
    "nl": [
        ("Printpapier A4 80g", "doos"),
        ("Nitril handschoenen M", "doos"),
        ("Bouten M8x40", "pak"),
        ("LED-paneel 60x60", "st."),
        ("Koffiebonen 1kg", "zak"),
        ("Tonercartridge zwart", "st."),
        ("Verhuisdozen", "bundel"),
    ],
    "pl": [
        ("Papier ksero A4 80g", "karton"),
        ("Rękawice nitrylowe M", "opak."),
        ("Śruby M8x40", "opak."),
        ("Panel LED 60x60", "szt."),
        ("Kawa mielona 1kg", "szt."),
        ("Toner czarny", "szt."),
        ("Kartony wysyłkowe", "szt."),
    ],
    "es": [
        ("Papel A4 80g", "caja"),
        ("Guantes de nitrilo talla M", "caja"),
        ("Tornillos M8x40", "paquete"),
        ("Panel LED 60x60", "ud."),
        ("Aceite de oliva virgen extra 5L", "garrafa"),
        ("Café molido 1kg", "ud."),
        ("Tóner negro", "ud."),
    ],
    "it": [
        ("Carta A4 80g", "scatola"),
        ("Guanti in nitrile taglia M", "scatola"),
        ("Viti M8x40", "conf."),
        ("Pannello LED 60x60", "pz"),
        ("Olio extravergine di oliva 5L", "latta"),
        ("Caffè macinato 1kg", "pz"),
        ("Toner nero", "pz"),
    ],
}


def _header_block(fk: Faker, t: dict, seller: str, doc_title: str) -> list:
    lines = party_lines(fk, seller)
    blocks = [Heading(doc_title, 1)]
    if fk.chance(0.5):
        blocks = [Para(seller, bold=True, size=14)] + [Para("\n".join(lines[1:]))]
        blocks.append(Heading(doc_title, 1))
    else:
        blocks.append(Para("\n".join(lines)))
    if fk.chance(0.7):
        blocks.append(Para(f"{t['vat_id']}: {fk.vat_id()}"))
    return blocks


def _totals(
    fk: Faker, t: dict, net: float, rate: float, cur: str, tax_key: str = "vat"
) -> list[list[str]]:
    tax = round(net * rate, 2)
    rows = [[t["subtotal"], fk.fmt_money(net, cur)]]
    if rate or fk.chance(0.5):
        rows.append([f"{t[tax_key]} {rate * 100:g}%", fk.fmt_money(tax, cur)])
    rows.append([t["total"], fk.fmt_money(net + tax, cur)])
    return rows


def _payment(fk: Faker, t: dict, seller: str, number: str, days: int) -> list:
    pairs = [(t["bank"], seller), ("IBAN", fk.iban())]
    if fk.chance(0.6):
        pairs.append(("BIC", fk.code("????????")))
    pairs.append((t["reference"], number))
    blocks = [Heading(t["payment"], 3), KeyValues(pairs)]
    blocks.append(Para(t["pay_within"].format(n=days)))
    if fk.chance(0.5):
        blocks.append(Para(t["late"], size=8))
    return blocks


def freelancer(fk: Faker) -> Doc:
    t = labels(L, fk.lang)
    cur = fk.currency()
    seller = fk.person()
    client = fk.company()
    issued = fk.date()
    days = fk.pick([14, 30, 30, 45])
    number = fk.code(fk.pick(["####-##", "INV-####", "F####", "###", "RE-####"]))
    blocks = _header_block(fk, t, seller, t["invoice"])
    blocks.append(
        KeyValues(
            [
                (t["number"], number),
                (t["date"], fk.fmt_date(issued)),
                (t["due"], fk.fmt_date(issued + timedelta(days=days))),
            ]
        )
    )
    blocks += [Heading(t["bill_to"], 3), Para("\n".join(party_lines(fk, client)))]
    if fk.chance(0.3):  # a cover sentence in place of a bare table
        blocks += letter_opening(fk, number, fk.pick(SERVICES[fk.lang]))
    rows, net = [], 0.0
    rate_h = fk.pick([45, 55, 60, 75, 85, 95, 120])
    for service in fk.sample(SERVICES[fk.lang], fk.randint(1, 5)):
        hours = fk.pick([1, 2, 2.5, 4, 6, 8, 10, 12.5, 16, 20])
        amount = hours * rate_h
        net += amount
        rows.append([service, qty(fk, hours), num(fk, rate_h), num(fk, amount)])
    rate = fk.vat_rate()
    blocks.append(
        Table(
            [t["desc"], t["hours"], t["rate"], t["amount"]],
            rows,
            widths=[5, 1.2, 1.5, 1.8],
            align=["L", "R", "R", "R"],
            footer=[["", "", a, b] for a, b in _totals(fk, t, net, rate, cur)],
        )
    )
    blocks += _payment(fk, t, seller, number, days)
    if fk.chance(0.6):
        blocks.append(Para(t["thanks"], italic=True))
    return Doc(
        "invoice",
        fk.lang,
        "freelancer",
        f"{t['invoice']} {number}",
        blocks,
        random_style(fk),
    )


SAAS_PLANS = ["Starter", "Team", "Business", "Pro", "Growth", "Enterprise"]


def saas(fk: Faker) -> Doc:
    t = labels(L, fk.lang)
    cur = fk.currency()
    vendor = (
        fk.pick(
            [
                "Cloudnest",
                "Taskly",
                "Datawise",
                "Formstack Lite",
                "Pixelhub",
                "Mailbeam",
                "Securo",
                "Tracklane",
            ]
        )
        + " "
        + fk.pick(["Inc.", "Ltd", "GmbH", "B.V.", "SAS"])
    )
    customer = fk.company()
    start = fk.date().replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    number = fk.code(fk.pick(["INV-20##-#####", "##??##-000#", "C-########"]))
    blocks = [
        Para(vendor, bold=True, size=16),
        Heading(t["invoice"], 1),
        KeyValues(
            [
                (t["number"], number),
                (t["date"], fk.fmt_date(end)),
                (
                    t["period"],
                    f"{fk.fmt_date(start, 'iso')} – {fk.fmt_date(end, 'iso')}",
                ),
                (t["customer_no"], fk.code("cus_??##??##")),
            ],
            columns=1,
        ),
        Heading(t["bill_to"], 3),
        Para("\n".join(party_lines(fk, customer))),
    ]
    seats = fk.randint(2, 60)
    price = fk.pick([8, 12, 15, 19, 29, 49])
    plan = fk.pick(SAAS_PLANS)
    rows = [
        [
            f"{plan} plan ({seats} seats)",
            str(seats),
            num(fk, price),
            num(fk, seats * price),
        ]
    ]
    net = seats * price
    for extra, low, high in [
        ("Additional storage 100 GB", 5, 40),
        ("API calls overage", 3, 90),
        ("Premium support", 49, 199),
        ("SSO add-on", 20, 120),
    ]:
        if fk.chance(0.35):
            amount = fk.money(low, high)
            net += amount
            rows.append([extra, "1", num(fk, amount), num(fk, amount)])
    rate = fk.vat_rate()
    blocks.append(
        Table(
            [t["desc"], t["qty"], t["unit_price"], t["amount"]],
            rows,
            widths=[5, 1, 1.6, 1.6],
            align=["L", "R", "R", "R"],
        )
    )
    blocks.append(
        Table(
            [],
            _totals(fk, t, net, rate, cur, "sales_tax"),
            widths=[3, 1.5],
            align=["R", "R"],
        )
    )
    if fk.chance(0.5):
        blocks.append(
            Para(
                f"Paid by Visa ending in {fk.digits(4)} on "
                f"{fk.fmt_date(end)}. No action is required."
            )
        )
    else:
        blocks += _payment(fk, t, vendor, number, 30)
    blocks.append(
        Para(f"Questions? billing@{fk.slug(vendor.split()[0])}.example", size=8)
    )
    return Doc(
        "invoice",
        fk.lang,
        "saas",
        f"{t['invoice']} {number}",
        blocks,
        random_style(fk, table_style="lines"),
    )


UTILITY_TEXT = {
    "en": (
        "Electricity",
        "Meter readings",
        "Meter",
        "Previous",
        "Current",
        "Consumption",
        "Standing charge",
        "Energy charge",
        "days",
        "Your direct debit of {amt} will be collected on or after {date}.",
        "Compare your usage: last year in the same period you used {k} kWh.",
    ),
    "fr": (
        "Électricité",
        "Relevés de compteur",
        "Compteur",
        "Ancien index",
        "Nouvel index",
        "Consommation",
        "Abonnement",
        "Consommation énergie",
        "jours",
        "Le montant de {amt} sera prélevé à partir du {date}.",
        "À la même période l'an dernier, vous aviez consommé {k} kWh.",
    ),
    "de": (
        "Strom",
        "Zählerstände",
        "Zähler",
        "Alter Stand",
        "Neuer Stand",
        "Verbrauch",
        "Grundpreis",
        "Arbeitspreis",
        "Tage",
        "Der Betrag von {amt} wird ab dem {date} per Lastschrift eingezogen.",
        "Im Vorjahreszeitraum betrug Ihr Verbrauch {k} kWh.",
    ),
    "nl": (
        "Elektriciteit",
        "Meterstanden",
        "Meter",
        "Vorige stand",
        "Huidige stand",
        "Verbruik",
        "Vastrecht",
        "Leveringskosten",
        "dagen",
        "Het bedrag van {amt} wordt rond {date} automatisch afgeschreven.",
        "Vorig jaar verbruikte u in dezelfde periode {k} kWh.",
    ),
    "pl": (
        "Energia elektryczna",
        "Odczyty licznika",
        "Licznik",
        "Poprzedni",
        "Bieżący",
        "Zużycie",
        "Opłata stała",
        "Energia czynna",
        "dni",
        "Kwota {amt} zostanie pobrana z rachunku po {date}.",
        "W analogicznym okresie ubiegłego roku zużycie wyniosło {k} kWh.",
    ),
    "es": (
        "Electricidad",
        "Lecturas del contador",
        "Contador",
        "Lectura anterior",
        "Lectura actual",
        "Consumo",
        "Término de potencia",
        "Término de energía",
        "días",
        "El importe de {amt} se cargará en su cuenta a partir del {date}.",
        "En el mismo periodo del año anterior consumió {k} kWh.",
    ),
    "it": (
        "Energia elettrica",
        "Letture del contatore",
        "Contatore",
        "Lettura precedente",
        "Lettura attuale",
        "Consumo",
        "Quota fissa",
        "Quota energia",
        "giorni",
        "L'importo di {amt} sarà addebitato sul conto dal {date}.",
        "Nello stesso periodo dell'anno scorso ha consumato {k} kWh.",
    ),
}


def utility(fk: Faker) -> Doc:
    t = labels(L, fk.lang)
    u = UTILITY_TEXT[fk.lang]
    cur = fk.currency()
    supplier = (
        fk.pick(COMPANY_POWER)
        + " "
        + fk.pick(["Energy", "Power", "Utilities", "Energie", "Énergie"])
    )
    customer = fk.person()
    start = fk.date()
    days = fk.randint(28, 92)
    end = start + timedelta(days=days)
    prev = fk.randint(10000, 90000)
    used = fk.randint(150, 1400)
    price = fk.uniform(0.18, 0.42)
    standing = fk.uniform(0.25, 0.6)
    energy = round(used * price, 2)
    stand = round(days * standing, 2)
    net = energy + stand
    blocks = [
        Para(supplier, bold=True, size=15),
        Heading(f"{t['invoice']} – {u[0]}", 1),
        Para("\n".join([customer, *fk.address()])),
        KeyValues(
            [
                (t["account"], fk.digits(10)),
                (t["number"], fk.digits(12)),
                (t["date"], fk.fmt_date(end + timedelta(days=3))),
                (
                    t["period"],
                    f"{fk.fmt_date(start, 'numeric')} – {fk.fmt_date(end, 'numeric')}",
                ),
            ]
        ),
        Heading(u[1], 2),
        Table(
            [u[2], u[3], u[4], u[5]],
            [[fk.code("#########"), str(prev), str(prev + used), f"{used} kWh"]],
            align=["L", "R", "R", "R"],
        ),
        Table(
            [t["desc"], t["qty"], t["unit_price"], t["amount"]],
            [
                [u[6], f"{days} {u[8]}", num(fk, standing), num(fk, stand)],
                [u[7], f"{used} kWh", f"{price:.4f}", num(fk, energy)],
            ],
            widths=[4, 2, 1.5, 1.5],
            align=["L", "R", "R", "R"],
            footer=[["", "", a, b] for a, b in _totals(fk, t, net, fk.vat_rate(), cur)],
        ),
        Para(
            u[9].format(
                amt=fk.fmt_money(net * 1.1, cur),
                date=fk.fmt_date(end + timedelta(days=17)),
            )
        ),
        Para(u[10].format(k=used + fk.randint(-120, 150)), italic=True),
    ]
    return Doc(
        "invoice",
        fk.lang,
        "utility",
        f"{t['invoice']} {u[0]}",
        blocks,
        random_style(fk),
    )


COMPANY_POWER = [
    "Greenfield",
    "Northgrid",
    "Rivervolt",
    "Sunline",
    "Stadtwerke Nord",
    "Lumière",
    "Polder",
    "Brightwatt",
]


def wholesaler(fk: Faker) -> Doc:
    t = labels(L, fk.lang)
    cur = fk.currency()
    seller = fk.company()
    buyer = fk.company()
    issued = fk.date()
    number = fk.code(
        fk.pick(["FV/####/##/20##", "R########", "2025-#####", "A######", "##/####"])
    )
    title = t["tax_invoice"] if fk.chance(0.3) else t["invoice"]
    blocks = _header_block(fk, t, seller, f"{title} {number}")
    blocks.append(
        KeyValues(
            [
                (t["date"], fk.fmt_date(issued)),
                (
                    t["sale_date"],
                    fk.fmt_date(issued - timedelta(days=fk.randint(0, 5))),
                ),
                (t["customer_no"], fk.digits(6)),
                (t["order_ref"], fk.code("PO-#####")),
                (t["delivery"], fk.code("LS######")),
            ],
            columns=2,
        )
    )
    blocks += [Heading(t["bill_to"], 3), Para("\n".join(party_lines(fk, buyer)))]
    rows, net = [], 0.0
    goods = GOODS[fk.lang]
    for name, unit in fk.sample(goods, fk.randint(3, min(12, len(goods)))):
        q = fk.randint(1, 80)
        price = fk.money(0.8, 120)
        disc = fk.pick([0, 0, 0, 5, 10])
        amount = round(q * price * (1 - disc / 100), 2)
        net += amount
        rows.append(
            [
                fk.code("####-##"),
                name,
                str(q),
                unit,
                num(fk, price),
                f"{disc}%" if disc else "",
                num(fk, amount),
            ]
        )
    rate = fk.vat_rate()
    blocks.append(
        Table(
            [
                t["item_no"],
                t["desc"],
                t["qty"],
                t["unit"],
                t["unit_price"],
                t["discount"],
                t["amount"],
            ],
            rows,
            widths=[1.4, 4.6, 0.8, 1, 1.4, 1, 1.6],
            align=["L", "L", "R", "L", "R", "R", "R"],
        )
    )
    tax = round(net * rate, 2)
    blocks.append(
        Table(
            [t["vat_rate"], t["net"], t["vat"], t["gross"]],
            [[f"{rate * 100:g}%", num(fk, net), num(fk, tax), num(fk, net + tax)]],
            align=["L", "R", "R", "R"],
        )
    )
    blocks.append(
        Para(f"{t['total']}: {fk.fmt_money(net + tax, cur)}", bold=True, align="R")
    )
    blocks += _payment(fk, t, seller, number, fk.pick([14, 30, 60]))
    return Doc(
        "invoice", fk.lang, "wholesaler", f"{title} {number}", blocks, random_style(fk)
    )


TELECOM = {
    "en": (
        "Mobile plan",
        "Data add-on 10 GB",
        "Roaming charges",
        "International calls",
        "Device instalment",
        "Usage details",
        "Date",
        "Number called",
        "Duration",
        "Cost",
    ),
    "fr": (
        "Forfait mobile",
        "Option data 10 Go",
        "Frais d'itinérance",
        "Appels internationaux",
        "Paiement échelonné du téléphone",
        "Détail des communications",
        "Date",
        "Numéro appelé",
        "Durée",
        "Coût",
    ),
    "de": (
        "Mobilfunktarif",
        "Datenpaket 10 GB",
        "Roaming-Entgelte",
        "Auslandsgespräche",
        "Gerätefinanzierung",
        "Einzelverbindungsnachweis",
        "Datum",
        "Rufnummer",
        "Dauer",
        "Betrag",
    ),
    "nl": (
        "Abonnement mobiel",
        "Databundel 10 GB",
        "Roamingkosten",
        "Internationale gesprekken",
        "Toestelbetaling",
        "Specificatie gebruik",
        "Datum",
        "Gebeld nummer",
        "Duur",
        "Kosten",
    ),
    "pl": (
        "Abonament komórkowy",
        "Pakiet danych 10 GB",
        "Roaming",
        "Połączenia międzynarodowe",
        "Rata za telefon",
        "Wykaz połączeń",
        "Data",
        "Numer",
        "Czas",
        "Koszt",
    ),
    "es": (
        "Tarifa móvil",
        "Bono de datos 10 GB",
        "Itinerancia",
        "Llamadas internacionales",
        "Cuota del terminal",
        "Detalle de consumo",
        "Fecha",
        "Número llamado",
        "Duración",
        "Importe",
    ),
    "it": (
        "Piano mobile",
        "Opzione dati 10 GB",
        "Costi di roaming",
        "Chiamate internazionali",
        "Rata smartphone",
        "Dettaglio traffico",
        "Data",
        "Numero chiamato",
        "Durata",
        "Costo",
    ),
}


def telecom(fk: Faker) -> Doc:
    t = labels(L, fk.lang)
    w = TELECOM[fk.lang]
    cur = fk.currency()
    carrier = (
        fk.pick(["Telvio", "Mobiline", "Skyra", "Connecta", "Orbitel", "Netwave"])
        + " "
        + fk.pick(["Mobile", "Telecom", "Wireless"])
    )
    customer = fk.person()
    end = fk.date()
    start = end - timedelta(days=30)
    number = fk.digits(11)
    amounts = [(w[0], fk.pick([19.99, 25, 35, 45, 59.9]))]
    for item in w[1:5]:
        if fk.chance(0.45):
            amounts.append((item, fk.money(2, 40)))
    net = sum(a for _, a in amounts)
    charges = [[label, num(fk, a)] for label, a in amounts]
    blocks = [
        Para(carrier, bold=True, size=15),
        Heading(t["invoice"], 1),
        Para("\n".join([customer, *fk.address()])),
        KeyValues(
            [
                (t["account"], fk.code("###-###-####")),
                (t["number"], number),
                (t["period"], f"{fk.fmt_date(start)} - {fk.fmt_date(end)}"),
                (t["due"], fk.fmt_date(end + timedelta(days=21))),
            ]
        ),
        Table(
            [t["desc"], t["amount"]],
            charges,
            widths=[5, 1.5],
            align=["L", "R"],
            footer=_totals(fk, t, net, fk.vat_rate(), cur),
        ),
    ]
    if fk.chance(0.7):
        usage = []
        for _ in range(fk.randint(5, 18)):
            day = start + timedelta(days=fk.randint(0, 29))
            usage.append(
                [
                    fk.fmt_date(day, "numeric"),
                    fk.phone(),
                    f"{fk.randint(0, 45)}:{fk.randint(0, 59):02d}",
                    num(fk, fk.money(0, 3.5)),
                ]
            )
        usage.sort()
        blocks += [
            Heading(w[5], 2),
            Table(list(w[6:10]), usage, align=["L", "L", "R", "R"]),
        ]
    blocks += _payment(fk, t, carrier, number, 21)
    return Doc(
        "invoice",
        fk.lang,
        "telecom",
        f"{t['invoice']} {carrier}",
        blocks,
        random_style(fk),
    )


TRADES = {
    "en": [
        ("Labour", "h"),
        ("Call-out fee", "flat"),
        ("Copper pipe 15mm", "m"),
        ("Boiler service", "flat"),
        ("Wall tiles", "m²"),
        ("Paint, white matt 10L", "pcs"),
        ("Disposal of old materials", "flat"),
    ],
    "fr": [
        ("Main d'œuvre", "h"),
        ("Frais de déplacement", "forfait"),
        ("Tube cuivre 15mm", "m"),
        ("Entretien chaudière", "forfait"),
        ("Carrelage mural", "m²"),
        ("Peinture blanche mate 10L", "pce"),
    ],
    "de": [
        ("Arbeitszeit Geselle", "Std."),
        ("Anfahrtspauschale", "psch."),
        ("Kupferrohr 15 mm", "m"),
        ("Heizungswartung", "psch."),
        ("Wandfliesen", "m²"),
        ("Dispersionsfarbe weiß 10 l", "Stk."),
    ],
    "nl": [
        ("Arbeidsloon", "uur"),
        ("Voorrijkosten", "post"),
        ("Koperen buis 15mm", "m"),
        ("Onderhoud cv-ketel", "post"),
        ("Wandtegels", "m²"),
    ],
    "pl": [
        ("Robocizna", "godz."),
        ("Dojazd", "usł."),
        ("Rura miedziana 15mm", "m"),
        ("Przegląd kotła", "usł."),
        ("Płytki ścienne", "m²"),
    ],
    "es": [
        ("Mano de obra", "h"),
        ("Desplazamiento", "ud."),
        ("Tubo de cobre 15mm", "m"),
        ("Revisión de caldera", "ud."),
        ("Azulejos", "m²"),
    ],
    "it": [
        ("Manodopera", "ore"),
        ("Diritto di chiamata", "forf."),
        ("Tubo rame 15mm", "m"),
        ("Manutenzione caldaia", "forf."),
        ("Piastrelle", "m²"),
    ],
}


def trades(fk: Faker) -> Doc:
    t = labels(L, fk.lang)
    cur = fk.currency()
    seller = fk.company()
    customer = fk.person()
    issued = fk.date()
    number = fk.code("####")
    lines, net = [], 0.0
    for name, unit in fk.sample(TRADES[fk.lang], fk.randint(2, 6)):
        q = fk.pick([1, 1, 2, 3.5, 4, 6, 12])
        price = fk.money(8, 160)
        net += q * price
        lines.append(
            f"{name:<32} {qty(fk, q):>5} {unit:<6} {num(fk, price):>9} "
            f"{num(fk, q * price):>10}"
        )
    rate = fk.vat_rate()
    totals = _totals(fk, t, net, rate, cur)
    blocks = [
        Para(seller, bold=True, size=13),
        Para("\n".join(fk.address())),
        Rule(),
        Heading(
            f"{t['invoice']} Nr. {number}"
            if fk.lang == "de"
            else f"{t['invoice']} {number}",
            2,
        ),
        Para(f"{t['bill_to']}: {customer}, {', '.join(fk.address())}"),
        Para(f"{t['date']}: {fk.fmt_date(issued)}"),
        Space(2),
    ]
    if fk.chance(0.3):  # some tradespeople open their invoice like a letter
        blocks += letter_opening(fk, number, TRADES[fk.lang][0][0])
    blocks += [
        Mono(lines),
        Rule(),
        Mono([f"{a:>54} {b:>12}" for a, b in totals]),
        Para(t["pay_within"].format(n=14)),
        Para(t["thanks"]),
    ]
    return Doc(
        "invoice",
        fk.lang,
        "trades",
        f"{t['invoice']} {number}",
        blocks,
        random_style(fk),
    )


MARKET_GOODS = [
    ("Stainless steel water bottle 1L", "7323"),
    ("Bluetooth headphones", "8518"),
    ("Cotton T-shirt, pack of 3", "6109"),
    ("Non-stick frying pan 28cm", "7615"),
    ("Smartphone screen protector", "3919"),
    ("Yoga mat 6mm", "9506"),
    ("LED desk lamp", "9405"),
    ("Backpack 30L", "4202"),
]


def marketplace(fk: Faker) -> Doc:
    """Build an online marketplace tax invoice with HSN codes and split GST."""
    seller = fk.company("en")
    buyer = fk.person("en")
    order = fk.code("OD##############")
    number = fk.code("??-####-######")
    issued = fk.date()
    rows, taxable, tax_total = [], 0.0, 0.0
    for name, hsn in fk.sample(MARKET_GOODS, fk.randint(1, 4)):
        q = fk.pick([1, 1, 2])
        gross = fk.money(299, 4999)
        net = round(gross / 1.18, 2)
        tax = round(gross - net, 2)
        taxable += net * q
        tax_total += tax * q
        rows.append(
            [name, hsn, str(q), num(fk, net * q), num(fk, tax * q), num(fk, gross * q)]
        )
    intra = fk.chance(0.5)
    tax_rows = (
        [["CGST 9%", num(fk, tax_total / 2)], ["SGST 9%", num(fk, tax_total / 2)]]
        if intra
        else [["IGST 18%", num(fk, tax_total)]]
    )
    blocks = [
        Heading("Tax Invoice", 1),
        Para("Original for Recipient", italic=True, size=8, align="R"),
        KeyValues(
            [
                ("Sold by", seller),
                ("GSTIN", fk.code("##?????####?#Z#")),
                ("Order ID", order),
                ("Order date", fk.fmt_date(issued, "numeric")),
                ("Invoice number", number),
                ("Invoice date", fk.fmt_date(issued, "numeric")),
            ],
            columns=2,
        ),
        Heading("Billing address", 3),
        Para("\n".join([buyer, *fk.address("en")])),
        Table(
            ["Product", "HSN/SAC", "Qty", "Taxable value", "Tax", "Total"],
            rows,
            widths=[4, 1.2, 0.6, 1.5, 1.2, 1.4],
            align=["L", "L", "R", "R", "R", "R"],
        ),
        Table(
            [],
            tax_rows + [["Grand Total", num(fk, taxable + tax_total)]],
            widths=[3, 1.5],
            align=["R", "R"],
        ),
        Para("Whether tax is payable under reverse charge: No", size=8),
        Para(f"Authorized Signatory, {seller}", align="R"),
        Para(
            "This is a computer generated invoice and does not require a "
            "physical signature.",
            size=7,
        ),
    ]
    return Doc(
        "invoice",
        "en",
        "marketplace",
        f"Tax invoice {number}",
        blocks,
        random_style(fk, table_style="grid"),
    )


QR_BILL = {
    "de": (
        "Empfangsschein",
        "Zahlteil",
        "Konto / Zahlbar an",
        "Referenz",
        "Zahlbar durch",
        "Währung",
        "Betrag",
        "Annahmestelle",
        "Zusätzliche Informationen",
    ),
    "fr": (
        "Récépissé",
        "Section paiement",
        "Compte / Payable à",
        "Référence",
        "Payable par",
        "Monnaie",
        "Montant",
        "Point de dépôt",
        "Informations supplémentaires",
    ),
    "it": (
        "Ricevuta",
        "Sezione pagamento",
        "Conto / Pagabile a",
        "Riferimento",
        "Pagabile da",
        "Valuta",
        "Importo",
        "Punto di accettazione",
        "Informazioni supplementari",
    ),
}


def swiss_qr(fk: Faker) -> Doc:
    """Build a Swiss invoice ending in the QR-bill receipt and payment part."""
    q = QR_BILL[fk.lang]
    t = labels(L, fk.lang)
    seller, buyer = fk.company(), fk.person()
    amount = fk.money(40, 3000)
    iban = (
        "CH"
        + fk.digits(2)
        + " "
        + " ".join(fk.digits(4) for _ in range(4))
        + " "
        + fk.digits(1)
    )
    ref = " ".join([fk.digits(2)] + [fk.digits(5) for _ in range(5)])
    issued = fk.date()
    number = fk.code("####")
    rows, net = [], 0.0
    for service in fk.sample(SERVICES[fk.lang], fk.randint(1, 3)):
        price = fk.money(40, 900)
        net += price
        rows.append([service, "1", num(fk, price), num(fk, price)])
    blocks = _header_block(fk, t, seller, f"{t['invoice']} {number}")
    blocks += [
        KeyValues([(t["date"], fk.fmt_date(issued))]),
        Para("\n".join([buyer, *fk.address()])),
        Table(
            [t["desc"], t["qty"], t["unit_price"], t["amount"]],
            rows,
            align=["L", "R", "R", "R"],
            footer=[
                ["", "", "MWST 8,1%", num(fk, net * 0.081)],
                ["", "", t["total"] + " CHF", num(fk, net * 1.081)],
            ],
        ),
        Rule(),
    ]
    party = "\n".join([seller, *fk.address()])
    payer = "\n".join([buyer, *fk.address()])
    blocks += [
        Heading(q[0], 3),
        KeyValues(
            [
                (q[2], f"{iban}"),
                (q[3], ref),
                (q[4], buyer),
                (q[5], "CHF"),
                (q[6], num(fk, amount)),
            ]
        ),
        Para(q[7], size=7, align="R"),
        Heading(q[1], 3),
        Table([], [[q[5], q[6]], ["CHF", num(fk, amount)]], widths=[1, 2]),
        Para(f"{q[2]}\n{iban}\n{party}"),
        Para(f"{q[3]}\n{ref}"),
        Para(f"{q[8]}\n{t['invoice']} {number}"),
        Para(f"{q[4]}\n{payer}"),
    ]
    return Doc(
        "invoice",
        fk.lang,
        "swiss_qr",
        f"{t['invoice']} {number}",
        blocks,
        random_style(fk, table_style="lines"),
    )


from .invoice_letter import letter_invoice, letter_opening  # noqa: E402

TEMPLATES = [
    ("freelancer", freelancer, ALL_LANGS),
    ("saas", saas, ("en", "en", "de", "fr", "nl")),
    ("utility", utility, ALL_LANGS),
    ("wholesaler", wholesaler, ALL_LANGS),
    ("telecom", telecom, ALL_LANGS),
    ("trades", trades, ALL_LANGS),
    ("marketplace", marketplace, ("en",)),
    ("swiss_qr", swiss_qr, ("de", "fr", "it")),
    ("letter_invoice", letter_invoice, ALL_LANGS),
]
