"""Forms: tax return, applications, patient intake, address change, claims."""

from __future__ import annotations

from ..blocks import Checks, Doc, Fields, Heading, Para, Rule, Table
from ..fake import Faker
from ._common import ALL_LANGS, random_style


def _maybe(fk: Faker, value: str, filled: bool) -> str:
    return value if filled and fk.chance(0.85) else ""


def tax_return(fk: Faker) -> Doc:
    filled = fk.chance(0.4)
    year = fk.randint(2018, 2025)
    number = fk.code("####-??")
    blocks = [
        Para(f"Form {number}", bold=True, size=14),
        Heading(
            fk.pick(
                [
                    "Individual Income Tax Return",
                    "Annual Return of Income",
                    "Nonresident Income Tax Return",
                    "Household Employment Taxes",
                ]
            )
            + f" {year}",
            1,
        ),
        Para(
            f"Department of Revenue · OMB No. {fk.code('####-####')} · "
            "For the year Jan. 1–Dec. 31, or other tax year beginning ____",
            size=8,
        ),
        Fields(
            [
                (
                    "Your first name and middle initial",
                    _maybe(fk, fk.first_name(), filled),
                ),
                ("Last name", _maybe(fk, fk.last_name(), filled)),
                (
                    "Your social security number",
                    _maybe(fk, fk.code("###-##-####"), filled),
                ),
                (
                    "Home address (number and street)",
                    _maybe(fk, fk.address()[0], filled),
                ),
                ("Apt. no.", ""),
                (
                    "City, town or post office, state, ZIP code",
                    _maybe(fk, fk.address()[1], filled),
                ),
            ],
            columns=fk.pick([1, 2]),
        ),
        Checks(
            [
                ("Single", filled and fk.chance(0.5)),
                ("Married filing jointly", False),
                ("Married filing separately", False),
                ("Head of household", False),
                ("Qualifying surviving spouse", False),
            ],
            prompt="Filing Status. Check only one box.",
        ),
    ]
    rows = []
    for n, label in enumerate(
        fk.sample(
            [
                "Wages, salaries, tips (attach Form W-2)",
                "Tax-exempt interest",
                "Taxable interest",
                "Qualified dividends",
                "Ordinary dividends",
                "IRA distributions",
                "Pensions and annuities",
                "Social security benefits",
                "Capital gain or (loss)",
                "Other income from Schedule 1",
                "Adjustments to income",
                "Standard deduction or itemized deductions",
                "Qualified business income deduction",
                "Taxable income",
                "Total tax",
                "Federal income tax withheld",
                "Estimated tax payments",
                "Amount you owe",
                "Overpaid",
                "Refund",
            ],
            fk.randint(8, 16),
        ),
        1,
    ):
        value = num_str(fk) if filled else ""
        rows.append([f"{n}", label + " " + "." * fk.randint(4, 20), f"{n}", value])
    blocks.append(
        Table(
            ["Line", "Income", "", "Amount"],
            rows,
            widths=[0.5, 6, 0.5, 1.6],
            align=["L", "L", "L", "R"],
        )
    )
    blocks += [
        Checks(
            [("Yes", False), ("No", filled)],
            prompt="At any time during "
            f"{year}, did you receive or dispose of any digital asset?",
        ),
        Para(
            "Under penalties of perjury, I declare that I have examined this "
            "return and accompanying schedules and statements, and to the "
            "best of my knowledge and belief, they are true, correct, and "
            "complete.",
            size=7.5,
        ),
        Fields(
            [
                ("Your signature", ""),
                ("Date", ""),
                ("Your occupation", ""),
                ("Phone no.", ""),
                ("Email address", ""),
            ],
            columns=2,
        ),
        Para(
            f"For Disclosure, Privacy Act, and Paperwork Reduction Act "
            f"Notice, see separate instructions. Cat. No. {fk.digits(5)}X",
            size=7,
        ),
    ]
    return Doc(
        "form",
        "en",
        "tax_return",
        f"Form {number}",
        blocks,
        random_style(fk, size=8.5, table_style="lines"),
    )


def num_str(fk: Faker) -> str:
    return f"{fk.randint(0, 90000):,}"


APPLICATION = {
    "en": (
        "Application Form",
        "Personal details",
        "Surname",
        "Given names",
        "Date of birth",
        "Place of birth",
        "Nationality",
        "Address",
        "Postcode",
        "City",
        "Telephone",
        "E-mail",
        "Marital status",
        ["Single", "Married", "Divorced", "Widowed"],
        "Declaration",
        "I confirm that the information given on this form is true and complete.",
        "Signature",
        "Date",
        "FOR OFFICE USE ONLY",
        "Received",
        "Reference no.",
        "Please complete in BLOCK CAPITALS and black ink.",
    ),
    "fr": (
        "Formulaire de demande",
        "État civil",
        "Nom",
        "Prénom(s)",
        "Date de naissance",
        "Lieu de naissance",
        "Nationalité",
        "Adresse",
        "Code postal",
        "Commune",
        "Téléphone",
        "Courriel",
        "Situation familiale",
        ["Célibataire", "Marié(e)", "Pacsé(e)", "Divorcé(e)", "Veuf/veuve"],
        "Attestation sur l'honneur",
        "Je certifie sur l'honneur l'exactitude des renseignements fournis.",
        "Signature",
        "Fait le",
        "CADRE RÉSERVÉ À L'ADMINISTRATION",
        "Reçu le",
        "N° de dossier",
        "Écrire en MAJUSCULES, à l'encre noire.",
    ),
    "de": (
        "Antragsformular",
        "Angaben zur Person",
        "Familienname",
        "Vorname(n)",
        "Geburtsdatum",
        "Geburtsort",
        "Staatsangehörigkeit",
        "Straße, Hausnummer",
        "PLZ",
        "Wohnort",
        "Telefon",
        "E-Mail",
        "Familienstand",
        ["ledig", "verheiratet", "geschieden", "verwitwet"],
        "Erklärung",
        "Ich versichere, dass die Angaben vollständig und richtig sind.",
        "Unterschrift",
        "Ort, Datum",
        "NUR FÜR DEN DIENSTGEBRAUCH",
        "Eingangsdatum",
        "Aktenzeichen",
        "Bitte in DRUCKBUCHSTABEN ausfüllen und Zutreffendes ankreuzen.",
    ),
    "nl": (
        "Aanvraagformulier",
        "Persoonsgegevens",
        "Achternaam",
        "Voornamen",
        "Geboortedatum",
        "Geboorteplaats",
        "Nationaliteit",
        "Adres",
        "Postcode",
        "Woonplaats",
        "Telefoon",
        "E-mail",
        "Burgerlijke staat",
        ["Ongehuwd", "Gehuwd", "Gescheiden", "Weduwe/weduwnaar"],
        "Verklaring",
        "Ik verklaar dat ik dit formulier naar waarheid heb ingevuld.",
        "Handtekening",
        "Datum",
        "NIET INVULLEN",
        "Ontvangen op",
        "Dossiernummer",
        "Invullen in BLOKLETTERS.",
    ),
    "pl": (
        "Formularz zgłoszeniowy",
        "Dane osobowe",
        "Nazwisko",
        "Imiona",
        "Data urodzenia",
        "Miejsce urodzenia",
        "Obywatelstwo",
        "Adres",
        "Kod pocztowy",
        "Miejscowość",
        "Telefon",
        "E-mail",
        "Stan cywilny",
        ["Kawaler/panna", "Żonaty/zamężna", "Rozwiedziony/a", "Wdowiec/wdowa"],
        "Oświadczenie",
        "Oświadczam, że dane podane w formularzu są zgodne z prawdą.",
        "Podpis",
        "Data",
        "WYPEŁNIA URZĄD",
        "Data wpływu",
        "Numer sprawy",
        "Wypełnić DRUKOWANYMI LITERAMI.",
    ),
    "es": (
        "Formulario de solicitud",
        "Datos personales",
        "Apellidos",
        "Nombre",
        "Fecha de nacimiento",
        "Lugar de nacimiento",
        "Nacionalidad",
        "Domicilio",
        "Código postal",
        "Localidad",
        "Teléfono",
        "Correo electrónico",
        "Estado civil",
        ["Soltero/a", "Casado/a", "Divorciado/a", "Viudo/a"],
        "Declaración",
        "Declaro que los datos consignados son ciertos.",
        "Firma",
        "Fecha",
        "A CUMPLIMENTAR POR LA ADMINISTRACIÓN",
        "Fecha de entrada",
        "N.º de expediente",
        "Rellenar en MAYÚSCULAS.",
    ),
    "it": (
        "Modulo di domanda",
        "Dati anagrafici",
        "Cognome",
        "Nome",
        "Data di nascita",
        "Luogo di nascita",
        "Cittadinanza",
        "Indirizzo",
        "CAP",
        "Comune",
        "Telefono",
        "E-mail",
        "Stato civile",
        ["Celibe/nubile", "Coniugato/a", "Divorziato/a", "Vedovo/a"],
        "Dichiarazione",
        "Dichiaro che i dati forniti sono veritieri.",
        "Firma",
        "Data",
        "SPAZIO RISERVATO ALL'UFFICIO",
        "Data ricezione",
        "N. pratica",
        "Compilare in STAMPATELLO.",
    ),
}
PURPOSES = {
    "en": [
        "Parking Permit Application",
        "Library Card Application",
        "Residence Registration",
        "Membership Application",
        "Scholarship Application",
        "Building Permit Application",
    ],
    "fr": [
        "Demande de carte de stationnement résident",
        "Inscription à la médiathèque",
        "Demande d'inscription scolaire",
        "Demande de bourse",
        "Demande d'adhésion",
    ],
    "de": [
        "Antrag auf Bewohnerparkausweis",
        "Anmeldung einer Wohnung",
        "Antrag auf Mitgliedschaft",
        "Antrag auf Kindergartenplatz",
        "Bauantrag",
    ],
    "nl": [
        "Aanvraag parkeervergunning",
        "Inschrijving bibliotheek",
        "Aanvraag lidmaatschap",
    ],
    "pl": [
        "Wniosek o kartę parkingową",
        "Deklaracja członkowska",
        "Wniosek o stypendium",
    ],
    "es": [
        "Solicitud de tarjeta de aparcamiento",
        "Solicitud de empadronamiento",
        "Solicitud de beca",
    ],
    "it": [
        "Domanda di permesso di sosta",
        "Domanda di iscrizione",
        "Richiesta di contributo",
    ],
}


def application(fk: Faker) -> Doc:
    a = APPLICATION[fk.lang]
    filled = fk.chance(0.35)
    person_last, person_first = fk.last_name(), fk.first_name()
    purpose = fk.pick(PURPOSES[fk.lang])
    addr = fk.address()
    blocks = [
        Para(fk.pick(["", fk.city() + " – "]) + purpose, bold=True, size=13),
        Heading(a[0], 1),
        Para(a[21], italic=True, size=8),
        Heading(a[1], 2),
        Fields(
            [
                (a[2], _maybe(fk, person_last.upper(), filled)),
                (a[3], _maybe(fk, person_first.upper(), filled)),
                (a[4], _maybe(fk, fk.fmt_date(fk.date(1950, 2004), "numeric"), filled)),
                (a[5], _maybe(fk, fk.city(), filled)),
                (a[6], ""),
                (a[7], _maybe(fk, addr[0], filled)),
                (a[8], ""),
                (a[9], ""),
                (a[10], _maybe(fk, fk.phone(), filled)),
                (a[11], ""),
            ],
            columns=fk.pick([1, 2, 2]),
        ),
        Checks([(s, filled and i == 0) for i, s in enumerate(a[13])], prompt=a[12]),
    ]
    if fk.chance(0.6):
        blocks += [
            Heading(fk.pick(["2.", "B.", "II."]) + " " + purpose, 2),
            Fields(
                [
                    (x, "")
                    for x in fk.sample(
                        [
                            "Vehicle registration",
                            "Start date",
                            "Membership type",
                            "Course / programme",
                            "Reason for application",
                            "Number of household members",
                            "Previous address",
                            "Employer",
                            "Annual income",
                            "Preferred contact time",
                        ]
                        if fk.lang == "en"
                        else [a[7], a[4], a[10], a[11], a[9]],
                        fk.randint(3, 6),
                    )
                ]
            ),
        ]
    blocks += [
        Heading(a[14], 2),
        Para(a[15]),
        Fields([(a[17], ""), (a[16], "")], columns=2),
        Rule(),
        Para(a[18], bold=True, size=8),
        Fields([(a[19], ""), (a[20], "")], columns=2),
    ]
    return Doc(
        "form", fk.lang, "application", f"{purpose} – {a[0]}", blocks, random_style(fk)
    )


def patient_intake(fk: Faker) -> Doc:
    blocks = [
        Para(
            fk.pick(
                [
                    "Riverside Family Clinic",
                    "Maple Grove Medical Group",
                    "Lakeside Dental Care",
                    "Northside Physiotherapy",
                ]
            ),
            bold=True,
            size=13,
        ),
        Heading("New Patient Registration Form", 1),
        Fields(
            [
                ("Patient name", ""),
                ("Date of birth", ""),
                ("Sex", ""),
                ("Address", ""),
                ("City/State/ZIP", ""),
                ("Home phone", ""),
                ("Cell phone", ""),
                ("Email", ""),
                ("Emergency contact", ""),
                ("Relationship", ""),
            ],
            columns=2,
        ),
        Heading("Insurance information", 2),
        Fields(
            [
                ("Primary insurance", ""),
                ("Policy / member ID", ""),
                ("Group number", ""),
                ("Policy holder name", ""),
                ("Policy holder date of birth", ""),
            ],
            columns=fk.pick([1, 2]),
        ),
        Heading("Medical history", 2),
        Checks(
            [
                (c, fk.chance(0.15))
                for c in fk.sample(
                    [
                        "Asthma",
                        "Diabetes",
                        "High blood pressure",
                        "Heart disease",
                        "Allergies",
                        "Cancer",
                        "Stroke",
                        "Thyroid disorder",
                        "Depression/anxiety",
                        "Arthritis",
                        "Kidney disease",
                        "Pregnant or possibly pregnant",
                    ],
                    fk.randint(6, 12),
                )
            ],
            prompt="Please check any conditions that apply:",
        ),
        Fields(
            [
                ("Current medications", ""),
                ("Allergies to medications", ""),
                ("Previous surgeries", ""),
            ]
        ),
        Para(
            "I authorize the release of any medical information necessary to "
            "process insurance claims and assign benefits to the provider.",
            size=8,
        ),
        Fields([("Signature of patient or guardian", ""), ("Date", "")], columns=2),
    ]
    return Doc(
        "form",
        "en",
        "patient_intake",
        "New Patient Registration Form",
        blocks,
        random_style(fk),
    )


ADDRESS_CHANGE = {
    "en": (
        "Change of Address Form",
        "Old address",
        "New address",
        "Effective date",
        "Name(s)",
        "Customer/account number",
        ["Individual", "Entire family", "Business"],
        "Who is moving?",
        "Signature",
        "Date",
    ),
    "fr": (
        "Déclaration de changement d'adresse",
        "Ancienne adresse",
        "Nouvelle adresse",
        "Date d'effet",
        "Nom(s) et prénom(s)",
        "N° d'allocataire / client",
        ["Individuel", "Famille", "Entreprise"],
        "Qui déménage ?",
        "Signature",
        "Date",
    ),
    "de": (
        "Mitteilung über Adressänderung",
        "Bisherige Anschrift",
        "Neue Anschrift",
        "Gültig ab",
        "Name(n)",
        "Kunden-/Vertragsnummer",
        ["Einzelperson", "ganze Familie", "Firma"],
        "Wer zieht um?",
        "Unterschrift",
        "Datum",
    ),
    "nl": (
        "Adreswijziging",
        "Oud adres",
        "Nieuw adres",
        "Ingangsdatum",
        "Naam",
        "Klantnummer",
        ["Persoon", "Gezin", "Bedrijf"],
        "Wie verhuist er?",
        "Handtekening",
        "Datum",
    ),
    "pl": (
        "Zgłoszenie zmiany adresu",
        "Dotychczasowy adres",
        "Nowy adres",
        "Data zmiany",
        "Imię i nazwisko",
        "Numer klienta",
        ["Osoba", "Rodzina", "Firma"],
        "Kto się przeprowadza?",
        "Podpis",
        "Data",
    ),
    "es": (
        "Comunicación de cambio de domicilio",
        "Domicilio anterior",
        "Nuevo domicilio",
        "Fecha de efecto",
        "Nombre",
        "N.º de cliente",
        ["Particular", "Familia", "Empresa"],
        "¿Quién se traslada?",
        "Firma",
        "Fecha",
    ),
    "it": (
        "Comunicazione di cambio indirizzo",
        "Vecchio indirizzo",
        "Nuovo indirizzo",
        "Data di decorrenza",
        "Nome e cognome",
        "Codice cliente",
        ["Persona", "Famiglia", "Azienda"],
        "Chi si trasferisce?",
        "Firma",
        "Data",
    ),
}


def address_change(fk: Faker) -> Doc:
    a = ADDRESS_CHANGE[fk.lang]
    issuer = fk.company()
    blocks = [
        Para(issuer, bold=True),
        Heading(a[0], 1),
        Fields([(a[4], ""), (a[5], "")]),
        Checks([(x, False) for x in a[6]], prompt=a[7]),
        Heading(a[1], 3),
        Fields([(a[1], ""), ("", "")]),
        Heading(a[2], 3),
        Fields([(a[2], ""), ("", ""), (a[3], "")]),
        Fields([(a[8], ""), (a[9], "")], columns=2),
    ]
    return Doc("form", fk.lang, "address_change", a[0], blocks, random_style(fk))


EXPENSE = {
    "en": (
        "Expense Claim Form",
        "Employee name",
        "Employee ID",
        "Department",
        "Cost center",
        "Date",
        "Description",
        "Category",
        "Amount",
        "Receipt attached",
        "Total claimed",
        "Employee signature",
        "Manager approval",
        ["Travel", "Meals", "Lodging", "Mileage", "Supplies"],
    ),
    "fr": (
        "Note de frais",
        "Nom du salarié",
        "Matricule",
        "Service",
        "Centre de coût",
        "Date",
        "Objet",
        "Nature",
        "Montant TTC",
        "Justificatif joint",
        "Total à rembourser",
        "Signature du salarié",
        "Visa du responsable",
        ["Transport", "Repas", "Hébergement", "Indemnités km", "Fournitures"],
    ),
    "de": (
        "Reisekostenabrechnung",
        "Name",
        "Personalnummer",
        "Abteilung",
        "Kostenstelle",
        "Datum",
        "Anlass",
        "Art",
        "Betrag",
        "Beleg beigefügt",
        "Erstattungsbetrag",
        "Unterschrift Mitarbeiter",
        "Genehmigung Vorgesetzter",
        ["Fahrtkosten", "Verpflegung", "Übernachtung", "Kilometergeld", "Nebenkosten"],
    ),
}


def expense_claim(fk: Faker) -> Doc:
    e = EXPENSE[fk.lang]
    filled = fk.chance(0.5)
    rows = []
    for _ in range(fk.randint(4, 10)):
        if filled:
            rows.append(
                [
                    fk.fmt_date(fk.date(2023, 2025), "numeric"),
                    fk.pick(["Client visit", "Conference", "Team offsite", "Training"])
                    if fk.lang == "en"
                    else "",
                    fk.pick(e[13]),
                    fk.fmt_money(fk.money(5, 400)),
                    "[x]",
                ]
            )
        else:
            rows.append(["", "", "", "", "[ ]"])
    blocks = [
        Heading(e[0], 1),
        Para(fk.company(), italic=True),
        Fields(
            [
                (e[1], _maybe(fk, fk.person(), filled)),
                (e[2], ""),
                (e[3], ""),
                (e[4], ""),
            ],
            columns=2,
        ),
        Table([e[5], e[6], e[7], e[8], e[9]], rows, widths=[1.3, 3.5, 1.6, 1.3, 1]),
        Fields([(e[10], "")]),
        Fields([(e[11], ""), (e[5], ""), (e[12], ""), (e[5], "")], columns=2),
    ]
    return Doc(
        "form",
        fk.lang,
        "expense_claim",
        e[0],
        blocks,
        random_style(fk, table_style="grid"),
    )


def employment_application(fk: Faker) -> Doc:
    blocks = [
        Para(fk.company("en"), bold=True),
        Heading("Employment Application", 1),
        Para(
            "An equal opportunity employer. Please print clearly and answer "
            "all questions.",
            size=8,
        ),
        Heading("Applicant information", 2),
        Fields(
            [
                ("Full name", ""),
                ("Date", ""),
                ("Address", ""),
                ("Unit #", ""),
                ("City", ""),
                ("State", ""),
                ("ZIP", ""),
                ("Phone", ""),
                ("Email", ""),
                ("Position applied for", ""),
                ("Desired salary", ""),
                ("Date available", ""),
            ],
            columns=2,
        ),
        Checks(
            [("Yes", False), ("No", False)],
            prompt="Are you legally eligible to work in this country?",
        ),
        Checks(
            [("Yes", False), ("No", False)],
            prompt="Have you ever worked for this company?",
        ),
        Heading("Education", 2),
        Table(
            ["School", "From", "To", "Graduated?", "Degree"],
            [["", "", "", "[ ] Y  [ ] N", ""] for _ in range(3)],
        ),
        Heading("Previous employment", 2),
        Fields(
            [
                ("Company", ""),
                ("Phone", ""),
                ("Job title", ""),
                ("Supervisor", ""),
                ("From", ""),
                ("To", ""),
                ("Reason for leaving", ""),
            ],
            columns=2,
        ),
        Heading("References", 2),
        Table(["Full name", "Relationship", "Phone"], [["", "", ""] for _ in range(3)]),
        Heading("Disclaimer and signature", 2),
        Para(
            "I certify that my answers are true and complete to the best of "
            "my knowledge. If this application leads to employment, I "
            "understand that false or misleading information may result in "
            "my release.",
            size=8,
        ),
        Fields([("Signature", ""), ("Date", "")], columns=2),
    ]
    return Doc(
        "form",
        "en",
        "employment_application",
        "Employment Application",
        blocks,
        random_style(fk),
    )


def customs(fk: Faker) -> Doc:
    filled = fk.chance(0.5)
    rows = []
    for _ in range(fk.randint(1, 4)):
        rows.append(
            [
                fk.pick(
                    [
                        "Books",
                        "Clothing",
                        "Toys",
                        "Spare parts",
                        "Cosmetics",
                        "Documents",
                    ]
                )
                if filled
                else "",
                str(fk.randint(1, 5)) if filled else "",
                f"{fk.uniform(0.1, 3):.2f}" if filled else "",
                fk.fmt_money(fk.money(5, 200)) if filled else "",
                fk.code("######") if filled else "",
                "",
            ]
        )
    blocks = [
        Heading("CUSTOMS DECLARATION  CN 22 / CN 23", 1),
        Para("May be opened officially", italic=True, size=8),
        Checks(
            [
                ("Gift", False),
                ("Documents", False),
                ("Commercial sample", False),
                ("Returned goods", False),
                ("Sale of goods", filled),
                ("Other", False),
            ],
            prompt="Category of item",
        ),
        Table(
            [
                "Detailed description of contents",
                "Quantity",
                "Net weight (kg)",
                "Value",
                "HS tariff number",
                "Country of origin",
            ],
            rows,
            widths=[3.5, 1, 1.2, 1.2, 1.5, 1.5],
        ),
        Fields(
            [
                ("Sender", ""),
                ("Addressee", ""),
                ("Total gross weight", ""),
                ("Total value", ""),
                ("Postal charges/fees", ""),
                ("Licence no.", ""),
                ("Certificate no.", ""),
                ("Invoice no.", ""),
            ],
            columns=2,
        ),
        Para(
            "I certify that the particulars given in this declaration are "
            "correct and that this item does not contain any dangerous "
            "article prohibited by legislation or by postal regulations.",
            size=8,
        ),
        Fields([("Date and sender's signature", "")]),
    ]
    return Doc(
        "form",
        "en",
        "customs",
        "Customs declaration",
        blocks,
        random_style(fk, table_style="grid"),
    )


GRANT_ITEMS = [
    "Type of Submission",
    "Type of Application",
    "Date Received",
    "Applicant Identifier",
    "Federal Entity Identifier",
    "Legal Name",
    "Employer/Taxpayer Identification Number (EIN/TIN)",
    "Organizational DUNS",
    "Street",
    "City",
    "County/Parish",
    "State",
    "Province",
    "Country",
    "Zip / Postal Code",
    "Department Name",
    "Division Name",
    "Name and contact information of person to be contacted",
    "Type of Applicant",
    "Name of Funding Agency",
    "Assistance Listing Number",
    "Funding Opportunity Number",
    "Competition Identification Number",
    "Areas Affected by Project (Cities, Counties, States, etc.)",
    "Descriptive Title of Applicant's Project",
    "Congressional Districts Of",
    "Proposed Project Start Date",
    "Proposed Project End Date",
    "Estimated Funding ($)",
    "Is Application Subject to Review By State?",
]


def grant_application(fk: Faker) -> Doc:
    """Build a numbered federal-style application with required-field asterisks."""
    filled = fk.chance(0.3)
    start = fk.randint(0, 8)
    items = GRANT_ITEMS[start : start + fk.randint(14, 22)]
    labels_ = []
    for n, item in enumerate(items, start + 1):
        star = "* " if fk.chance(0.6) else ""
        value = ""
        if filled and fk.chance(0.5):
            value = fk.pick(
                [
                    fk.company("en"),
                    fk.city("en"),
                    fk.code("##-#######"),
                    fk.fmt_date(fk.date(), "numeric", lang="en"),
                ]
            )
        labels_.append((f"{star}{n}. {item}", value))
    blocks = [
        Para(
            f"OMB Number: {fk.code('####-####')}  Expiration Date: "
            f"{fk.fmt_date(fk.date(), 'numeric', lang='en')}",
            size=7,
            align="R",
        ),
        Heading(
            "Application for Federal Assistance SF-" + fk.pick(["424", "425", "LLL"])
            if fk.chance(0.3)
            else "Application for Financial Assistance",
            1,
        ),
        Checks(
            [
                ("Preapplication", False),
                ("Application", filled),
                ("Changed/Corrected Application", False),
            ],
            prompt="* Type of Submission:",
        ),
        Checks(
            [("New", filled), ("Continuation", False), ("Revision", False)],
            prompt="* Type of Application:",
        ),
        Fields(labels_, columns=fk.pick([1, 2])),
        Checks(
            [
                (
                    "a. This application was made available to the State under "
                    "the Executive Order process for review on",
                    False,
                ),
                (
                    "b. Program is subject to E.O. 12372 but has not been "
                    "selected by the State for review.",
                    False,
                ),
                ("c. Program is not covered by E.O. 12372.", filled),
            ]
        ),
        Para(
            "By signing this application, I certify (1) to the statements "
            "contained in the list of certifications and (2) that the "
            "statements herein are true, complete and accurate to the best "
            "of my knowledge.",
            size=7.5,
        ),
        Checks([("** I AGREE", filled)]),
        Fields(
            [("* Signature of Authorized Representative", ""), ("* Date Signed", "")],
            columns=2,
        ),
    ]
    return Doc(
        "form",
        "en",
        "grant_application",
        "Application for assistance",
        blocks,
        random_style(fk, size=8.5),
    )


TAX_FORMS = {
    "de": (
        "Einkommensteuererklärung {year}",
        "Anlage N – Einkünfte aus nichtselbständiger Arbeit",
        "Steuernummer",
        "Identifikationsnummer",
        "Finanzamt",
        [
            "Bruttoarbeitslohn",
            "Einbehaltene Lohnsteuer",
            "Solidaritätszuschlag",
            "Kirchensteuer",
            "Entfernungspauschale: Arbeitstage",
            "Arbeitsmittel",
            "Fortbildungskosten",
            "Kontoführungsgebühren",
            "Beiträge zur Rentenversicherung",
            "Krankenversicherung",
        ],
        "Zeile",
        "EUR",
        "Zusammenveranlagung",
        "Einzelveranlagung",
        "Ich versichere, die Angaben wahrheitsgemäß nach bestem Wissen und "
        "Gewissen gemacht zu haben.",
        "Datum, Unterschrift",
    ),
    "fr": (
        "Déclaration des revenus {year}",
        "Formulaire n° 2042 – Revenus et charges",
        "Numéro fiscal",
        "Référence de l'avis",
        "Centre des finances publiques",
        [
            "Traitements et salaires",
            "Heures supplémentaires exonérées",
            "Pensions, retraites, rentes",
            "Revenus de capitaux mobiliers",
            "Pensions alimentaires versées",
            "Dons aux associations",
            "Frais de garde des enfants",
            "Emploi d'un salarié à domicile",
        ],
        "Case",
        "€",
        "Imposition commune",
        "Imposition séparée",
        "Je certifie exactes les informations portées sur cette déclaration.",
        "Date et signature",
    ),
}


def tax_return_eu(fk: Faker) -> Doc:
    """Build a German or French income tax return page with numbered lines."""
    f = TAX_FORMS[fk.lang]
    filled = fk.chance(0.35)
    year = fk.randint(2018, 2024)
    rows = []
    for n, label in enumerate(fk.sample(f[5], fk.randint(6, len(f[5]))), 1):
        code = (
            f"{fk.randint(1, 9)}{fk.pick(['A', 'B', 'J', 'K'])}{fk.digits(1)}"
            if fk.lang == "fr"
            else str(n + fk.randint(3, 10))
        )
        value = f"{fk.randint(100, 60000):,}".replace(",", ".") if filled else ""
        rows.append([code, label, value])
    blocks = [
        Para(f[4] + " " + fk.city(), size=8),
        Heading(f[0].format(year=year), 1),
        Heading(f[1], 2),
        Fields(
            [
                (f[2], fk.code("###/###/#####") if filled else ""),
                (f[3], fk.digits(11) if filled else ""),
            ],
            columns=2,
        ),
        Checks([(f[8], filled and fk.chance(0.5)), (f[9], False)]),
        Table([f[6], "", f[7]], rows, widths=[0.8, 5, 1.5], align=["L", "L", "R"]),
        Para(f[10], size=8),
        Fields([(f[11], "")]),
    ]
    return Doc(
        "form",
        fk.lang,
        "tax_return_eu",
        f[0].format(year=year),
        blocks,
        random_style(fk, table_style="grid"),
    )


TEMPLATES = [
    ("tax_return", tax_return, ("en",)),
    ("application", application, ALL_LANGS),
    ("patient_intake", patient_intake, ("en",)),
    ("address_change", address_change, ALL_LANGS),
    ("expense_claim", expense_claim, ("en", "fr", "de")),
    ("employment_application", employment_application, ("en",)),
    ("customs", customs, ("en",)),
    ("grant_application", grant_application, ("en",)),
    ("tax_return_eu", tax_return_eu, ("de", "fr")),
]
