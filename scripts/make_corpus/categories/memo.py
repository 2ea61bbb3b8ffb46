"""Memos: corporate, policy, legal, government, and short notices."""

from __future__ import annotations

from ..blocks import Bullets, Doc, Heading, KeyValues, Mono, Para, Rule, Table
from ..fake import Faker
from ._common import random_style

HEAD = {
    "en": ("MEMORANDUM", "TO", "FROM", "CC", "DATE", "SUBJECT"),
    "fr": ("NOTE DE SERVICE", "Destinataires", "Émetteur", "Copie", "Date", "Objet"),
    "de": ("HAUSMITTEILUNG", "An", "Von", "Kopie", "Datum", "Betreff"),
    "nl": ("INTERNE MEMO", "Aan", "Van", "Kopie", "Datum", "Onderwerp"),
    "es": ("MEMORÁNDUM INTERNO", "Para", "De", "Copia", "Fecha", "Asunto"),
}
DEPTS = {
    "en": [
        "All Staff",
        "Sales Team",
        "Department Heads",
        "Finance",
        "Engineering",
        "Human Resources",
        "Warehouse Staff",
    ],
    "fr": [
        "Ensemble du personnel",
        "Service commercial",
        "Chefs de service",
        "Service comptabilité",
        "Équipe technique",
    ],
    "de": [
        "Alle Mitarbeiterinnen und Mitarbeiter",
        "Vertrieb",
        "Abteilungsleitungen",
        "Buchhaltung",
        "Technik",
    ],
    "nl": [
        "Alle medewerkers",
        "Afdeling verkoop",
        "Afdelingshoofden",
        "Financiële administratie",
        "Technische dienst",
    ],
    "es": [
        "Todo el personal",
        "Departamento comercial",
        "Jefes de departamento",
        "Departamento de contabilidad",
        "Equipo técnico",
    ],
}
SUBJECTS = {
    "en": [
        (
            "Updated travel expense policy",
            [
                "Effective next month, all travel must be booked through the approved "
                "agency portal. Bookings made elsewhere will not be reimbursed unless "
                "approved in advance by your manager.",
                "The daily meal allowance increases to $60 for domestic travel. Receipts "
                "are required for any single expense over $25.",
                "Please submit expense reports within 30 days of returning from a trip. "
                "Late submissions delay month-end closing for the whole company.",
                "Questions about the new policy should be directed to the Finance "
                "helpdesk.",
            ],
        ),
        (
            "Office closure for holiday period",
            [
                "The office will be closed from December 24 through January 1. Normal "
                "operations resume on January 2.",
                "Customer support will be available by e-mail only during this period, "
                "with responses within one business day.",
                "Please make sure that all perishable items are removed from the shared "
                "refrigerators before you leave.",
            ],
        ),
        (
            "Parking lot resurfacing",
            [
                "The north parking lot will be resurfaced next week. During the works, "
                "please use the overflow lot on Mill Road.",
                "A shuttle will run every 15 minutes between 7:30 and 9:30 a.m.",
                "We apologise for the inconvenience.",
            ],
        ),
        (
            "Quarterly results and next steps",
            [
                "I want to thank everyone for their hard work this quarter. We closed the "
                "period ahead of plan on revenue and slightly behind on margin.",
                "Over the next quarter we will focus on three priorities: customer "
                "retention, reducing fulfilment costs, and launching the new product "
                "line.",
                "Each department head will share detailed targets with their teams by "
                "the end of the month.",
            ],
        ),
        (
            "Mandatory security awareness training",
            [
                "All employees must complete the online security awareness course by the "
                "end of the month.",
                "The course takes about 40 minutes and covers phishing, password "
                "hygiene and handling of customer data.",
                "Completion will be tracked, and access to some systems may be suspended "
                "for staff who have not completed it.",
            ],
        ),
        (
            "New visitor sign-in procedure",
            [
                "Starting Monday, all visitors must sign in at the front desk and wear a "
                "visitor badge at all times.",
                "Hosts are responsible for escorting their visitors and for returning "
                "badges at the end of the visit.",
            ],
        ),
    ],
    "fr": [
        (
            "Nouvelle procédure de remboursement des frais",
            [
                "À compter du mois prochain, les notes de frais devront être saisies dans "
                "le nouvel outil en ligne.",
                "Les justificatifs originaux restent à conserver pendant dix ans.",
                "Le service comptabilité se tient à votre disposition pour toute "
                "question.",
            ],
        ),
        (
            "Fermeture estivale",
            [
                "Nous vous informons que l'entreprise sera fermée du 1er au 21 août.",
                "Les congés doivent être posés dans l'outil RH avant la fin du mois.",
                "Une permanence téléphonique sera assurée par le service client.",
            ],
        ),
        (
            "Exercice d'évacuation incendie",
            [
                "Un exercice d'évacuation aura lieu la semaine prochaine.",
                "Chacun est prié de rejoindre le point de rassemblement indiqué sur les "
                "plans d'évacuation.",
                "Merci de votre coopération.",
            ],
        ),
    ],
    "de": [
        (
            "Neue Reisekostenrichtlinie",
            [
                "ab dem kommenden Monat sind alle Dienstreisen über das Buchungsportal zu "
                "buchen.",
                "Reisekostenabrechnungen sind spätestens 30 Tage nach Reiseende "
                "einzureichen.",
                "Bei Fragen wenden Sie sich bitte an die Buchhaltung.",
            ],
        ),
        (
            "Betriebsferien zum Jahreswechsel",
            [
                "unser Betrieb bleibt vom 24. Dezember bis einschließlich 1. Januar "
                "geschlossen.",
                "Bitte stimmen Sie offene Urlaubstage rechtzeitig mit Ihrer "
                "Führungskraft ab.",
                "Wir wünschen Ihnen schon jetzt erholsame Feiertage.",
            ],
        ),
        (
            "Brandschutzübung",
            [
                "in der nächsten Woche findet eine unangekündigte Räumungsübung statt.",
                "Bitte verlassen Sie das Gebäude über die gekennzeichneten "
                "Fluchtwege und begeben Sie sich zum Sammelplatz.",
                "Vielen Dank für Ihre Mitwirkung.",
            ],
        ),
    ],
    "nl": [
        (
            "Nieuwe regeling reiskosten",
            [
                "Vanaf volgende maand worden alle dienstreizen via het "
                "boekingsportaal geregeld.",
                "Declaraties moeten binnen dertig dagen na terugkeer worden ingediend.",
                "Met vragen kunt u terecht bij de financiële administratie.",
            ],
        ),
        (
            "Sluiting tijdens de feestdagen",
            [
                "Het kantoor is gesloten van 24 december tot en met 1 januari.",
                "Stem uw vrije dagen tijdig af met uw leidinggevende.",
                "De klantenservice is in deze periode alleen per e-mail bereikbaar.",
            ],
        ),
        (
            "Ontruimingsoefening",
            [
                "Volgende week vindt een onaangekondigde ontruimingsoefening plaats.",
                "Verlaat het gebouw via de aangegeven vluchtwegen en ga naar de "
                "verzamelplaats.",
                "Dank voor uw medewerking.",
            ],
        ),
    ],
    "es": [
        (
            "Nueva política de gastos de viaje",
            [
                "A partir del próximo mes, todos los viajes de trabajo deberán "
                "reservarse a través del portal de la empresa.",
                "Las notas de gastos se presentarán en un plazo de treinta días "
                "desde el regreso.",
                "Para cualquier duda, diríjanse al departamento de contabilidad.",
            ],
        ),
        (
            "Cierre de la oficina en vacaciones",
            [
                "La oficina permanecerá cerrada del 24 de diciembre al 1 de enero.",
                "Les rogamos que acuerden sus días libres con su responsable.",
                "Durante este periodo, la atención al cliente será solo por correo "
                "electrónico.",
            ],
        ),
        (
            "Simulacro de evacuación",
            [
                "La próxima semana se realizará un simulacro de evacuación sin "
                "previo aviso.",
                "Abandonen el edificio por las salidas señalizadas y diríjanse al "
                "punto de encuentro.",
                "Gracias por su colaboración.",
            ],
        ),
    ],
}


SENDER_ROLES = ["CEO", "Director of Operations", "HR Manager", "CFO", "Facilities"]
OLD_SUBJECTS = [
    "Progress of the Foundation",
    "Membership",
    "Annual assessment",
    "Contracts received",
]


def _header_lines(
    fk: Faker, h: tuple, to: str, sender: str, subject: str, date: str
) -> list[tuple[str, str]]:
    pairs = [(h[1], to), (h[2], sender)]
    if fk.chance(0.35):
        pairs.append((h[3], fk.person()))
    pairs += [(h[4], date), (h[5], subject)]
    if fk.chance(0.3):
        pairs.insert(0, pairs.pop(len(pairs) - 2))  # DATE first in some houses
    return pairs


def corporate(fk: Faker) -> Doc:
    h = HEAD[fk.lang]
    subject, paras = fk.pick(SUBJECTS[fk.lang])
    sender = (
        f"{fk.person()}, {fk.pick(SENDER_ROLES)}" if fk.lang == "en" else fk.person()
    )
    org = fk.company()
    blocks = []
    if fk.chance(0.5):
        blocks.append(Para(org, bold=True))
    blocks += [
        Heading(h[0] if fk.chance(0.7) else h[0].title(), 1),
        KeyValues(
            _header_lines(
                fk, h, fk.pick(DEPTS[fk.lang]), sender, subject, fk.fmt_date(fk.date())
            )
        ),
        Rule(),
    ]
    body = [paras[0]] + fk.sample(paras[1:], fk.randint(1, len(paras) - 1))
    blocks += [Para(p, align=fk.pick(["L", "J"])) for p in body]
    if fk.chance(0.3):
        blocks.append(
            Bullets(
                fk.sample(
                    [
                        "Submit your forms by Friday.",
                        "Contact your manager with questions.",
                        "See the intranet for details.",
                    ],
                    2,
                )
            )
        )
    if fk.chance(0.5):
        blocks.append(
            Para(
                sender.split(",")[0].split()[0][0]
                + sender.split(",")[0].split()[-1][0],
                italic=True,
            )
        )
    return Doc("memo", fk.lang, "corporate", subject, blocks, random_style(fk))


def legal(fk: Faker) -> Doc:
    client = fk.company("en")
    issue = fk.pick(
        [
            "whether the non-compete clause in the distributor agreement is "
            "enforceable under state law",
            "whether the client may terminate the office lease early without penalty",
            "whether the former employee's use of customer lists constitutes "
            "misappropriation of trade secrets",
            "whether the website terms were validly incorporated into online sales "
            "contracts",
        ]
    )
    blocks = [
        Para(
            "PRIVILEGED AND CONFIDENTIAL\nATTORNEY WORK PRODUCT", bold=True, align="C"
        ),
        Heading("MEMORANDUM", 1),
        KeyValues(
            [
                ("TO", fk.person("en") + ", Partner"),
                ("FROM", fk.person("en") + ", Associate"),
                ("DATE", fk.fmt_date(fk.date(), "long", lang="en")),
                ("RE", f"{client} – {issue.split(' ')[1]} analysis"),
            ]
        ),
        Rule(),
        Heading("Question Presented", 2),
        Para(f"You asked {issue}."),
        Heading("Brief Answer", 2),
        Para(
            fk.pick(
                [
                    "Probably yes, provided that the restriction is "
                    "reasonable in duration and geographic scope.",
                    "Probably not. The relevant clause requires written "
                    "notice that was never given.",
                    "It depends on facts we do not yet have, in "
                    "particular the parties' course of dealing.",
                ]
            )
        ),
        Heading("Statement of Facts", 2),
        Para(
            f"{client} entered into the agreement in "
            f"{fk.randint(2015, 2023)}. The counterparty has since changed "
            "ownership, and the client's relationship manager reports that "
            "performance has been inconsistent."
        ),
        Heading("Discussion", 2),
        Para(
            "Courts in this jurisdiction apply a three-part reasonableness "
            "test. See Harlow v. Benton Supply Co., 412 F.3d 118 (2d Cir. "
            "2005); Miller v. Ortega, 88 N.E.3d 240 (2017). Each element is "
            "addressed in turn below."
        ),
        Para(
            "First, the restriction must protect a legitimate business "
            "interest. Second, it must not impose undue hardship. Third, it "
            "must not be injurious to the public."
        ),
        Heading("Conclusion", 2),
        Para(
            "We recommend that the client seek a negotiated amendment "
            "before taking any unilateral step. Please let me know if you "
            "would like a draft letter to the counterparty."
        ),
    ]
    return Doc(
        "memo",
        "en",
        "legal",
        "Legal memorandum",
        blocks,
        random_style(fk, font="DejaVuSerif"),
    )


def government(fk: Faker) -> Doc:
    office = fk.pick(
        [
            "DEPARTMENT OF THE NAVY",
            "OFFICE OF THE CITY MANAGER",
            "DEPARTMENT OF HEALTH AND HUMAN SERVICES",
            "STATE DEPARTMENT OF TRANSPORTATION",
        ]
    )
    subject = fk.pick(
        [
            "Implementation of Revised Telework Guidance",
            "Fiscal Year Budget Submission Instructions",
            "Records Management Responsibilities",
            "Use of Government Vehicles",
        ]
    )
    paras = [
        f"1. Purpose. This memorandum provides guidance on {subject.lower()} for "
        "all personnel assigned to this office.",
        "2. Background. Recent audits identified inconsistent practices across "
        "divisions. Standardised procedures will reduce risk and improve "
        "accountability.",
        "3. Action. Division chiefs shall review current procedures and report "
        "compliance status no later than 30 days from the date of this "
        "memorandum.",
        f"4. Point of contact for this matter is the undersigned at {fk.phone('en')}.",
    ]
    blocks = [
        Para(office, bold=True, align="C"),
        Para(", ".join(fk.address("en")), align="C", size=8),
        Para(fk.fmt_date(fk.date(), "long", lang="en"), align="R"),
        Para(f"MEMORANDUM FOR {fk.pick(['ALL DIVISION CHIEFS', 'RECORD'])}"),
        Para(f"FROM: {fk.person('en')}, {fk.pick(['Director', 'Chief of Staff'])}"),
        Para(f"SUBJECT: {subject}"),
    ]
    blocks += [Para(p) for p in paras[: fk.randint(3, 4)]]
    blocks += [
        Para(
            fk.person("en").upper() + "\n" + fk.pick(["Director", "Deputy Director"]),
            align="R",
        )
    ]
    return Doc("memo", "en", "government", subject, blocks, random_style(fk))


def typewritten(fk: Faker) -> Doc:
    h = HEAD[fk.lang]
    subject, paras = fk.pick(SUBJECTS[fk.lang])
    lines = [
        h[0].center(60),
        "",
        f"{h[1] + ':':<10}{fk.pick(DEPTS[fk.lang])}",
        f"{h[2] + ':':<10}{fk.person()}",
        f"{h[4] + ':':<10}{fk.fmt_date(fk.date(), 'numeric')}",
        f"{h[5] + ':':<10}{subject}",
        "-" * 60,
        "",
    ]
    import textwrap

    for p in paras[: fk.randint(1, len(paras))]:
        lines += textwrap.wrap(p, 60) + [""]
    return Doc("memo", fk.lang, "typewritten", subject, [Mono(lines)], random_style(fk))


def interoffice(fk: Faker) -> Doc:
    subject = fk.pick(
        [
            "Inventory count on Saturday",
            "Change in shift schedule",
            "New coffee machine on 3rd floor",
            "Printer replacement",
            "Team lunch on Friday",
        ]
    )
    blocks = [
        Heading("Interoffice Memo", 1),
        Table(
            [],
            [
                ["To:", fk.pick(DEPTS["en"])],
                ["From:", fk.person("en")],
                ["Date:", fk.fmt_date(fk.date(), lang="en")],
                ["Re:", subject],
            ],
            widths=[1, 5],
        ),
        Para(
            fk.pick(
                [
                    "Please note the change below and plan accordingly.",
                    "A quick reminder for everyone.",
                    "Following last week's feedback, we are making a small change.",
                ]
            )
        ),
        Para(
            fk.pick(
                [
                    "Shifts will start 30 minutes earlier from Monday.",
                    "Please clear the area by 5 p.m. so the count can begin.",
                    "The old printer will be collected on "
                    "Thursday; the new one is on the second floor.",
                    "Lunch will be provided at 12:30 in the main conference room.",
                ]
            )
        ),
        Para("Thank you."),
    ]
    return Doc("memo", "en", "interoffice", subject, blocks, random_style(fk))


def historical(fk: Faker) -> Doc:
    """Build an old typed office memorandum, as found in archives and scanned."""
    year = fk.randint(1938, 1975)
    org = fk.pick(
        [
            "Foundation",
            "Sugar Company",
            "Railway Company",
            "Mutual Insurance Society",
            "Steel Works",
        ]
    )
    org = f"{fk.last_name('en')} {org}"
    to = ", ".join(fk.person("en").upper() for _ in range(fk.randint(1, 4)))
    paras = [
        f"Desiring to keep you posted on the progress of the {org}, you will be "
        "interested to know that to date the following have been received:",
        f"(a) A letter from {fk.company('en')} accepting membership and enclosing "
        "their check and executed contracts.",
        f"(b) A letter from {fk.company('en')} defining their position with "
        "respect to the proposed agreement.",
        "The matter of the annual assessment will be taken up at the next meeting "
        "of the directors, and I shall report to you further at that time.",
        "Kindly treat this information as confidential until a public "
        "announcement is made.",
    ]
    lines = [
        f"{org.upper()}".center(64),
        "INTER-OFFICE MEMORANDUM".center(64),
        "",
        f"TO:      {to}",
        f"FROM:    {fk.person('en').upper()}",
        f"DATE:    {fk.pick(['January', 'March', 'June', 'October'])} "
        f"{fk.randint(1, 28)}, {year}",
        f"SUBJECT: {fk.pick(OLD_SUBJECTS)}",
        "",
    ]
    import textwrap

    for p in paras[: fk.randint(3, 5)]:
        lines += textwrap.wrap(p, 64) + [""]
    lines.append(fk.pick(["", "cc: Files", "Enc."]))
    return Doc(
        "memo",
        "en",
        "historical",
        "Inter-office memorandum",
        [Mono(lines)],
        random_style(fk),
    )


TEMPLATES = [
    ("corporate", corporate, ("en", "fr", "de", "nl", "es")),
    ("legal", legal, ("en",)),
    ("government", government, ("en",)),
    ("typewritten", typewritten, ("en", "fr", "de", "nl", "es")),
    ("interoffice", interoffice, ("en",)),
    ("historical", historical, ("en",)),
]
