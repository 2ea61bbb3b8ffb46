"""Receipts: cafe till, supermarket, pharmacy, fuel, taxi, hotel, web shop."""

from __future__ import annotations

from datetime import timedelta

from ..blocks import Doc, Heading, KeyValues, Mono, Para, Rule, Table
from ..fake import Faker
from ._common import ALL_LANGS, labels, num, random_style

L = {
    "receipt": (
        "RECEIPT",
        "TICKET DE CAISSE",
        "KASSENBON",
        "KASSABON",
        "PARAGON FISKALNY",
        "TICKET",
        "SCONTRINO",
    ),
    "receipt_doc": (
        "Receipt",
        "Reçu",
        "Quittung",
        "Betalingsbewijs",
        "Potwierdzenie zapłaty",
        "Recibo",
        "Ricevuta",
    ),
    "subtotal": (
        "SUBTOTAL",
        "SOUS-TOTAL",
        "ZWISCHENSUMME",
        "SUBTOTAAL",
        "SUMA CZĘŚCIOWA",
        "SUBTOTAL",
        "SUBTOTALE",
    ),
    "total": (
        "TOTAL",
        "TOTAL TTC",
        "SUMME EUR",
        "TOTAAL",
        "SUMA PLN",
        "TOTAL",
        "TOTALE COMPLESSIVO",
    ),
    "tax": ("TAX", "TVA", "MwSt", "BTW", "PTU", "IVA", "IVA"),
    "cash": ("CASH", "ESPÈCES", "BAR", "CONTANT", "GOTÓWKA", "EFECTIVO", "CONTANTI"),
    "card": (
        "CARD",
        "CARTE BANCAIRE",
        "EC-KARTE",
        "PINNEN",
        "KARTA",
        "TARJETA",
        "CARTA",
    ),
    "change": (
        "CHANGE",
        "RENDU",
        "RÜCKGELD",
        "WISSELGELD",
        "RESZTA",
        "CAMBIO",
        "RESTO",
    ),
    "thanks": (
        "THANK YOU FOR YOUR VISIT",
        "MERCI DE VOTRE VISITE",
        "VIELEN DANK FÜR IHREN EINKAUF",
        "BEDANKT EN TOT ZIENS",
        "DZIĘKUJEMY ZA ZAKUPY",
        "GRACIAS POR SU VISITA",
        "GRAZIE E ARRIVEDERCI",
    ),
    "cashier": (
        "Cashier",
        "Caissier",
        "Kassierer",
        "Kassa",
        "Kasjer",
        "Cajero",
        "Cassiere",
    ),
    "table": ("Table", "Table", "Tisch", "Tafel", "Stolik", "Mesa", "Tavolo"),
    "keep": (
        "Please keep your receipt",
        "Conservez votre ticket",
        "Bitte Bon aufbewahren",
        "Bewaar uw kassabon",
        "Prosimy zachować paragon",
        "Conserve su ticket",
        "Conservare lo scontrino",
    ),
    "items": (
        "ITEMS",
        "ARTICLES",
        "ARTIKEL",
        "ARTIKELEN",
        "POZYCJI",
        "ARTÍCULOS",
        "ARTICOLI",
    ),
    "approved": (
        "APPROVED",
        "ACCEPTÉ",
        "ZAHLUNG ERFOLGT",
        "GOEDGEKEURD",
        "ZAAKCEPTOWANO",
        "APROBADA",
        "TRANSAZIONE ESEGUITA",
    ),
    "paid": (
        "Amount paid",
        "Montant payé",
        "Bezahlter Betrag",
        "Betaald bedrag",
        "Kwota zapłacona",
        "Importe pagado",
        "Importo pagato",
    ),
    "date": ("Date", "Date", "Datum", "Datum", "Data", "Fecha", "Data"),
    "refund": (
        "Returns accepted within 30 days with receipt.",
        "Échange sous 30 jours sur présentation du ticket.",
        "Umtausch innerhalb von 30 Tagen nur mit Kassenbon.",
        "Ruilen binnen 30 dagen met kassabon.",
        "Zwrot w ciągu 30 dni za okazaniem paragonu.",
        "Cambios en 30 días presentando el ticket.",
        "Cambi entro 30 giorni con scontrino.",
    ),
}

CAFE_ITEMS = {
    "en": [
        "Flat White",
        "Cappuccino",
        "Latte",
        "Americano",
        "Espresso",
        "Chai Latte",
        "Croissant",
        "Blueberry Muffin",
        "Bagel w/ Cream Cheese",
        "Avocado Toast",
        "Orange Juice",
        "Club Sandwich",
        "Soup of the Day",
        "Brownie",
        "Iced Tea",
    ],
    "fr": [
        "Café crème",
        "Expresso",
        "Cappuccino",
        "Croissant",
        "Pain au chocolat",
        "Croque-monsieur",
        "Jus d'orange pressé",
        "Quiche lorraine",
        "Tarte aux pommes",
        "Thé vert",
        "Salade niçoise",
        "Eau minérale",
    ],
    "de": [
        "Milchkaffee",
        "Espresso",
        "Cappuccino",
        "Latte Macchiato",
        "Butterbrezel",
        "Käsekuchen",
        "Apfelschorle",
        "Belegtes Brötchen",
        "Croissant",
        "Tagessuppe",
        "Kräutertee",
        "Apfelstrudel",
    ],
    "nl": [
        "Koffie",
        "Cappuccino",
        "Thee",
        "Appeltaart",
        "Tosti ham kaas",
        "Broodje kroket",
        "Verse jus",
        "Stroopwafel",
        "Latte macchiato",
    ],
    "pl": [
        "Kawa czarna",
        "Cappuccino",
        "Latte",
        "Herbata",
        "Sernik",
        "Szarlotka",
        "Kanapka",
        "Sok pomarańczowy",
        "Pączek",
        "Zupa dnia",
    ],
    "es": [
        "Café con leche",
        "Cortado",
        "Café solo",
        "Tostada con tomate",
        "Croissant",
        "Zumo de naranja",
        "Bocadillo de jamón",
        "Tortilla",
        "Agua mineral",
        "Caña",
    ],
    "it": [
        "Caffè",
        "Cappuccino",
        "Cornetto",
        "Spremuta d'arancia",
        "Acqua naturale",
        "Tramezzino",
        "Panino prosciutto",
        "Macchiato",
        "Brioche",
    ],
}

GROCERY = {
    "en": [
        "MILK 2% 1GAL",
        "BREAD WHOLE WHEAT",
        "BANANAS",
        "EGGS LARGE 12CT",
        "CHEDDAR CHEESE",
        "CHICKEN BREAST",
        "PASTA PENNE",
        "TOMATO SAUCE",
        "APPLES GALA",
        "YOGURT GREEK",
        "COFFEE BEANS",
        "RICE BASMATI 2LB",
        "PAPER TOWELS",
        "DISH SOAP",
        "ORANGE JUICE",
        "BUTTER UNSALTED",
        "CEREAL OATS",
        "SPINACH BAG",
        "TORTILLA CHIPS",
        "SPARKLING WATER",
    ],
    "fr": [
        "LAIT DEMI-ÉCRÉMÉ 1L",
        "BAGUETTE TRADITION",
        "BANANES",
        "OEUFS x12",
        "COMTÉ AFFINÉ",
        "FILET DE POULET",
        "PÂTES PENNE",
        "YAOURT NATURE",
        "POMMES GOLDEN",
        "BEURRE DOUX",
        "CAFÉ MOULU",
        "EAU GAZEUSE 6X1L",
        "LESSIVE LIQUIDE",
        "JAMBON BLANC",
        "TOMATES GRAPPE",
    ],
    "de": [
        "VOLLMILCH 1L",
        "ROGGENBROT",
        "BANANEN",
        "EIER FREILAND 10ST",
        "GOUDA JUNG",
        "HÄHNCHENBRUST",
        "SPAGHETTI 500G",
        "JOGHURT NATUR",
        "ÄPFEL ELSTAR",
        "BUTTER 250G",
        "KAFFEE GEMAHLEN",
        "MINERALWASSER",
        "SPÜLMITTEL",
        "PFAND 0,25",
        "KARTOFFELN 2KG",
        "TOMATEN",
    ],
    "nl": [
        "MELK HALFVOL",
        "VOLKORENBROOD",
        "BANANEN",
        "EIEREN 10ST",
        "GOUDSE KAAS",
        "KIPFILET",
        "PASTA",
        "YOGHURT",
        "APPELS",
        "ROOMBOTER",
        "KOFFIE",
        "SPA ROOD",
        "AFWASMIDDEL",
        "STATIEGELD",
    ],
    "pl": [
        "MLEKO 2% 1L",
        "CHLEB ŻYTNI",
        "BANANY",
        "JAJA 10SZT",
        "SER GOUDA",
        "FILET Z KURCZAKA",
        "MAKARON",
        "JOGURT NATURALNY",
        "JABŁKA",
        "MASŁO 200G",
        "KAWA MIELONA",
        "WODA MINERALNA",
        "PŁYN DO NACZYŃ",
    ],
    "es": [
        "LECHE ENTERA 1L",
        "PAN DE MOLDE",
        "PLÁTANOS",
        "HUEVOS 12UD",
        "QUESO MANCHEGO",
        "PECHUGA DE POLLO",
        "MACARRONES",
        "YOGUR NATURAL",
        "MANZANAS",
        "ACEITE OLIVA 1L",
        "CAFÉ MOLIDO",
        "AGUA MINERAL",
    ],
    "it": [
        "LATTE INTERO 1L",
        "PANE CASERECCIO",
        "BANANE",
        "UOVA 6PZ",
        "PARMIGIANO",
        "PETTO DI POLLO",
        "SPAGHETTI",
        "YOGURT BIANCO",
        "MELE",
        "BURRO",
        "CAFFÈ MACINATO",
        "ACQUA FRIZZANTE",
        "DETERSIVO PIATTI",
    ],
}

PHARMACY = {
    "en": [
        "Ibuprofen 200mg 24ct",
        "Acetaminophen 500mg",
        "Vitamin D3 1000IU",
        "Cough Syrup 4oz",
        "Allergy Relief 10mg",
        "Bandages assorted",
        "Hand Cream",
        "Toothpaste",
        "Prescription Rx#{rx}",
        "Saline Spray",
        "Thermometer digital",
        "Sunscreen SPF50",
    ],
    "fr": [
        "Doliprane 1000mg",
        "Ibuprofène 400mg",
        "Sirop contre la toux",
        "Vitamine C 500",
        "Pansements",
        "Sérum physiologique",
        "Crème hydratante",
        "Ordonnance n°{rx}",
        "Dentifrice",
    ],
    "de": [
        "Ibuprofen 400 akut",
        "Paracetamol 500mg",
        "Hustensaft",
        "Vitamin D3 Tabletten",
        "Pflaster sortiert",
        "Nasenspray",
        "Handcreme",
        "Rezept Nr. {rx}",
        "Zahnpasta",
        "Zuzahlung",
    ],
    "nl": [
        "Paracetamol 500mg",
        "Ibuprofen 400mg",
        "Hoestdrank",
        "Vitamine D",
        "Pleisters",
        "Neusspray",
        "Handcrème",
        "Recept {rx}",
    ],
    "pl": [
        "Apap 500mg",
        "Ibuprom 200mg",
        "Syrop na kaszel",
        "Witamina D3",
        "Plastry",
        "Aerozol do nosa",
        "Krem do rąk",
        "Recepta {rx}",
    ],
    "es": [
        "Paracetamol 1g",
        "Ibuprofeno 600mg",
        "Jarabe para la tos",
        "Vitamina D",
        "Tiritas",
        "Suero fisiológico",
        "Crema de manos",
        "Receta {rx}",
    ],
    "it": [
        "Tachipirina 500mg",
        "Moment 200mg",
        "Sciroppo per la tosse",
        "Vitamina C",
        "Cerotti",
        "Spray nasale",
        "Crema mani",
        "Ricetta {rx}",
    ],
}

FUEL = {
    "en": ("Pump", "Unleaded 95", "Diesel", "gal", "Price/gal"),
    "fr": ("Pompe", "SP95-E10", "Gazole", "L", "Prix/L"),
    "de": ("Zapfsäule", "Super E10", "Diesel", "l", "EUR/l"),
    "nl": ("Pomp", "Euro 95 E10", "Diesel", "l", "Prijs/l"),
    "pl": ("Dystrybutor", "Pb95", "ON", "l", "Cena/l"),
    "es": ("Surtidor", "Sin Plomo 95", "Gasóleo A", "l", "Precio/l"),
    "it": ("Erogatore", "Benzina SP", "Gasolio", "l", "Prezzo/l"),
}


def _shop(fk: Faker, *names_per_lang: str) -> str:
    """Pick a shop name written in the document's language."""
    pools = dict(zip(ALL_LANGS, names_per_lang, strict=True))
    return fk.pick(pools[fk.lang].split("|"))


def _w(fk: Faker) -> int:
    return fk.pick([32, 36, 40, 42])


def _lr(left: str, right: str, width: int) -> str:
    room = width - len(right) - 1
    return f"{left[:room]:<{room}} {right}"


def _slip_header(fk: Faker, name: str, width: int) -> list[str]:
    lines = [name.upper().center(width)]
    for line in fk.address():
        lines.append(line.center(width))
    if fk.chance(0.7):
        lines.append(f"Tel. {fk.phone()}".center(width))
    if fk.chance(0.5) or fk.lang in ("pl", "it", "es"):
        lines.append(f"{labels(_VAT, fk.lang)['id']} {fk.vat_id()}".center(width))
    return lines


_VAT = {"id": ("TAX ID", "TVA", "St.-Nr.", "BTW", "NIP", "CIF", "P.IVA")}


def _slip_footer(fk: Faker, t: dict, total: float, width: int, cur: str) -> list:
    lines = []
    if fk.chance(0.5):
        given = total + fk.pick([0.0, 1.0, 5.0, 10.0, 20.0]) - total % 1
        given = max(given, total)
        lines += [
            _lr(t["cash"], num(fk, given), width),
            _lr(t["change"], num(fk, given - total), width),
        ]
    else:
        lines += [
            _lr(t["card"], num(fk, total), width),
            fk.pick(["VISA", "MASTERCARD", "DEBIT", "MAESTRO", "AMEX"])
            + f" ************{fk.digits(4)}",
            f"AUTH {fk.digits(6)}   {t['approved']}",
        ]
    lines += ["", t["thanks"].center(width)]
    if fk.chance(0.5):
        lines.append(t["keep"].center(width))
    return lines


def _slip_doc(fk: Faker, template: str, lines: list[str], title: str) -> Doc:
    style = random_style(
        fk,
        page="slip",
        size=fk.pick([8, 8.5, 9]),
        margin=fk.pick([3, 4, 5]),
        font="DejaVuSansMono",
    )
    return Doc("receipt", fk.lang, template, title, [Mono(lines)], style)


def _till_items(
    fk: Faker,
    pool: list[str],
    low: int,
    high: int,
    price_range: tuple[float, float],
    width: int,
) -> tuple[list, float]:
    lines, total = [], 0.0
    for name in fk.sample(pool, fk.randint(low, min(high, len(pool)))):
        name = name.format(rx=fk.digits(7))
        count = fk.pick([1, 1, 1, 2, 3])
        price = fk.money(*price_range)
        total += count * price
        if count > 1:
            lines.append(name)
            lines.append(
                _lr(f"  {count} x {num(fk, price)}", num(fk, count * price), width)
            )
        else:
            lines.append(_lr(name, num(fk, price), width))
    return lines, round(total, 2)


def _when(fk: Faker) -> str:
    day = fk.date(2021, 2025)
    return (
        f"{fk.fmt_date(day, 'numeric')} {fk.randint(6, 22):02d}:{fk.randint(0, 59):02d}"
    )


def _tax_line(fk: Faker, t: dict, total: float, width: int) -> list[str]:
    rate = fk.vat_rate()
    if not rate:
        rate = 0.0725
    tax = round(total - total / (1 + rate), 2)
    return [_lr(f"{t['tax']} {rate * 100:g}%", num(fk, tax), width)]


def cafe(fk: Faker, photo: bool = False) -> Doc:
    t = labels(L, fk.lang)
    width = _w(fk)
    name = _shop(
        fk,
        "The Daily Grind|Bean There|Brew & Bake|Corner Cup",
        "Café Lumière|Le Petit Zinc|Café de la Gare",
        "Kaffeehaus Lindner|Café Sonnenschein|Bäckerei Krause",
        "Koffiehuis De Hoek|Lunchroom Zoet",
        "Kawiarnia Pod Lipą|Cafe Słodki Kącik",
        "Cafetería Sol|Bar El Rincón",
        "Bar Centrale|Caffè Roma",
    )
    lines = _slip_header(fk, name, width)
    lines += [
        "",
        _when(fk),
        f"{t['table']} {fk.randint(1, 30)}   {t['cashier']}: {fk.first_name()}",
        "-" * width,
    ]
    items, total = _till_items(fk, CAFE_ITEMS[fk.lang], 1, 6, (1.8, 12.5), width)
    lines += items + ["-" * width]
    tip = fk.chance(0.25) and fk.lang == "en"
    if tip:
        lines.append(_lr("Tip", num(fk, round(total * 0.15, 2)), width))
        total = round(total * 1.15, 2)
    lines += [_lr(t["total"], num(fk, total), width)] + _tax_line(fk, t, total, width)
    lines += _slip_footer(fk, t, total, width, fk.currency())
    return _slip_doc(fk, "cafe", lines, f"{name} {t['receipt']}")


def supermarket(fk: Faker, photo: bool = False) -> Doc:
    t = labels(L, fk.lang)
    width = _w(fk)
    name = _shop(
        fk,
        "FreshMart|ValuePlus Foods|GreenBasket Grocery",
        "Marché Frais|Supérette du Parc",
        "FrischeMarkt|Nahkauf Schulz",
        "Buurtsuper Vers|De Versmarkt",
        "Sklep Społem|Delikatesy Smak",
        "Supermercado Sol|Mercado Fresco",
        "Supermercato Centro|Alimentari Rossi",
    )
    lines = _slip_header(fk, name, width) + ["", t["receipt"].center(width), ""]
    items, total = _till_items(fk, GROCERY[fk.lang], 4, 16, (0.49, 14.99), width)
    lines += items + ["-" * width, _lr(t["subtotal"], num(fk, total), width)]
    if fk.chance(0.3):
        saving = round(total * 0.05, 2)
        total -= saving
        lines.append(
            _lr(
                "SAVINGS" if fk.lang == "en" else t["subtotal"] + " -%",
                "-" + num(fk, saving),
                width,
            )
        )
    lines += ["=" * width, _lr(t["total"], num(fk, total), width), "=" * width]
    lines += _tax_line(fk, t, total, width)
    lines += [
        f"{len(items)} {t['items']}",
        _when(fk),
        f"#{fk.digits(4)} {fk.digits(3)} {fk.digits(6)}",
    ]
    lines += _slip_footer(fk, t, total, width, fk.currency())
    if fk.chance(0.4):
        lines.append(t["refund"])
    return _slip_doc(fk, "supermarket", lines, f"{name} {t['receipt']}")


def pharmacy(fk: Faker, photo: bool = False) -> Doc:
    t = labels(L, fk.lang)
    width = _w(fk)
    name = _shop(
        fk,
        "CityCare Pharmacy|HealthPlus Drugstore",
        "Pharmacie du Centre|Pharmacie des Halles",
        "Apotheke am Markt|Löwen-Apotheke",
        "Apotheek De Linde",
        "Apteka Zdrowie|Apteka Pod Orłem",
        "Farmacia Central",
        "Farmacia San Marco",
    )
    lines = _slip_header(fk, name, width) + ["", _when(fk), "-" * width]
    items, total = _till_items(fk, PHARMACY[fk.lang], 1, 5, (2.5, 24.0), width)
    lines += items + ["-" * width, _lr(t["total"], num(fk, total), width)]
    lines += _tax_line(fk, t, total, width)
    lines += _slip_footer(fk, t, total, width, fk.currency())
    return _slip_doc(fk, "pharmacy", lines, f"{name} {t['receipt']}")


def fuel(fk: Faker, photo: bool = False) -> Doc:
    t = labels(L, fk.lang)
    f = FUEL[fk.lang]
    width = _w(fk)
    name = _shop(
        fk,
        "QuickFuel|Roadway Gas & Go",
        "Station Relais des Pins",
        "Tankstelle Nord|Autohof West",
        "Tankstation A12",
        "Stacja Paliw Orzeł",
        "Gasolinera Ruta 66",
        "Stazione di Servizio Aurelia",
    )
    volume = round(fk.uniform(8, 60), 2)
    price = round(fk.uniform(1.45, 2.1) if f[3] != "gal" else fk.uniform(2.9, 4.9), 3)
    total = round(volume * price, 2)
    lines = _slip_header(fk, name, width) + [
        "",
        _when(fk),
        "-" * width,
        f"{f[0]} {fk.randint(1, 12)}",
        fk.pick([f[1], f[2]]),
        _lr(f"{volume} {f[3]} x {price}", num(fk, total), width),
    ]
    if fk.chance(0.4):
        extra = fk.money(1.5, 9)
        lines.append(
            _lr(
                fk.pick(["Car wash", "Snack", "Coffee to go", "Windscreen fluid"]),
                num(fk, extra),
                width,
            )
        )
        total += extra
    lines += ["-" * width, _lr(t["total"], num(fk, total), width)]
    lines += _tax_line(fk, t, total, width)
    lines += _slip_footer(fk, t, total, width, fk.currency())
    return _slip_doc(fk, "fuel", lines, f"{name} {t['receipt']}")


def taxi(fk: Faker, photo: bool = False) -> Doc:
    t = labels(L, fk.lang)
    width = _w(fk)
    dist = round(fk.uniform(2, 35), 1)
    fare = round(3.5 + dist * fk.uniform(1.4, 2.6), 2)
    taxi_word = {
        "en": "TAXI RECEIPT",
        "fr": "REÇU TAXI",
        "de": "TAXIQUITTUNG",
        "nl": "TAXIBON",
        "pl": "RACHUNEK TAXI",
        "es": "RECIBO TAXI",
        "it": "RICEVUTA TAXI",
    }[fk.lang]
    lines = [
        taxi_word.center(width),
        "",
        f"{fk.pick(['Cab', 'Taxi', 'Car'])} #{fk.randint(100, 9999)}",
        f"{fk.code('??-####')}",
        _when(fk),
        "-" * width,
        _lr("km", f"{dist}", width),
        _lr("Fare" if fk.lang == "en" else t["subtotal"], num(fk, fare), width),
    ]
    if fk.chance(0.4):
        lines.append(_lr("Extras", num(fk, 2.0), width))
        fare += 2
    lines += [_lr(t["total"], num(fk, fare), width), "-" * width]
    lines += _slip_footer(fk, t, fare, width, fk.currency())
    return _slip_doc(fk, "taxi", lines, taxi_word)


HOTEL = {
    "en": (
        "Guest",
        "Room",
        "Arrival",
        "Departure",
        "Room charge",
        "City tax",
        "Breakfast",
        "Minibar",
        "Payment received - thank you",
        "Balance",
    ),
    "fr": (
        "Client",
        "Chambre",
        "Arrivée",
        "Départ",
        "Nuitée",
        "Taxe de séjour",
        "Petit-déjeuner",
        "Minibar",
        "Paiement reçu - merci",
        "Solde",
    ),
    "de": (
        "Gast",
        "Zimmer",
        "Anreise",
        "Abreise",
        "Übernachtung",
        "City-Tax",
        "Frühstück",
        "Minibar",
        "Zahlung erhalten - vielen Dank",
        "Saldo",
    ),
    "nl": (
        "Gast",
        "Kamer",
        "Aankomst",
        "Vertrek",
        "Overnachting",
        "Toeristenbelasting",
        "Ontbijt",
        "Minibar",
        "Betaling ontvangen",
        "Saldo",
    ),
    "pl": (
        "Gość",
        "Pokój",
        "Przyjazd",
        "Wyjazd",
        "Nocleg",
        "Opłata miejscowa",
        "Śniadanie",
        "Minibar",
        "Płatność otrzymana",
        "Saldo",
    ),
    "es": (
        "Huésped",
        "Habitación",
        "Llegada",
        "Salida",
        "Alojamiento",
        "Tasa turística",
        "Desayuno",
        "Minibar",
        "Pago recibido, gracias",
        "Saldo",
    ),
    "it": (
        "Ospite",
        "Camera",
        "Arrivo",
        "Partenza",
        "Pernottamento",
        "Tassa di soggiorno",
        "Colazione",
        "Minibar",
        "Pagamento ricevuto",
        "Saldo",
    ),
}


def hotel(fk: Faker, photo: bool = False) -> Doc:
    t = labels(L, fk.lang)
    h = HOTEL[fk.lang]
    cur = fk.currency()
    name = fk.pick(
        [
            "Hotel Bellevue",
            "Grand Hotel Astoria",
            "The Harbour Inn",
            "Hôtel des Arts",
            "Parkhotel",
            "Hotel Miramare",
            "Riverside Suites",
            "Hostal La Plaza",
        ]
    )
    arrive = fk.date(2021, 2025)
    nights = fk.randint(1, 6)
    rate = fk.money(79, 260)
    rows, total = [], 0.0
    for n in range(nights):
        day = arrive + timedelta(days=n)
        rows.append([fk.fmt_date(day, "numeric"), h[4], num(fk, rate)])
        total += rate
        if fk.chance(0.5):
            rows.append([fk.fmt_date(day, "numeric"), h[6], num(fk, 18.5)])
            total += 18.5
    tax = round(nights * fk.uniform(1.5, 5), 2)
    rows.append(
        [fk.fmt_date(arrive + timedelta(days=nights), "numeric"), h[5], num(fk, tax)]
    )
    total += tax
    blocks = [
        Heading(name, 1),
        Para("\n".join(fk.address())),
        Heading(t["receipt_doc"] if fk.chance(0.6) else "Folio", 2),
        KeyValues(
            [
                (h[0], fk.person()),
                (h[1], str(fk.randint(101, 640))),
                (h[2], fk.fmt_date(arrive)),
                (h[3], fk.fmt_date(arrive + timedelta(days=nights))),
                ("Folio", fk.digits(6)),
            ]
        ),
        Table(
            [t["date"], "", cur],
            rows,
            widths=[1.3, 4, 1.5],
            align=["L", "L", "R"],
            footer=[
                ["", t["total"], num(fk, total)],
                ["", f"{t['card']} ****{fk.digits(4)}", "-" + num(fk, total)],
                ["", h[9], num(fk, 0)],
            ],
        ),
        Para(h[8], italic=True),
    ]
    return Doc(
        "receipt",
        fk.lang,
        "hotel",
        f"{name} {t['receipt_doc']}",
        blocks,
        random_style(fk),
    )


ONLINE = {
    "en": (
        "Order receipt",
        "Order number",
        "Order date",
        "Ship to",
        "Item",
        "Shipping",
        "Paid with",
        "Your payment has been received. This is "
        "your receipt; keep it for your records.",
    ),
    "fr": (
        "Reçu de commande",
        "Numéro de commande",
        "Date de commande",
        "Livraison à",
        "Article",
        "Frais de port",
        "Payé par",
        "Nous avons bien reçu votre paiement. Conservez ce reçu.",
    ),
    "de": (
        "Zahlungsbeleg",
        "Bestellnummer",
        "Bestelldatum",
        "Lieferadresse",
        "Artikel",
        "Versand",
        "Bezahlt mit",
        "Ihre Zahlung ist eingegangen. Dies ist Ihr Beleg.",
    ),
    "nl": (
        "Betaalbewijs",
        "Bestelnummer",
        "Besteldatum",
        "Bezorgadres",
        "Artikel",
        "Verzendkosten",
        "Betaald met",
        "Wij hebben uw betaling ontvangen. Bewaar dit bewijs.",
    ),
    "pl": (
        "Potwierdzenie zakupu",
        "Numer zamówienia",
        "Data zamówienia",
        "Adres dostawy",
        "Produkt",
        "Dostawa",
        "Zapłacono",
        "Otrzymaliśmy Twoją płatność. To jest potwierdzenie zakupu.",
    ),
    "es": (
        "Recibo del pedido",
        "Número de pedido",
        "Fecha del pedido",
        "Enviar a",
        "Artículo",
        "Envío",
        "Pagado con",
        "Hemos recibido su pago. Este es su recibo.",
    ),
    "it": (
        "Ricevuta d'ordine",
        "Numero ordine",
        "Data ordine",
        "Spedire a",
        "Articolo",
        "Spedizione",
        "Pagato con",
        "Abbiamo ricevuto il pagamento. Questa è la tua ricevuta.",
    ),
}
ONLINE_GOODS = [
    "Wireless Mouse",
    "USB-C Charger 65W",
    "Yoga Mat",
    "Water Bottle 750ml",
    "Paperback novel",
    "Phone case",
    "Desk lamp",
    "Running socks 3-pack",
    "Bluetooth speaker",
    "Notebook A5",
    "HDMI cable",
]


def online(fk: Faker, photo: bool = False) -> Doc:
    t = labels(L, fk.lang)
    o = ONLINE[fk.lang]
    cur = fk.currency()
    shop = fk.pick(["Shopora", "Cartwell", "BuyNest", "Marketly", "Parcelio"])
    rows, total = [], 0.0
    for item in fk.sample(ONLINE_GOODS, fk.randint(1, 4)):
        count = fk.pick([1, 1, 2])
        price = fk.money(4, 80)
        rows.append([item, str(count), fk.fmt_money(count * price, cur)])
        total += count * price
    ship = fk.pick([0.0, 3.99, 4.95, 6.5])
    total += ship
    blocks = [
        Para(shop, bold=True, size=16),
        Heading(o[0], 1),
        KeyValues(
            [
                (o[1], fk.code("###-#######-#######")),
                (o[2], fk.fmt_date(fk.date(2021, 2025))),
            ]
        ),
        Heading(o[3], 3),
        Para("\n".join([fk.person(), *fk.address()])),
        Table(
            [o[4], t["items"].title()[:3] + ".", cur],
            rows,
            widths=[5, 1, 1.5],
            align=["L", "R", "R"],
            footer=[
                [o[5], "", fk.fmt_money(ship, cur)],
                [t["total"], "", fk.fmt_money(total, cur)],
            ],
        ),
        Para(
            f"{o[6]}: {fk.pick(['Visa', 'Mastercard', 'PayPal'])} •••• {fk.digits(4)}"
        ),
        Rule(),
        Para(o[7], size=8),
    ]
    return Doc(
        "receipt",
        fk.lang,
        "online",
        o[0],
        blocks,
        random_style(fk, table_style="lines"),
    )


def parking(fk: Faker, photo: bool = False) -> Doc:
    t = labels(L, fk.lang)
    width = _w(fk)
    words = {
        "en": ("PARKING", "Entry", "Exit", "Duration"),
        "fr": ("PARKING", "Entrée", "Sortie", "Durée"),
        "de": ("PARKHAUS", "Einfahrt", "Ausfahrt", "Parkdauer"),
        "nl": ("PARKEERGARAGE", "Inrit", "Uitrit", "Duur"),
        "pl": ("PARKING", "Wjazd", "Wyjazd", "Czas"),
        "es": ("APARCAMIENTO", "Entrada", "Salida", "Duración"),
        "it": ("PARCHEGGIO", "Ingresso", "Uscita", "Durata"),
    }[fk.lang]
    hours = fk.randint(1, 9)
    fee = round(hours * fk.uniform(1.5, 4.0), 2)
    start = fk.randint(7, 14)
    lines = [
        f"{words[0]} {fk.pick(COMPANY_SHORT)}".center(width),
        *[a.center(width) for a in fk.address()],
        "",
        t["receipt"].center(width),
        _when(fk),
        _lr(words[1], f"{start:02d}:{fk.randint(0, 59):02d}", width),
        _lr(words[2], f"{start + hours:02d}:{fk.randint(0, 59):02d}", width),
        _lr(words[3], f"{hours} h", width),
        "-" * width,
        _lr(t["total"], num(fk, fee), width),
    ]
    lines += _tax_line(fk, t, fee, width) + _slip_footer(fk, t, fee, width, "")
    return _slip_doc(fk, "parking", lines, words[0])


RETAIL_GOODS = [
    ("Wireless Earbuds - Black", "AUD-", 39, 199),
    ("USB-C Cable 2m", "ACC-", 8, 25),
    ("27in Monitor Stand", "OFF-", 25, 80),
    ("Mechanical Keyboard TKL", "KEY-", 60, 180),
    ("Phone Case Clear", "ACC-", 10, 35),
    ("Portable Charger 10000mAh", "PWR-", 20, 60),
    ("HDMI Adapter", "ACC-", 12, 40),
    ("Smart Bulb 2-pack", "HOM-", 18, 45),
    ("Laptop Sleeve 14in", "BAG-", 20, 55),
    ("Gift Card", "GFT-", 25, 100),
]


def retail_pos(fk: Faker) -> Doc:
    """Build a chain store's till slip with SKUs, register and loyalty lines."""
    t = labels(L, fk.lang)
    width = _w(fk)
    name = fk.pick(
        [
            "TechHub Electronics",
            "Gadget Corner",
            "HomeWorks Store",
            "City Outfitters",
            "PageTurner Books",
        ]
    )
    lines = _slip_header(fk, name, width)
    lines += [
        "=" * width,
        f"Store #{fk.digits(4)}",
        _when(fk),
        f"TXN: {fk.code('TXN-#####-####')}",
        f"{t['cashier']}: {fk.person('en')}",
        f"Register: POS-{fk.digits(2)}",
        "-" * width,
    ]
    total = 0.0
    for item, sku, low, high in fk.sample(RETAIL_GOODS, fk.randint(1, 5)):
        count = fk.pick([1, 1, 2])
        price = fk.money(low, high)
        lines += [
            item,
            _lr(
                f"{sku}{fk.digits(4)} {count} @ {num(fk, price)}",
                num(fk, count * price),
                width,
            ),
        ]
        total += count * price
        if fk.chance(0.2):
            lines.append(_lr("Member Discount", "-" + num(fk, 5.0), width))
            total -= 5.0
    lines += ["-" * width, _lr(t["subtotal"], num(fk, total), width)]
    lines += _tax_line(fk, t, total, width)
    lines += [_lr(t["total"], num(fk, total), width), "=" * width]
    if fk.chance(0.5):
        lines += [f"Rewards member: ****{fk.digits(4)}", f"Points earned: {int(total)}"]
    lines += _slip_footer(fk, t, total, width, "")
    lines += [t["refund"], f"{fk.code('##### ##### ##### #####')}".center(width)]
    return _slip_doc(fk, "retail_pos", lines, f"{name} {t['receipt']}")


COMPANY_SHORT = ["Centrum", "Central", "Gare", "Markt", "Plaza", "Nord", "Süd"]

SLIP_TEMPLATES = {
    "cafe",
    "supermarket",
    "pharmacy",
    "fuel",
    "taxi",
    "parking",
    "retail_pos",
}
FORMAT_TEMPLATES = {"photo": SLIP_TEMPLATES}

TEMPLATES = [
    ("cafe", cafe, ALL_LANGS),
    ("supermarket", supermarket, ALL_LANGS),
    ("pharmacy", pharmacy, ALL_LANGS),
    ("fuel", fuel, ALL_LANGS),
    ("taxi", taxi, ALL_LANGS),
    ("hotel", hotel, ALL_LANGS),
    ("online", online, ALL_LANGS),
    ("parking", parking, ALL_LANGS),
    ("retail_pos", retail_pos, ("en",)),
]
