"""Fictitious names, addresses, dates and amounts for the synthetic corpus.

Every value comes from a seeded ``random.Random`` so one seed always yields the
same corpus. Names are drawn from common first and last names and invented
company words; any match with a real person or firm is a coincidence.
"""

from __future__ import annotations

import datetime as dt
import random
import string
import unicodedata

LANGS = ("en", "fr", "de", "nl", "pl", "es", "it")

FIRST_NAMES = {
    "en": [
        "James",
        "Mary",
        "Olivia",
        "Liam",
        "Noah",
        "Emma",
        "Ava",
        "Ethan",
        "Mason",
        "Sophia",
        "Harper",
        "Lucas",
        "Amelia",
        "Jack",
        "Grace",
        "Henry",
        "Chloe",
        "Daniel",
        "Priya",
        "Arjun",
        "Wei",
        "Mei",
        "Fatima",
        "Omar",
        "Aisha",
        "Carlos",
        "Rachel",
        "Nathan",
        "Megan",
        "Tyler",
        "Brandon",
        "Keisha",
        "Darnell",
        "Hannah",
        "Samuel",
        "Zoe",
        "Isaac",
        "Leah",
        "Owen",
        "Ruth",
        "Victor",
        "Diana",
        "Kevin",
    ],
    "fr": [
        "Jean",
        "Marie",
        "Camille",
        "Louis",
        "Léa",
        "Hugo",
        "Chloé",
        "Lucas",
        "Manon",
        "Théo",
        "Inès",
        "Julien",
        "Élodie",
        "Antoine",
        "Céline",
        "Mathieu",
        "Sophie",
        "Nicolas",
        "Aurélie",
        "Benoît",
        "Margaux",
        "François",
        "Hélène",
        "Yannick",
    ],
    "de": [
        "Lukas",
        "Anna",
        "Jonas",
        "Lea",
        "Felix",
        "Sophie",
        "Maximilian",
        "Marie",
        "Paul",
        "Laura",
        "Tobias",
        "Katharina",
        "Jürgen",
        "Sabine",
        "Stefan",
        "Ute",
        "Matthias",
        "Julia",
        "Florian",
        "Anja",
        "Klaus",
        "Birgit",
        "Dominik",
        "Jörg",
    ],
    "nl": [
        "Daan",
        "Emma",
        "Sem",
        "Julia",
        "Lucas",
        "Sanne",
        "Thijs",
        "Fleur",
        "Bram",
        "Lotte",
        "Jeroen",
        "Anouk",
        "Ruben",
        "Femke",
        "Pieter",
        "Marieke",
        "Joost",
    ],
    "pl": [
        "Jakub",
        "Anna",
        "Piotr",
        "Katarzyna",
        "Tomasz",
        "Magdalena",
        "Paweł",
        "Agnieszka",
        "Krzysztof",
        "Małgorzata",
        "Michał",
        "Joanna",
        "Łukasz",
        "Ewa",
    ],
    "es": [
        "Alejandro",
        "Lucía",
        "Javier",
        "María",
        "Pablo",
        "Carmen",
        "Diego",
        "Laura",
        "Sergio",
        "Elena",
        "Álvaro",
        "Marta",
        "Raúl",
        "Paula",
        "Iñigo",
        "Nuria",
    ],
    "it": [
        "Marco",
        "Giulia",
        "Luca",
        "Francesca",
        "Matteo",
        "Chiara",
        "Alessandro",
        "Sara",
        "Davide",
        "Elena",
        "Giorgio",
        "Valentina",
        "Stefano",
        "Federica",
    ],
}

LAST_NAMES = {
    "en": [
        "Smith",
        "Johnson",
        "Williams",
        "Brown",
        "Jones",
        "Miller",
        "Davis",
        "Wilson",
        "Anderson",
        "Taylor",
        "Thomas",
        "Moore",
        "Martin",
        "Jackson",
        "Thompson",
        "White",
        "Harris",
        "Clark",
        "Lewis",
        "Walker",
        "Hall",
        "Young",
        "King",
        "Wright",
        "Patel",
        "Nguyen",
        "Chen",
        "Kim",
        "Okafor",
        "Garcia",
        "Hughes",
        "Bennett",
        "Fletcher",
        "Donovan",
        "Ramirez",
        "Sullivan",
        "Brooks",
        "Price",
    ],
    "fr": [
        "Martin",
        "Bernard",
        "Dubois",
        "Thomas",
        "Robert",
        "Richard",
        "Petit",
        "Durand",
        "Leroy",
        "Moreau",
        "Simon",
        "Laurent",
        "Lefèvre",
        "Michel",
        "Garnier",
        "Faure",
        "Rousseau",
        "Blanc",
        "Guérin",
        "Chevalier",
        "Fontaine",
    ],
    "de": [
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Meyer",
        "Wagner",
        "Becker",
        "Schulz",
        "Hoffmann",
        "Koch",
        "Richter",
        "Klein",
        "Wolf",
        "Schröder",
        "Neumann",
        "Braun",
        "Zimmermann",
        "Krüger",
        "Hartmann",
        "Lange",
    ],
    "nl": [
        "de Jong",
        "Jansen",
        "de Vries",
        "van den Berg",
        "van Dijk",
        "Bakker",
        "Visser",
        "Smit",
        "Meijer",
        "de Boer",
        "Mulder",
        "de Groot",
        "Bos",
        "Vos",
    ],
    "pl": [
        "Nowak",
        "Kowalski",
        "Wiśniewski",
        "Wójcik",
        "Kowalczyk",
        "Kamiński",
        "Lewandowski",
        "Zieliński",
        "Szymański",
        "Woźniak",
        "Dąbrowski",
        "Kozłowski",
    ],
    "es": [
        "García",
        "Fernández",
        "González",
        "Rodríguez",
        "López",
        "Martínez",
        "Sánchez",
        "Pérez",
        "Gómez",
        "Ruiz",
        "Díaz",
        "Moreno",
        "Jiménez",
        "Navarro",
    ],
    "it": [
        "Rossi",
        "Russo",
        "Ferrari",
        "Esposito",
        "Bianchi",
        "Romano",
        "Colombo",
        "Ricci",
        "Marino",
        "Greco",
        "Bruno",
        "Gallo",
        "Conti",
        "De Luca",
        "Costa",
    ],
}

COMPANY_WORDS = [
    "Northwind",
    "Bluepeak",
    "Cedar",
    "Harbor",
    "Silverline",
    "Brightwater",
    "Ironbridge",
    "Maple",
    "Quartz",
    "Redstone",
    "Summit",
    "Oakridge",
    "Pioneer",
    "Lakeside",
    "Granite",
    "Evergreen",
    "Falcon",
    "Meridian",
    "Juniper",
    "Orbit",
    "Cobalt",
    "Willow",
    "Atlas",
    "Beacon",
    "Copperfield",
    "Driftwood",
    "Keystone",
    "Larkspur",
    "Nimbus",
    "Polaris",
    "Riverbend",
    "Sable",
    "Tidewater",
    "Vantage",
]
COMPANY_TRADES = {
    "en": [
        "Logistics",
        "Consulting",
        "Supplies",
        "Systems",
        "Foods",
        "Energy",
        "Analytics",
        "Design",
        "Manufacturing",
        "Networks",
        "Health",
        "Labs",
        "Trading",
        "Software",
        "Builders",
        "Media",
        "Outfitters",
    ],
    "fr": [
        "Conseil",
        "Distribution",
        "Services",
        "Bâtiment",
        "Informatique",
        "Transports",
        "Énergie",
        "Alimentation",
        "Industrie",
        "Études",
    ],
    "de": [
        "Logistik",
        "Beratung",
        "Handel",
        "Technik",
        "Bau",
        "Systeme",
        "Energie",
        "Medien",
        "Maschinenbau",
        "Software",
        "Versand",
    ],
    "nl": ["Advies", "Techniek", "Handel", "Bouw", "Logistiek", "Installaties"],
    "pl": ["Handel", "Budownictwo", "Usługi", "Systemy", "Transport", "Energia"],
    "es": [
        "Servicios",
        "Construcciones",
        "Distribuciones",
        "Consultores",
        "Sistemas",
        "Logística",
    ],
    "it": [
        "Servizi",
        "Costruzioni",
        "Distribuzione",
        "Consulenze",
        "Sistemi",
        "Logistica",
    ],
}
COMPANY_SUFFIXES = {
    "en": ["Ltd", "Inc.", "LLC", "Corp.", "Group", "Co.", "Ltd.", "PLC", "LLP"],
    "fr": ["SARL", "SAS", "SA", "EURL"],
    "de": ["GmbH", "GmbH & Co. KG", "AG", "KG", "e.K."],
    "nl": ["B.V.", "N.V.", "V.O.F."],
    "pl": ["Sp. z o.o.", "S.A.", "Sp.j."],
    "es": ["S.L.", "S.A.", "S.L.U."],
    "it": ["S.r.l.", "S.p.A.", "S.n.c."],
}

STREETS = {
    "en": [
        "Main Street",
        "Oak Avenue",
        "Elm Street",
        "Park Road",
        "High Street",
        "Station Road",
        "Maple Drive",
        "Church Lane",
        "Mill Road",
        "Lake View",
        "Market Street",
        "Cedar Court",
        "Riverside Way",
        "King's Road",
    ],
    "fr": [
        "rue de la République",
        "avenue Victor Hugo",
        "rue du Moulin",
        "boulevard Voltaire",
        "rue des Lilas",
        "place de la Gare",
        "chemin des Vignes",
        "rue Pasteur",
        "allée des Tilleuls",
    ],
    "de": [
        "Hauptstraße",
        "Bahnhofstraße",
        "Gartenweg",
        "Schillerstraße",
        "Lindenallee",
        "Goethestraße",
        "Am Markt",
        "Industriestraße",
        "Bergstraße",
        "Mühlenweg",
    ],
    "nl": [
        "Kerkstraat",
        "Dorpsstraat",
        "Stationsweg",
        "Molenweg",
        "Schoolstraat",
        "Wilhelminalaan",
        "Beukenlaan",
        "Marktplein",
    ],
    "pl": [
        "ul. Kwiatowa",
        "ul. Lipowa",
        "ul. Polna",
        "ul. Leśna",
        "ul. Słoneczna",
        "ul. Mickiewicza",
        "ul. Ogrodowa",
        "al. Jana Pawła II",
    ],
    "es": [
        "Calle Mayor",
        "Calle del Sol",
        "Avenida de la Constitución",
        "Calle Real",
        "Paseo de la Castellana",
        "Calle de Alcalá",
        "Plaza Mayor",
    ],
    "it": [
        "Via Roma",
        "Via Garibaldi",
        "Corso Italia",
        "Via Dante",
        "Via Verdi",
        "Piazza della Repubblica",
        "Via Mazzini",
        "Viale Europa",
    ],
}

CITIES = {
    "en": [
        ("Springfield", "IL", "62704"),
        ("Portland", "OR", "97205"),
        ("Austin", "TX", "78701"),
        ("Denver", "CO", "80202"),
        ("Madison", "WI", "53703"),
        ("Raleigh", "NC", "27601"),
        ("Leeds", "", "LS1 4DY"),
        ("Bristol", "", "BS1 5TR"),
        ("Manchester", "", "M2 3AW"),
        ("Toronto", "ON", "M5V 2T6"),
        ("Columbus", "OH", "43215"),
        ("Sacramento", "CA", "95814"),
    ],
    "fr": [
        ("Paris", "", "75011"),
        ("Lyon", "", "69003"),
        ("Lille", "", "59000"),
        ("Nantes", "", "44000"),
        ("Bordeaux", "", "33000"),
        ("Toulouse", "", "31000"),
        ("Strasbourg", "", "67000"),
        ("Rennes", "", "35000"),
    ],
    "de": [
        ("Berlin", "", "10115"),
        ("München", "", "80331"),
        ("Hamburg", "", "20095"),
        ("Köln", "", "50667"),
        ("Frankfurt am Main", "", "60311"),
        ("Leipzig", "", "04109"),
        ("Stuttgart", "", "70173"),
        ("Zürich", "", "8001"),
        ("Wien", "", "1010"),
    ],
    "nl": [
        ("Amsterdam", "", "1012 AB"),
        ("Utrecht", "", "3511 LK"),
        ("Rotterdam", "", "3011 AD"),
        ("Eindhoven", "", "5611 EM"),
        ("Groningen", "", "9711 LM"),
    ],
    "pl": [
        ("Warszawa", "", "00-001"),
        ("Kraków", "", "30-001"),
        ("Gdańsk", "", "80-001"),
        ("Wrocław", "", "50-001"),
        ("Poznań", "", "60-001"),
    ],
    "es": [
        ("Madrid", "", "28013"),
        ("Barcelona", "", "08001"),
        ("Valencia", "", "46002"),
        ("Sevilla", "", "41001"),
        ("Bilbao", "", "48001"),
    ],
    "it": [
        ("Milano", "MI", "20121"),
        ("Roma", "RM", "00184"),
        ("Torino", "TO", "10121"),
        ("Bologna", "BO", "40121"),
        ("Firenze", "FI", "50122"),
    ],
}

MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    "nl": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "pl": [
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    "it": [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
}

CURRENCY = {
    "en": ["USD", "USD", "GBP", "EUR", "CAD"],
    "fr": ["EUR"],
    "de": ["EUR", "EUR", "EUR", "CHF"],
    "nl": ["EUR"],
    "pl": ["PLN"],
    "es": ["EUR"],
    "it": ["EUR"],
}
CURRENCY_SIGN = {
    "USD": "$",
    "GBP": "£",
    "EUR": "€",
    "CAD": "$",
    "CHF": "CHF",
    "PLN": "zł",
}
VAT_RATES = {
    "en": [0.0, 0.0, 0.2, 0.08, 0.13],
    "fr": [0.2, 0.1, 0.055],
    "de": [0.19, 0.07, 0.081],
    "nl": [0.21, 0.09],
    "pl": [0.23, 0.08],
    "es": [0.21, 0.10],
    "it": [0.22, 0.10],
}
EMAIL_DOMAINS = [
    "example.com",
    "example.org",
    "example.net",
    "mail.example",
    "corp.example",
    "post.example",
]


class Faker:
    """Seeded generator of fictitious values, localised by language code."""

    def __init__(self, seed: int, lang: str = "en") -> None:
        self.rng = random.Random(seed)
        self.lang = lang

    # -- choices ---------------------------------------------------------------
    def pick(self, items):
        return self.rng.choice(items)

    def sample(self, items, k):
        k = max(0, min(k, len(items)))
        return self.rng.sample(list(items), k)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def randint(self, a: int, b: int) -> int:
        return self.rng.randint(a, b)

    def uniform(self, a: float, b: float) -> float:
        return self.rng.uniform(a, b)

    # -- people and firms ------------------------------------------------------
    def first_name(self, lang: str | None = None) -> str:
        return self.pick(FIRST_NAMES[lang or self.lang])

    def last_name(self, lang: str | None = None) -> str:
        return self.pick(LAST_NAMES[lang or self.lang])

    def person(self, lang: str | None = None) -> str:
        return f"{self.first_name(lang)} {self.last_name(lang)}"

    def company(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        word = self.pick(COMPANY_WORDS)
        if self.chance(0.25):
            word = f"{self.last_name(lang)} & {self.last_name(lang)}"
        trade = self.pick(COMPANY_TRADES[lang])
        suffix = self.pick(COMPANY_SUFFIXES[lang])
        if lang == "fr" and self.chance(0.5):
            return f"{trade} {word} {suffix}"
        return f"{word} {trade} {suffix}"

    def slug(self, text: str) -> str:
        keep = string.ascii_lowercase + string.digits
        text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
        text = text.replace("ł", "l").replace("ß", "ss")
        text = unicodedata.normalize("NFKD", text)
        out = "".join(ch for ch in text if ch in keep)
        return out[:14] or "mail"

    def email(self, name: str, company: str | None = None) -> str:
        parts = name.split()
        local = self.slug(parts[0])
        if len(parts) > 1 and self.chance(0.7):
            local += self.pick([".", "_", ""]) + self.slug(parts[-1])
        domain = self.pick(EMAIL_DOMAINS)
        if company:
            domain = f"{self.slug(company.split()[0])}.{self.pick(['example', 'test'])}"
        return f"{local}@{domain}"

    def phone(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        d = lambda n: "".join(str(self.randint(0, 9)) for _ in range(n))  # noqa: E731
        return {
            "en": f"({self.randint(201, 989)}) 555-{d(4)}",
            "fr": f"0{self.randint(1, 9)} {d(2)} {d(2)} {d(2)} {d(2)}",
            "de": f"0{self.randint(30, 899)} {d(7)}",
            "nl": f"0{self.randint(10, 79)}-{d(7)}",
            "pl": f"+48 {d(3)} {d(3)} {d(3)}",
            "es": f"+34 9{d(2)} {d(3)} {d(3)}",
            "it": f"0{self.randint(2, 99)} {d(7)}",
        }[lang]

    def address(self, lang: str | None = None) -> list[str]:
        """Return address lines in the postal order of the language's country."""
        lang = lang or self.lang
        street = self.pick(STREETS[lang])
        num = self.randint(1, 240)
        city, region, postcode = self.pick(CITIES[lang])
        if lang == "en":
            line1 = f"{num} {street}"
            if self.chance(0.25):
                line1 += f", Suite {self.randint(100, 900)}"
            line2 = f"{city}, {region} {postcode}" if region else f"{city} {postcode}"
            return [line1, line2]
        if lang == "fr":
            return [f"{num} {street}", f"{postcode} {city.upper()}"]
        if lang == "es":
            return [f"{street}, {num}", f"{postcode} {city}"]
        if lang == "it":
            return [f"{street} {num}", f"{postcode} {city} ({region})"]
        return [f"{street} {num}", f"{postcode} {city}"]

    def city(self, lang: str | None = None) -> str:
        return self.pick(CITIES[lang or self.lang])[0]

    # -- identifiers -----------------------------------------------------------
    def digits(self, n: int) -> str:
        return "".join(str(self.randint(0, 9)) for _ in range(n))

    def code(self, pattern: str) -> str:
        """Fill ``#`` with digits and ``?`` with capital letters."""
        out = []
        for ch in pattern:
            if ch == "#":
                out.append(str(self.randint(0, 9)))
            elif ch == "?":
                out.append(self.pick(string.ascii_uppercase))
            else:
                out.append(ch)
        return "".join(out)

    def iban(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        country = {
            "en": "GB",
            "fr": "FR",
            "de": "DE",
            "nl": "NL",
            "pl": "PL",
            "es": "ES",
            "it": "IT",
        }[lang]
        body = self.digits(2) + " " + " ".join(self.digits(4) for _ in range(4))
        if lang == "nl":
            body = self.digits(2) + " " + self.pick(["ABNA", "INGB", "RABO"]) + " "
            body += " ".join(self.digits(4) for _ in range(2)) + " " + self.digits(2)
        return f"{country}{body}"

    def vat_id(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        return {
            "en": "GB " + self.code("### #### ##"),
            "fr": "FR" + self.digits(2) + " " + self.digits(9),
            "de": "DE" + self.digits(9),
            "nl": "NL" + self.digits(9) + "B01",
            "pl": self.code("###-###-##-##"),
            "es": "ES" + self.code("?########"),
            "it": "IT" + self.digits(11),
        }[lang]

    # -- dates and money -------------------------------------------------------
    def date(self, start_year: int = 2019, end_year: int = 2025) -> dt.date:
        start = dt.date(start_year, 1, 1).toordinal()
        end = dt.date(end_year, 12, 31).toordinal()
        return dt.date.fromordinal(self.randint(start, end))

    def fmt_date(
        self, day: dt.date, style: str | None = None, lang: str | None = None
    ) -> str:
        """Format a date the way documents in the language usually do."""
        lang = lang or self.lang
        style = style or self.pick(["long", "numeric", "numeric", "iso"])
        if style == "iso":
            return day.isoformat()
        month = MONTHS[lang][day.month - 1]
        if style == "long":
            return {
                "en": f"{month} {day.day}, {day.year}",
                "fr": f"{day.day} {month} {day.year}",
                "de": f"{day.day}. {month} {day.year}",
                "nl": f"{day.day} {month} {day.year}",
                "pl": f"{day.day} {month} {day.year} r.",
                "es": f"{day.day} de {month} de {day.year}",
                "it": f"{day.day} {month} {day.year}",
            }[lang]
        if lang == "en":
            return self.pick(
                [
                    day.strftime("%m/%d/%Y"),
                    day.strftime("%d/%m/%Y"),
                    day.strftime("%d %b %Y"),
                ]
            )
        if lang in ("de", "pl"):
            return day.strftime("%d.%m.%Y")
        if lang == "nl":
            return day.strftime("%d-%m-%Y")
        return day.strftime("%d/%m/%Y")

    def fmt_money(
        self,
        amount: float,
        currency: str | None = None,
        lang: str | None = None,
        sign: bool = False,
    ) -> str:
        """Format an amount with the language's grouping and decimal marks."""
        lang = lang or self.lang
        text = f"{amount:,.2f}"
        if lang in ("de", "nl", "es", "it"):
            text = text.replace(",", "_").replace(".", ",").replace("_", ".")
        elif lang in ("fr", "pl"):
            text = text.replace(",", " ").replace(".", ",")
        if not currency:
            return text
        if sign:
            mark = CURRENCY_SIGN.get(currency, currency)
            if lang == "en" and mark in ("$", "£", "€"):
                return f"{mark}{text}"
            return f"{text} {mark}"
        return f"{text} {currency}"

    def currency(self, lang: str | None = None) -> str:
        return self.pick(CURRENCY[lang or self.lang])

    def vat_rate(self, lang: str | None = None) -> float:
        return self.pick(VAT_RATES[lang or self.lang])

    def money(self, low: float, high: float) -> float:
        return round(self.uniform(low, high), 2)
