"""Purchase orders: manufacturer, public body, restaurant, IT, construction."""

from __future__ import annotations

from datetime import timedelta

from ..blocks import (
    Checks,
    Doc,
    Fields,
    Heading,
    KeyValues,
    Mono,
    Para,
    Rule,
    Signature,
    Table,
)
from ..fake import Faker
from ._common import ALL_LANGS, labels, num, party_lines, random_style
from .invoice import GOODS

L = {
    "po": (
        "Purchase Order",
        "Bon de commande",
        "Bestellung",
        "Inkooporder",
        "Zamówienie",
        "Orden de compra",
        "Ordine di acquisto",
    ),
    "po_no": (
        "PO Number",
        "N° de commande",
        "Bestellnummer",
        "Ordernummer",
        "Nr zamówienia",
        "N.º de pedido",
        "N. ordine",
    ),
    "date": (
        "Order date",
        "Date de commande",
        "Bestelldatum",
        "Orderdatum",
        "Data zamówienia",
        "Fecha del pedido",
        "Data ordine",
    ),
    "vendor": (
        "Vendor",
        "Fournisseur",
        "Lieferant",
        "Leverancier",
        "Dostawca",
        "Proveedor",
        "Fornitore",
    ),
    "ship_to": (
        "Ship to",
        "Adresse de livraison",
        "Lieferanschrift",
        "Afleveradres",
        "Adres dostawy",
        "Enviar a",
        "Consegnare a",
    ),
    "bill_to": (
        "Bill to",
        "Adresse de facturation",
        "Rechnungsanschrift",
        "Factuuradres",
        "Adres do faktury",
        "Facturar a",
        "Fatturare a",
    ),
    "delivery": (
        "Requested delivery",
        "Livraison souhaitée",
        "Liefertermin",
        "Gewenste leverdatum",
        "Termin dostawy",
        "Fecha de entrega",
        "Data di consegna",
    ),
    "terms": (
        "Payment terms",
        "Conditions de paiement",
        "Zahlungsbedingungen",
        "Betalingstermijn",
        "Warunki płatności",
        "Forma de pago",
        "Pagamento",
    ),
    "requester": (
        "Requested by",
        "Demandeur",
        "Besteller",
        "Aanvrager",
        "Zamawiający",
        "Solicitante",
        "Richiedente",
    ),
    "item": ("Item", "Article", "Pos.", "Pos.", "Lp.", "Línea", "Pos."),
    "desc": (
        "Description",
        "Désignation",
        "Bezeichnung",
        "Omschrijving",
        "Nazwa",
        "Descripción",
        "Descrizione",
    ),
    "qty": ("Qty", "Qté", "Menge", "Aantal", "Ilość", "Cantidad", "Quantità"),
    "unit": ("Unit", "Unité", "Einheit", "Eenheid", "J.m.", "Unidad", "U.M."),
    "price": (
        "Unit price",
        "Prix unitaire",
        "Preis/Einheit",
        "Prijs",
        "Cena jedn.",
        "Precio",
        "Prezzo",
    ),
    "total": ("Total", "Total", "Gesamt", "Totaal", "Wartość", "Total", "Totale"),
    "grand": (
        "Order total",
        "Montant total de la commande",
        "Bestellsumme",
        "Totaal order",
        "Razem",
        "Total del pedido",
        "Totale ordine",
    ),
    "approved": (
        "Authorized by",
        "Approuvé par",
        "Genehmigt von",
        "Goedgekeurd door",
        "Zatwierdził",
        "Autorizado por",
        "Autorizzato da",
    ),
    "ship_via": (
        "Ship via",
        "Transporteur",
        "Versandart",
        "Verzendwijze",
        "Sposób wysyłki",
        "Transporte",
        "Spedizione",
    ),
    "incoterm": (
        "Incoterms",
        "Incoterms",
        "Lieferbedingung",
        "Leveringscondities",
        "Incoterms",
        "Incoterms",
        "Resa",
    ),
    "notes": (
        "Please reference the PO number on all invoices, packing slips and "
        "correspondence. Deliveries without a PO number will be refused.",
        "Merci de rappeler le numéro de commande sur vos factures et bons de "
        "livraison. Toute livraison sans référence sera refusée.",
        "Bitte geben Sie die Bestellnummer auf allen Rechnungen und "
        "Lieferscheinen an. Es gelten unsere Allgemeinen Einkaufsbedingungen.",
        "Vermeld het ordernummer op alle facturen en pakbonnen. Onze algemene "
        "inkoopvoorwaarden zijn van toepassing.",
        "Prosimy o umieszczenie numeru zamówienia na fakturze i dokumencie WZ. "
        "Obowiązują nasze ogólne warunki zakupu.",
        "Indique el número de pedido en todas las facturas y albaranes. Se "
        "aplican nuestras condiciones generales de compra.",
        "Indicare il numero d'ordine su tutte le fatture e i DDT. Valgono le "
        "nostre condizioni generali di acquisto.",
    ),
    "confirm": (
        "Please confirm receipt of this order and the delivery date within 48 hours.",
        "Merci de nous retourner l'accusé de réception de commande sous 48 heures.",
        "Wir bitten um Auftragsbestätigung innerhalb von 48 Stunden.",
        "Graag binnen 48 uur een orderbevestiging.",
        "Prosimy o potwierdzenie przyjęcia zamówienia w ciągu 48 godzin.",
        "Rogamos confirmen la recepción del pedido en 48 horas.",
        "Si prega di confermare l'ordine entro 48 ore.",
    ),
    "net30": (
        "Net 30",
        "30 jours fin de mois",
        "30 Tage netto",
        "30 dagen netto",
        "Przelew 30 dni",
        "30 días",
        "30 gg d.f.f.m.",
    ),
}

IT_GOODS = [
    ('Laptop 14" i7 16GB RAM 512GB SSD', "ea"),
    ('27" IPS monitor', "ea"),
    ("Docking station USB-C", "ea"),
    ("Wireless keyboard and mouse set", "ea"),
    ("Network switch 24-port PoE", "ea"),
    ("Software licence, annual subscription", "seat"),
    ("UPS 1500VA", "ea"),
    ("Rack server 2U", "ea"),
    ("SSD 2TB NVMe", "ea"),
]
FOOD_GOODS = [
    ("Flour type 00, 25 kg sack", "sack"),
    ("Tomatoes, case 6 kg", "case"),
    ("Mozzarella 1 kg", "kg"),
    ("Olive oil 5 L", "can"),
    ("Chicken thighs, fresh", "kg"),
    ("Basmati rice 10 kg", "bag"),
    ("Napkins 2-ply, 1000 ct", "box"),
    ("Takeaway boxes", "case"),
    ("Lemons", "kg"),
    ("Whole milk 10 L", "crate"),
]
BUILD_GOODS = [
    ("Ready-mix concrete C25/30", "m³"),
    ("Rebar 12 mm, 6 m bars", "t"),
    ("Plasterboard 12.5 mm", "sheet"),
    ("Timber 45x95 C24", "m"),
    ("Cement 25 kg", "bag"),
    ("Insulation mineral wool 100 mm", "m²"),
    ("Scaffolding rental, weekly", "wk"),
    ("Roof tiles", "pallet"),
]


def _lines(fk: Faker, t: dict, pool, cur: str, ncols: int) -> tuple[Table, float]:
    rows, total = [], 0.0
    for pos, (name, unit) in enumerate(fk.sample(pool, fk.randint(2, 9)), 1):
        q = fk.pick([1, 2, 4, 5, 10, 12, 20, 25, 50, 100])
        price = fk.money(1.2, 900)
        total += q * price
        row = [
            str(pos * (10 if fk.lang == "de" else 1)),
            name,
            str(q),
            unit,
            num(fk, price),
            num(fk, q * price),
        ]
        if ncols == 7:
            row.insert(1, fk.code("??-####"))
        rows.append(row)
    header = [t["item"], t["desc"], t["qty"], t["unit"], t["price"], t["total"]]
    widths = [0.7, 5, 0.9, 0.9, 1.4, 1.5]
    align = ["L", "L", "R", "L", "R", "R"]
    if ncols == 7:
        header.insert(1, "SKU")
        widths.insert(1, 1.3)
        align.insert(1, "L")
    footer = [[""] * (ncols - 2) + [t["grand"], fk.fmt_money(total, cur)]]
    return Table(header, rows, widths, align, footer), total


def _po_number(fk: Faker) -> str:
    return fk.code(
        fk.pick(
            [
                "PO-20##-####",
                "4500######",
                "PO#####",
                "BC-####/##",
                "ZAM/##/20##",
                "OA-#####",
            ]
        )
    )


def manufacturer(fk: Faker) -> Doc:
    t = labels(L, fk.lang)
    cur = fk.currency()
    buyer, vendor = fk.company(), fk.company()
    day = fk.date()
    number = _po_number(fk)
    table, _ = _lines(fk, t, GOODS[fk.lang], cur, 7)
    blocks = [
        Para(buyer, bold=True, size=14),
        Para("\n".join(fk.address())),
        Heading(f"{t['po']} {number}", 1),
        KeyValues(
            [
                (t["po_no"], number),
                (t["date"], fk.fmt_date(day)),
                (t["delivery"], fk.fmt_date(day + timedelta(days=14))),
                (t["terms"], t["net30"]),
                (t["requester"], fk.person()),
                (
                    t["ship_via"],
                    fk.pick(
                        ["UPS Ground", "DHL Freight", "DB Schenker", "Own transport"]
                    ),
                ),
                (t["incoterm"], fk.pick(["DAP", "FCA", "EXW", "DDP"])),
            ],
            columns=2,
        ),
        Heading(t["vendor"], 3),
        Para("\n".join(party_lines(fk, vendor))),
        Heading(t["ship_to"], 3),
        Para("\n".join([buyer, *fk.address()])),
        table,
        Para(t["notes"], size=8),
        Para(t["confirm"]),
        Signature([(fk.person(), t["approved"])]),
    ]
    return Doc(
        "purchase_order",
        fk.lang,
        "manufacturer",
        f"{t['po']} {number}",
        blocks,
        random_style(fk),
    )


def public_body(fk: Faker) -> Doc:
    t = labels(L, fk.lang)
    cur = fk.currency()
    agency = fk.pick(
        ["City of ", "County of ", "University of ", "Department of Public Works, "]
    ) + fk.city("en")
    if fk.lang != "en":
        agency = {
            "fr": "Mairie de ",
            "de": "Stadtverwaltung ",
            "nl": "Gemeente ",
            "pl": "Urząd Miasta ",
            "es": "Ayuntamiento de ",
            "it": "Comune di ",
        }[fk.lang] + fk.city()
    vendor = fk.company()
    day = fk.date()
    number = _po_number(fk)
    table, total = _lines(fk, t, fk.pick([IT_GOODS, GOODS[fk.lang]]), cur, 6)
    budget = {
        "en": ["Fund", "Cost center", "Account code", "Requisition no."],
        "fr": ["Budget", "Centre de coût", "Imputation", "N° de demande"],
        "de": ["Haushaltsstelle", "Kostenstelle", "Sachkonto", "Bedarfsanforderung"],
        "nl": ["Budget", "Kostenplaats", "Grootboek", "Aanvraagnr."],
        "pl": ["Źródło finansowania", "MPK", "Konto", "Nr wniosku"],
        "es": ["Partida", "Centro de coste", "Cuenta", "N.º solicitud"],
        "it": ["Capitolo", "Centro di costo", "Conto", "N. richiesta"],
    }[fk.lang]
    blocks = [
        Heading(agency, 1),
        Para(", ".join(fk.address())),
        Heading(t["po"].upper(), 2),
        Fields(
            [
                (t["po_no"], number),
                (t["date"], fk.fmt_date(day)),
                (t["vendor"], vendor),
                (budget[0], fk.code("###-##")),
                (budget[1], fk.code("CC####")),
                (budget[2], fk.digits(6)),
                (budget[3], fk.code("REQ-#####")),
            ],
            columns=2,
        ),
        Heading(t["ship_to"], 3),
        Para("\n".join([agency, *fk.address()])),
        table,
        Checks(
            [
                (
                    "Tax exempt" if fk.lang == "en" else "Exonéré / exempt",
                    fk.chance(0.7),
                ),
                (
                    "Partial shipments allowed"
                    if fk.lang == "en"
                    else "Livraisons partielles / Teillieferung",
                    fk.chance(0.5),
                ),
            ]
        ),
        Para(t["notes"]),
        Signature([(fk.person(), t["approved"]), (fk.person(), t["requester"])]),
    ]
    return Doc(
        "purchase_order",
        fk.lang,
        "public_body",
        f"{t['po']} {number}",
        blocks,
        random_style(fk, table_style="grid"),
    )


def restaurant(fk: Faker) -> Doc:
    t = labels(L, fk.lang)
    cur = fk.currency()
    buyer = (
        fk.pick(["Trattoria ", "Bistro ", "The Olive ", "Brasserie ", "Gasthaus "])
        + fk.last_name()
    )
    vendor = fk.company()
    day = fk.date()
    number = fk.code("####")
    lines = [
        f"{t['po'].upper()} #{number}",
        f"{t['date']}: {fk.fmt_date(day)}",
        f"{t['vendor']}: {vendor}",
        f"{t['delivery']}: "
        f"{fk.fmt_date(day + timedelta(days=2))} "
        f"{fk.pick(['before 10:00', 'AM', '06:00-09:00'])}",
        "",
    ]
    total = 0.0
    for name, unit in fk.sample(FOOD_GOODS, fk.randint(4, 9)):
        q = fk.randint(1, 30)
        price = fk.money(1, 60)
        total += q * price
        lines.append(f"{q:>4} {unit:<6} {name:<30} {num(fk, q * price):>10}")
    lines += [
        "",
        f"{t['grand']}: {fk.fmt_money(total, cur)}",
        f"{t['requester']}: {fk.first_name()} ({fk.pick(['chef', 'manager'])})",
    ]
    blocks = [
        Para(buyer, bold=True, size=14),
        Para(", ".join(fk.address())),
        Mono(lines),
        Para(t["confirm"]),
    ]
    return Doc(
        "purchase_order",
        fk.lang,
        "restaurant",
        f"{t['po']} {number}",
        blocks,
        random_style(fk),
    )


def it_procurement(fk: Faker) -> Doc:
    t = labels(L, fk.lang)
    cur = fk.currency()
    buyer, vendor = fk.company(), fk.company()
    day = fk.date()
    number = _po_number(fk)
    table, total = _lines(fk, t, IT_GOODS, cur, 6)
    tax = round(total * fk.vat_rate(), 2)
    blocks = [
        Heading(t["po"], 1),
        KeyValues(
            [
                (t["po_no"], number),
                (t["date"], fk.fmt_date(day)),
                (
                    "Quote ref." if fk.lang == "en" else "Réf. devis / Angebot",
                    fk.code("Q-#####"),
                ),
            ]
        ),
        Table(
            [t["vendor"], t["ship_to"], t["bill_to"]],
            [
                [
                    "\n".join(party_lines(fk, vendor, extra=False)),
                    "\n".join([buyer, "IT Department", *fk.address()]),
                    "\n".join([buyer, "Accounts Payable", *fk.address()]),
                ]
            ],
        ),
        table,
        KeyValues(
            [
                (
                    "Subtotal" if fk.lang == "en" else t["total"],
                    fk.fmt_money(total, cur),
                ),
                ("Tax", fk.fmt_money(tax, cur)),
                (t["grand"], fk.fmt_money(total + tax, cur)),
            ]
        ),
        Heading("Terms and conditions" if fk.lang == "en" else t["terms"], 3),
        Para(t["notes"], size=8),
        Rule(),
        Signature([(fk.person(), t["approved"])]),
    ]
    return Doc(
        "purchase_order",
        fk.lang,
        "it_procurement",
        f"{t['po']} {number}",
        blocks,
        random_style(fk),
    )


def construction(fk: Faker) -> Doc:
    t = labels(L, fk.lang)
    cur = fk.currency()
    buyer, vendor = fk.company(), fk.company()
    day = fk.date()
    number = _po_number(fk)
    table, _ = _lines(fk, t, BUILD_GOODS, cur, 6)
    site = {
        "en": "Site",
        "fr": "Chantier",
        "de": "Baustelle",
        "nl": "Bouwplaats",
        "pl": "Budowa",
        "es": "Obra",
        "it": "Cantiere",
    }[fk.lang]
    blocks = [
        Para(buyer, bold=True),
        Heading(f"{t['po']} – {site}", 1),
        KeyValues(
            [
                (t["po_no"], number),
                (t["date"], fk.fmt_date(day)),
                (
                    site,
                    f"{fk.pick(['Block', 'Lot', 'Phase'])} "
                    f"{fk.randint(1, 9)}, {', '.join(fk.address())}",
                ),
                (t["vendor"], vendor),
                (t["delivery"], fk.fmt_date(day + timedelta(days=7))),
                (t["terms"], t["net30"]),
            ]
        ),
        table,
        Para(t["notes"]),
        Para(t["confirm"]),
        Signature([(fk.person(), t["approved"]), (fk.person(), t["vendor"])]),
    ]
    return Doc(
        "purchase_order",
        fk.lang,
        "construction",
        f"{t['po']} {number}",
        blocks,
        random_style(fk),
    )


TEMPLATES = [
    ("manufacturer", manufacturer, ALL_LANGS),
    ("public_body", public_body, ALL_LANGS),
    ("restaurant", restaurant, ALL_LANGS),
    ("it_procurement", it_procurement, ("en", "en", "fr", "de")),
    ("construction", construction, ALL_LANGS),
]
