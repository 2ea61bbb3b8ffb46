"""Contracts: service, NDA, lease, employment, terms of service, licence."""

from __future__ import annotations

from ..blocks import Bullets, Doc, Heading, Para, Signature
from ..fake import Faker
from ._common import random_style

EN_CLAUSES = {
    "Definitions": [
        'In this Agreement, unless the context otherwise requires, "Services" '
        'means the services described in Schedule 1, "Deliverables" means all '
        "documents, products and materials developed by the {b_role} in relation "
        'to the Services, and "Confidential Information" means any information '
        "disclosed by either party that is marked or reasonably understood to be "
        "confidential.",
        "Headings are for convenience only and shall not affect the "
        "interpretation of this Agreement. Words in the singular include the "
        "plural and vice versa.",
    ],
    "Services": [
        "The {b_role} shall provide the Services to the {a_role} with reasonable "
        "skill, care and diligence and in accordance with good industry practice.",
        "The {b_role} shall meet any performance dates specified in Schedule 1. "
        "Time shall be of the essence in relation to such dates.",
        "The {a_role} shall cooperate with the {b_role} and provide such "
        "information and access to premises as the {b_role} may reasonably "
        "require.",
    ],
    "Fees and Payment": [
        "In consideration of the provision of the Services, the {a_role} shall pay "
        "the {b_role} a fee of {amount} per month, exclusive of VAT.",
        "The {b_role} shall invoice the {a_role} monthly in arrears. Each invoice "
        "shall be payable within thirty (30) days of receipt.",
        "If the {a_role} fails to make any payment due under this Agreement by the "
        "due date, interest shall accrue on the overdue amount at the rate of 4% "
        "per annum above the base rate.",
    ],
    "Term and Termination": [
        "This Agreement shall commence on the Effective Date and shall continue "
        "for an initial term of {months} months, after which it shall renew "
        "automatically for successive periods of twelve months unless either party "
        "gives written notice of non-renewal at least sixty (60) days before the "
        "end of the then-current term.",
        "Either party may terminate this Agreement with immediate effect by giving "
        "written notice to the other party if the other party commits a material "
        "breach of any term of this Agreement and fails to remedy that breach "
        "within thirty (30) days of being notified in writing to do so.",
        "On termination of this Agreement for any reason, each party shall return "
        "all property and Confidential Information of the other party.",
    ],
    "Confidentiality": [
        "Each party undertakes that it shall not at any time disclose to any person "
        "any Confidential Information of the other party, except as permitted by "
        "this clause.",
        "Each party may disclose the other party's Confidential Information to its "
        "employees, officers, representatives or advisers who need to know such "
        "information for the purposes of exercising the party's rights or "
        "carrying out its obligations under this Agreement.",
        "The obligations in this clause shall survive termination of this "
        "Agreement for a period of five (5) years.",
    ],
    "Intellectual Property": [
        "All Intellectual Property Rights in the Deliverables shall vest in the "
        "{a_role} upon full payment of the fees.",
        "The {b_role} hereby grants to the {a_role} a non-exclusive, royalty-free "
        "licence to use any pre-existing materials incorporated in the "
        "Deliverables.",
    ],
    "Warranties": [
        "Each party represents and warrants that it has full power and authority "
        "to enter into and perform this Agreement.",
        "The {b_role} warrants that the Services will be performed in a "
        "professional and workmanlike manner and will conform to the "
        "specifications in all material respects.",
    ],
    "Limitation of Liability": [
        "Nothing in this Agreement limits or excludes liability for death or "
        "personal injury caused by negligence, or for fraud or fraudulent "
        "misrepresentation.",
        "Subject to the foregoing, neither party shall be liable to the other for "
        "any indirect, special or consequential loss, loss of profit or loss of "
        "data arising under or in connection with this Agreement.",
        "Each party's total aggregate liability under this Agreement shall not "
        "exceed the total fees paid in the twelve (12) months preceding the event "
        "giving rise to the claim.",
    ],
    "Indemnification": [
        "The {b_role} shall indemnify and hold harmless the {a_role} against all "
        "liabilities, costs, expenses, damages and losses suffered or incurred as "
        "a result of any claim that the Deliverables infringe the Intellectual "
        "Property Rights of a third party."
    ],
    "Force Majeure": [
        "Neither party shall be in breach of this Agreement nor liable for delay in "
        "performing its obligations if such delay results from events, "
        "circumstances or causes beyond its reasonable control. If the period of "
        "delay continues for ninety (90) days, the party not affected may "
        "terminate this Agreement by giving thirty (30) days' written notice."
    ],
    "Assignment": [
        "Neither party may assign, transfer or subcontract any of its rights or "
        "obligations under this Agreement without the prior written consent of "
        "the other party, such consent not to be unreasonably withheld."
    ],
    "Notices": [
        "Any notice given under this Agreement shall be in writing and delivered by "
        "hand, by pre-paid first-class post or by e-mail to the address of the "
        "relevant party set out above."
    ],
    "Entire Agreement": [
        "This Agreement constitutes the entire agreement between the parties and "
        "supersedes all previous agreements, promises, assurances and "
        "understandings between them, whether written or oral, relating to its "
        "subject matter.",
        "No variation of this Agreement shall be effective unless it is in "
        "writing and signed by the parties or their authorised representatives.",
    ],
    "Governing Law and Jurisdiction": [
        "This Agreement and any dispute or claim arising out of or in connection "
        "with it shall be governed by and construed in accordance with the laws "
        "of {law}. The courts of {law} shall have exclusive jurisdiction.",
        "Before commencing court proceedings, the parties shall attempt in good "
        "faith to resolve any dispute through mediation.",
    ],
    "Severability": [
        "If any provision of this Agreement is held to be invalid or "
        "unenforceable, that provision shall be deemed deleted and the validity "
        "and enforceability of the remaining provisions shall not be affected."
    ],
}
REQUIRED = [
    "Services",
    "Fees and Payment",
    "Term and Termination",
    "Governing Law and Jurisdiction",
]
LAWS = [
    "England and Wales",
    "the State of New York",
    "the State of Delaware",
    "Ontario",
    "the State of California",
    "Ireland",
]
KINDS = {
    "service": (
        "Services Agreement",
        "Client",
        "Service Provider",
        "the Client wishes to obtain and the Service Provider is willing "
        "to provide certain professional services",
    ),
    "consulting": (
        "Consulting Agreement",
        "Company",
        "Consultant",
        "the Company desires to retain the Consultant to provide "
        "advisory services in the field of {field}",
    ),
    "supply": (
        "Master Supply Agreement",
        "Buyer",
        "Supplier",
        "the Supplier manufactures and sells certain products and the "
        "Buyer wishes to purchase such products for resale",
    ),
    "license": (
        "Software License Agreement",
        "Licensee",
        "Licensor",
        "the Licensor owns certain proprietary software and wishes to "
        "grant the Licensee a licence to use it on the terms set out "
        "below",
    ),
    "nda": (
        "Mutual Non-Disclosure Agreement",
        "Disclosing Party",
        "Receiving Party",
        "the parties wish to explore a potential business "
        "relationship and, in connection with it, may disclose confidential "
        "information to each other",
    ),
}
FIELDS = [
    "data protection",
    "supply-chain optimisation",
    "brand strategy",
    "cloud infrastructure",
    "regulatory compliance",
]


def _clauses(fk: Faker, ctx: dict, numbered_style: str) -> list:
    names = list(EN_CLAUSES)
    chosen = [n for n in names if n in REQUIRED or fk.chance(0.55)]
    blocks = []
    for i, name in enumerate(chosen, 1):
        heading = {
            "num": f"{i}. {name}",
            "article": f"Article {i} – {name}",
            "upper": f"{i}. {name.upper()}",
            "section": f"Section {i}. {name}",
        }[numbered_style]
        blocks.append(Heading(heading, 2))
        paras = EN_CLAUSES[name]
        keep = paras if len(paras) < 3 else fk.sample(paras, fk.randint(2, 3))
        for j, text in enumerate(keep, 1):
            text = text.format(**ctx)
            if fk.chance(0.6):
                text = f"{i}.{j} {text}"
            blocks.append(Para(text, align=fk.pick(["J", "L"])))
    return blocks


def agreement(fk: Faker) -> Doc:
    kind = fk.pick(list(KINDS))
    title, a_role, b_role, recital = KINDS[kind]
    a, b = fk.company("en"), fk.company("en")
    ctx = {
        "a_role": a_role,
        "b_role": b_role,
        "law": fk.pick(LAWS),
        "amount": fk.fmt_money(fk.money(800, 25000), fk.currency("en"), sign=True),
        "months": fk.pick([6, 12, 24, 36]),
        "field": fk.pick(FIELDS),
    }
    day = fk.date()
    blocks = [
        Heading(title.upper() if fk.chance(0.5) else title, 1),
        Para(
            f'This {title} (the "Agreement") is made and entered into as '
            f'of {fk.fmt_date(day, "long")} (the "Effective Date") by and '
            "between:"
        ),
        Para(
            f"(1) {a}, a company incorporated under the laws of {ctx['law']} "
            f"with its registered office at {', '.join(fk.address('en'))} "
            f'(the "{a_role}"); and'
        ),
        Para(
            f"(2) {b}, whose principal place of business is at "
            f'{", ".join(fk.address("en"))} (the "{b_role}").'
        ),
        Para('each a "Party" and together the "Parties".'),
        Heading("Recitals" if fk.chance(0.5) else "Background", 2),
        Para(f"WHEREAS, {recital.format(**ctx)};"),
        Para(
            "WHEREAS, the Parties wish to record the terms on which they "
            "will do business with each other;"
        ),
        Para(
            "NOW, THEREFORE, in consideration of the mutual covenants and "
            "agreements set forth herein, and for other good and valuable "
            "consideration, the receipt and sufficiency of which are hereby "
            "acknowledged, the Parties agree as follows:"
        ),
    ]
    blocks += _clauses(fk, ctx, fk.pick(["num", "article", "upper", "section"]))
    blocks += [
        Para(
            "IN WITNESS WHEREOF, the Parties have executed this Agreement "
            "as of the Effective Date."
        ),
        Signature(
            [
                (
                    f"For and on behalf of {a}\nName: {fk.person('en')}",
                    "Title: " + fk.pick(["CEO", "Director", "General Counsel"]),
                ),
                (
                    f"For and on behalf of {b}\nName: {fk.person('en')}",
                    "Title: " + fk.pick(["Managing Partner", "President", "Owner"]),
                ),
            ]
        ),
    ]
    return Doc(
        "contract",
        "en",
        f"agreement_{kind}",
        title,
        blocks,
        random_style(
            fk, font=fk.pick(["DejaVuSerif", "DejaVuSans", "DejaVuSerifCondensed"])
        ),
    )


def lease(fk: Faker) -> Doc:
    landlord, tenant = fk.person("en"), fk.person("en")
    addr = ", ".join(fk.address("en"))
    rent = fk.fmt_money(fk.pick([950, 1200, 1450, 1800, 2300]), "USD", sign=True)
    start = fk.date()
    items = [
        (
            "Premises",
            f"The Landlord agrees to rent to the Tenant the dwelling "
            f'located at {addr} (the "Premises"), together with the fixtures and '
            "appliances listed in the inventory.",
        ),
        (
            "Term",
            f"The lease term begins on {fk.fmt_date(start, 'long')} and ends "
            "twelve months later. Thereafter the tenancy continues month to month "
            "unless terminated by either party with 30 days' written notice.",
        ),
        (
            "Rent",
            f"The Tenant shall pay monthly rent of {rent}, due on the first "
            "day of each month. A late fee of 5% applies to rent received after the "
            "fifth day of the month.",
        ),
        (
            "Security Deposit",
            f"Upon signing this Lease, the Tenant shall pay a "
            f"security deposit of {rent}, to be returned within 30 days after the "
            "end of the tenancy less any lawful deductions for damage beyond normal "
            "wear and tear.",
        ),
        (
            "Utilities",
            "The Tenant is responsible for electricity, gas, internet "
            "and telephone. The Landlord pays water, sewer and trash collection.",
        ),
        (
            "Use and Occupancy",
            "The Premises shall be used only as a private "
            "residence. No more than the persons named in this Lease may occupy the "
            "Premises without the Landlord's written consent.",
        ),
        (
            "Pets",
            "No pets are allowed on the Premises without prior written "
            "approval from the Landlord.",
        ),
        (
            "Maintenance and Repairs",
            "The Tenant shall keep the Premises clean and "
            "promptly notify the Landlord of any needed repairs. The Landlord shall "
            "maintain the structure, plumbing, heating and electrical systems.",
        ),
        (
            "Entry by Landlord",
            "The Landlord may enter the Premises at reasonable "
            "times with 24 hours' notice to inspect, make repairs or show the unit.",
        ),
        (
            "Default",
            "If the Tenant fails to pay rent or otherwise breaches this "
            "Lease, the Landlord may terminate the tenancy in accordance with "
            "applicable law.",
        ),
    ]
    blocks = [
        Heading(
            fk.pick(
                ["Residential Lease Agreement", "Rental Agreement", "Lease Agreement"]
            ),
            1,
        ),
        Para(
            f"This Lease Agreement is entered into on "
            f"{fk.fmt_date(start, 'long')} between {landlord} "
            f'("Landlord") and {tenant} ("Tenant").'
        ),
    ]
    for i, (name, text) in enumerate(
        fk.sample(items[:4], 4) + fk.sample(items[4:], fk.randint(3, 6)), 1
    ):
        blocks += [Heading(f"{i}. {name}", 3), Para(text)]
    blocks += [
        Para("The parties have read and agree to the terms of this Lease."),
        Signature([(landlord, "Landlord"), (tenant, "Tenant")]),
    ]
    return Doc("contract", "en", "lease", "Lease Agreement", blocks, random_style(fk))


def employment(fk: Faker) -> Doc:
    employer, employee = fk.company("en"), fk.person("en")
    salary = fk.fmt_money(
        fk.pick([42000, 55000, 68000, 85000, 110000]), fk.currency("en"), sign=True
    )
    role = fk.pick(
        [
            "Software Engineer",
            "Account Manager",
            "Operations Analyst",
            "Graphic Designer",
            "Warehouse Supervisor",
        ]
    )
    start = fk.date()
    terms = [
        (
            "Position",
            f"The Employee is employed as {role} and will report to the "
            "Head of Department. The Employee agrees to perform the duties "
            "reasonably assigned by the Employer.",
        ),
        (
            "Commencement",
            f"Employment commences on {fk.fmt_date(start, 'long')}. "
            "The first three months constitute a probationary period.",
        ),
        (
            "Remuneration",
            f"The Employee shall receive an annual gross salary of "
            f"{salary}, payable in equal monthly instalments in arrears.",
        ),
        (
            "Hours of Work",
            "Normal working hours are 40 hours per week, Monday to "
            "Friday. The Employee may be required to work additional hours when "
            "necessary.",
        ),
        (
            "Holidays",
            f"The Employee is entitled to {fk.pick([20, 25, 28])} working "
            "days of paid holiday per year in addition to public holidays.",
        ),
        (
            "Sickness Absence",
            "The Employee must notify the Employer of any absence "
            "due to sickness by 10 a.m. on the first day of absence.",
        ),
        (
            "Confidentiality",
            "The Employee shall not, during or after employment, "
            "disclose any trade secrets or confidential information of the Employer.",
        ),
        (
            "Termination",
            "After the probationary period, either party may "
            "terminate employment by giving one month's written notice.",
        ),
        ("Governing Law", f"This contract is governed by the laws of {fk.pick(LAWS)}."),
    ]
    blocks = [
        Heading("Contract of Employment", 1),
        Para(
            f"This Employment Contract is made between {employer} (the "
            f'"Employer") and {employee} (the "Employee").'
        ),
    ]
    for i, (name, text) in enumerate(terms, 1):
        if name in ("Sickness Absence", "Hours of Work") and fk.chance(0.4):
            continue
        blocks += [Heading(f"{i}. {name}", 2), Para(text)]
    blocks.append(
        Signature([(fk.person("en"), f"for {employer}"), (employee, "Employee")])
    )
    return Doc(
        "contract",
        "en",
        "employment",
        "Contract of Employment",
        blocks,
        random_style(fk),
    )


TOS_SECTIONS = [
    (
        "Acceptance of These Terms",
        "By accessing or using the {svc} service (the "
        '"Service"), you agree to be bound by these Terms. If you are using the '
        "Service on behalf of an organization, you represent that you have authority "
        "to bind that organization.",
    ),
    (
        "Eligibility and Accounts",
        "You must be at least 16 years old to use the "
        "Service. You are responsible for safeguarding your account credentials and "
        "for all activities that occur under your account.",
    ),
    (
        "Acceptable Use",
        "You agree not to misuse the Service. In particular, you "
        "will not: (a) attempt to gain unauthorized access to any system; (b) upload "
        "malware; (c) use the Service to send spam; or (d) infringe the rights of "
        "others.",
    ),
    (
        "Fees and Billing",
        "Paid plans are billed in advance on a monthly or annual "
        "basis and are non-refundable except where required by law. We may change "
        "our fees upon 30 days' notice.",
    ),
    (
        "Your Content",
        "You retain ownership of the content you submit. You grant us "
        "a worldwide, non-exclusive license to host, store and display your content "
        "solely to provide the Service.",
    ),
    (
        "Intellectual Property",
        "The Service and its original content, features and "
        "functionality are and will remain the exclusive property of {company} and "
        "its licensors.",
    ),
    (
        "Termination",
        "We may suspend or terminate your access to the Service at any "
        "time if you violate these Terms. You may stop using the Service at any "
        "time.",
    ),
    (
        "Disclaimer of Warranties",
        'THE SERVICE IS PROVIDED "AS IS" AND "AS '
        'AVAILABLE" WITHOUT WARRANTIES OF ANY KIND, WHETHER EXPRESS OR IMPLIED, '
        "INCLUDING WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE "
        "AND NON-INFRINGEMENT.",
    ),
    (
        "Limitation of Liability",
        "TO THE MAXIMUM EXTENT PERMITTED BY LAW, IN NO "
        "EVENT SHALL {company_upper} BE LIABLE FOR ANY INDIRECT, INCIDENTAL, SPECIAL, "
        "CONSEQUENTIAL OR PUNITIVE DAMAGES ARISING OUT OF YOUR USE OF THE SERVICE.",
    ),
    (
        "Indemnity",
        "You agree to defend, indemnify and hold harmless {company} from "
        "any claims arising out of your use of the Service or your violation of "
        "these Terms.",
    ),
    (
        "Changes to These Terms",
        "We may revise these Terms from time to time. If a "
        "revision is material, we will notify you at least 30 days before it takes "
        "effect. Continued use of the Service constitutes acceptance.",
    ),
    (
        "Governing Law",
        "These Terms are governed by the laws of {law}, without "
        "regard to its conflict of law provisions.",
    ),
    ("Contact", "Questions about these Terms may be sent to legal@{domain}."),
]


def terms_of_service(fk: Faker) -> Doc:
    svc = fk.pick(
        [
            "Cloudnest",
            "Taskly",
            "Pixelhub",
            "Tracklane",
            "Notewise",
            "Formly",
            "Shiplog",
        ]
    )
    company = f"{svc} {fk.pick(['Inc.', 'Ltd', 'LLC'])}"
    ctx = {
        "svc": svc,
        "company": company,
        "company_upper": company.upper(),
        "law": fk.pick(LAWS),
        "domain": f"{svc.lower()}.example",
    }
    kind = fk.pick(
        [
            "Terms of Service",
            "Terms of Use",
            "User Agreement",
            "Subscription Terms",
            "Event Terms and Conditions",
            "Beta Program Terms",
            "Sponsorship Program Additional Terms",
            "Research Program Terms",
            "Pre-release License Terms",
            "Corporate Terms of Service",
        ]
    )
    blocks = [
        Heading(f"{svc} {kind}", 1),
        Para(f"Last updated: {fk.fmt_date(fk.date(), 'long', lang='en')}", italic=True),
        Para(
            f'Please read these {kind} ("Terms") carefully. They '
            f"constitute a legally binding agreement between you and "
            f"{company}."
        ),
    ]
    if fk.chance(0.5):
        blocks += [
            Heading("Summary", 2),
            Bullets(
                [
                    "You own your content; we only use it to run the Service.",
                    "Do not abuse the Service or other users.",
                    "Paid plans renew automatically until you cancel.",
                    "We may update these Terms and will tell you when we do.",
                ]
            ),
        ]
    sections = (
        [TOS_SECTIONS[0]]
        + fk.sample(TOS_SECTIONS[1:-1], fk.randint(6, 11))
        + [TOS_SECTIONS[-1]]
    )
    letter = fk.chance(0.4)
    for i, (name, text) in enumerate(sections, 1):
        label = f"{chr(64 + i)}. {name}" if letter else f"{i}. {name}"
        blocks += [Heading(label, 2), Para(text.format(**ctx))]
    return Doc(
        "contract", "en", "terms_of_service", f"{svc} {kind}", blocks, random_style(fk)
    )


FOREIGN = {
    "fr": {
        "title": [
            "Contrat de prestation de services",
            "Contrat de bail d'habitation",
            "Contrat de travail à durée indéterminée",
            "Accord de confidentialité",
        ],
        "between": "ENTRE LES SOUSSIGNÉS :",
        "party": "{name}, société immatriculée au RCS de {city}, dont le siège "
        "social est situé {addr}, ci-après dénommée « {role} »,",
        "roles": ("le Client", "le Prestataire"),
        "and": "ET",
        "preamble": "IL A ÉTÉ PRÉALABLEMENT EXPOSÉ CE QUI SUIT :",
        "whereas": "Le Client souhaite confier au Prestataire la réalisation de "
        "prestations définies ci-après, ce que le Prestataire accepte.",
        "agreed": "IL A ÉTÉ CONVENU ET ARRÊTÉ CE QUI SUIT :",
        "article": "Article {n} – {t}",
        "clauses": [
            (
                "Objet du contrat",
                "Le présent contrat a pour objet de définir les "
                "conditions dans lesquelles le Prestataire réalise pour le Client "
                "les prestations décrites en annexe.",
            ),
            (
                "Durée",
                "Le contrat est conclu pour une durée de {months} mois à "
                "compter de sa signature. Il est renouvelable par tacite "
                "reconduction, sauf dénonciation par lettre recommandée avec accusé "
                "de réception trois mois avant son échéance.",
            ),
            (
                "Prix et modalités de paiement",
                "En contrepartie des prestations, le "
                "Client verse au Prestataire la somme de {amount} HT par mois. Les "
                "factures sont payables à trente jours date de facture.",
            ),
            (
                "Obligations des parties",
                "Le Prestataire s'engage à exécuter les "
                "prestations avec tout le soin et la diligence nécessaires. Le Client "
                "s'engage à fournir toutes les informations utiles.",
            ),
            (
                "Confidentialité",
                "Chacune des parties s'engage à garder strictement "
                "confidentielles les informations communiquées par l'autre partie.",
            ),
            (
                "Responsabilité",
                "La responsabilité du Prestataire est limitée au "
                "montant des sommes perçues au titre du présent contrat.",
            ),
            (
                "Résiliation",
                "En cas de manquement de l'une des parties à ses "
                "obligations, l'autre partie pourra résilier le contrat de plein "
                "droit, trente jours après une mise en demeure restée sans effet.",
            ),
            (
                "Force majeure",
                "Aucune des parties ne pourra être tenue responsable "
                "d'un manquement résultant d'un cas de force majeure au sens de "
                "l'article 1218 du Code civil.",
            ),
            (
                "Droit applicable et juridiction",
                "Le présent contrat est soumis au "
                "droit français. Tout litige relève de la compétence exclusive des "
                "tribunaux de {city}.",
            ),
        ],
        "done": "Fait à {city}, le {date}, en deux exemplaires originaux.",
        "sign": ("Pour le Client", "Pour le Prestataire"),
        "approved": "Lu et approuvé",
    },
    "de": {
        "title": [
            "Dienstleistungsvertrag",
            "Mietvertrag für Wohnraum",
            "Arbeitsvertrag",
            "Geheimhaltungsvereinbarung",
            "Rahmenvertrag",
        ],
        "between": "Zwischen",
        "party": "{name}, {addr}, vertreten durch die Geschäftsführung, "
        "– nachfolgend „{role}“ genannt –",
        "roles": ("Auftraggeber", "Auftragnehmer"),
        "and": "und",
        "preamble": "Präambel",
        "whereas": "Der Auftraggeber beabsichtigt, den Auftragnehmer mit der "
        "Erbringung der nachstehend beschriebenen Leistungen zu "
        "beauftragen. Dies vorausgeschickt, vereinbaren die Parteien "
        "Folgendes:",
        "agreed": "wird folgender Vertrag geschlossen:",
        "article": "§ {n} {t}",
        "clauses": [
            (
                "Vertragsgegenstand",
                "Der Auftragnehmer erbringt für den "
                "Auftraggeber die in Anlage 1 beschriebenen Leistungen.",
            ),
            (
                "Vertragsdauer und Kündigung",
                "Der Vertrag beginnt am Tag der "
                "Unterzeichnung und läuft auf unbestimmte Zeit. Er kann von beiden "
                "Parteien mit einer Frist von drei Monaten zum Monatsende gekündigt "
                "werden. Das Recht zur außerordentlichen Kündigung aus wichtigem "
                "Grund bleibt unberührt.",
            ),
            (
                "Vergütung",
                "Der Auftragnehmer erhält eine monatliche Vergütung in "
                "Höhe von {amount} zuzüglich der gesetzlichen Umsatzsteuer. Die "
                "Rechnungen sind innerhalb von 14 Tagen ohne Abzug zahlbar.",
            ),
            (
                "Pflichten des Auftragnehmers",
                "Der Auftragnehmer führt die "
                "Leistungen sorgfältig und nach dem Stand der Technik aus.",
            ),
            (
                "Mitwirkungspflichten",
                "Der Auftraggeber stellt dem Auftragnehmer "
                "alle für die Leistungserbringung erforderlichen Informationen "
                "rechtzeitig zur Verfügung.",
            ),
            (
                "Vertraulichkeit",
                "Die Parteien verpflichten sich, über alle "
                "vertraulichen Informationen Stillschweigen zu bewahren. Diese "
                "Pflicht besteht auch nach Beendigung des Vertrages fort.",
            ),
            (
                "Haftung",
                "Die Haftung des Auftragnehmers ist auf Vorsatz und grobe "
                "Fahrlässigkeit beschränkt, soweit gesetzlich zulässig.",
            ),
            (
                "Datenschutz",
                "Die Parteien beachten die Bestimmungen der DSGVO und des BDSG.",
            ),
            (
                "Schlussbestimmungen",
                "Änderungen und Ergänzungen dieses Vertrages "
                "bedürfen der Schriftform. Sollte eine Bestimmung unwirksam sein, "
                "bleibt die Wirksamkeit der übrigen Bestimmungen unberührt. "
                "Gerichtsstand ist {city}.",
            ),
        ],
        "done": "{city}, den {date}",
        "sign": ("Auftraggeber", "Auftragnehmer"),
        "approved": "",
    },
    "nl": {
        "title": [
            "Overeenkomst van opdracht",
            "Huurovereenkomst woonruimte",
            "Geheimhoudingsovereenkomst",
        ],
        "between": "DE ONDERGETEKENDEN:",
        "party": "{name}, gevestigd te {addr}, hierna te noemen „{role}”,",
        "roles": ("Opdrachtgever", "Opdrachtnemer"),
        "and": "en",
        "preamble": "OVERWEGENDE DAT:",
        "whereas": "Opdrachtgever de opdrachtnemer wenst in te schakelen voor de "
        "hierna omschreven werkzaamheden.",
        "agreed": "KOMEN OVEREEN ALS VOLGT:",
        "article": "Artikel {n}. {t}",
        "clauses": [
            (
                "Opdracht",
                "Opdrachtnemer verricht voor opdrachtgever de "
                "werkzaamheden zoals omschreven in bijlage 1.",
            ),
            (
                "Duur",
                "Deze overeenkomst wordt aangegaan voor de duur van {months} "
                "maanden en kan tussentijds worden opgezegd met inachtneming van een "
                "opzegtermijn van één maand.",
            ),
            (
                "Vergoeding",
                "Opdrachtgever betaalt opdrachtnemer een vergoeding van "
                "{amount} per maand, exclusief btw.",
            ),
            (
                "Geheimhouding",
                "Partijen verplichten zich tot geheimhouding van "
                "alle vertrouwelijke informatie.",
            ),
            (
                "Aansprakelijkheid",
                "De aansprakelijkheid van opdrachtnemer is "
                "beperkt tot het bedrag van de vergoeding.",
            ),
            (
                "Toepasselijk recht",
                "Op deze overeenkomst is Nederlands recht van "
                "toepassing. Geschillen worden voorgelegd aan de rechtbank te "
                "{city}.",
            ),
        ],
        "done": "Aldus overeengekomen en in tweevoud ondertekend te {city} op {date}.",
        "sign": ("Opdrachtgever", "Opdrachtnemer"),
        "approved": "",
    },
    "pl": {
        "title": [
            "Umowa o świadczenie usług",
            "Umowa najmu lokalu mieszkalnego",
            "Umowa o zachowaniu poufności",
        ],
        "between": "zawarta w dniu {date} w {city} pomiędzy:",
        "party": "{name} z siedzibą w {addr}, zwaną dalej „{role}”,",
        "roles": ("Zamawiającym", "Wykonawcą"),
        "and": "a",
        "preamble": "",
        "whereas": "",
        "agreed": "o następującej treści:",
        "article": "§ {n}. {t}",
        "clauses": [
            (
                "Przedmiot umowy",
                "Wykonawca zobowiązuje się do świadczenia na rzecz "
                "Zamawiającego usług określonych w załączniku nr 1.",
            ),
            (
                "Czas trwania umowy",
                "Umowa zostaje zawarta na okres {months} "
                "miesięcy. Każda ze stron może ją wypowiedzieć z zachowaniem "
                "miesięcznego okresu wypowiedzenia.",
            ),
            (
                "Wynagrodzenie",
                "Z tytułu wykonania umowy Zamawiający zapłaci "
                "Wykonawcy wynagrodzenie w wysokości {amount} netto miesięcznie.",
            ),
            (
                "Poufność",
                "Strony zobowiązują się do zachowania w tajemnicy "
                "wszelkich informacji uzyskanych w związku z wykonaniem umowy.",
            ),
            (
                "Postanowienia końcowe",
                "W sprawach nieuregulowanych niniejszą "
                "umową zastosowanie mają przepisy Kodeksu cywilnego. Wszelkie "
                "zmiany umowy wymagają formy pisemnej pod rygorem nieważności.",
            ),
        ],
        "done": "Umowę sporządzono w dwóch jednobrzmiących egzemplarzach.",
        "sign": ("Zamawiający", "Wykonawca"),
        "approved": "",
    },
    "es": {
        "title": [
            "Contrato de prestación de servicios",
            "Contrato de arrendamiento de vivienda",
            "Acuerdo de confidencialidad",
        ],
        "between": "REUNIDOS",
        "party": "De una parte, {name}, con domicilio en {addr}, en adelante «{role}».",
        "roles": ("el Cliente", "el Prestador"),
        "and": "Y de otra parte,",
        "preamble": "EXPONEN",
        "whereas": "Que ambas partes se reconocen capacidad legal suficiente para "
        "suscribir el presente contrato.",
        "agreed": "CLÁUSULAS",
        "article": "{ordinal}. {t}",
        "clauses": [
            (
                "Objeto",
                "El Prestador se compromete a prestar al Cliente los "
                "servicios descritos en el Anexo I.",
            ),
            (
                "Duración",
                "El presente contrato tendrá una duración de {months} "
                "meses, prorrogable tácitamente por periodos anuales.",
            ),
            (
                "Precio y forma de pago",
                "El Cliente abonará al Prestador la "
                "cantidad de {amount} mensuales, más el IVA correspondiente.",
            ),
            (
                "Confidencialidad",
                "Las partes se obligan a guardar la más estricta "
                "confidencialidad sobre la información intercambiada.",
            ),
            (
                "Resolución",
                "Cualquiera de las partes podrá resolver el contrato en "
                "caso de incumplimiento grave de la otra parte.",
            ),
            (
                "Legislación aplicable y jurisdicción",
                "El presente contrato se rige "
                "por la legislación española. Las partes se someten a los juzgados y "
                "tribunales de {city}.",
            ),
        ],
        "done": "Y en prueba de conformidad, firman el presente contrato por "
        "duplicado en {city}, a {date}.",
        "sign": ("El Cliente", "El Prestador"),
        "approved": "",
    },
    "it": {
        "title": [
            "Contratto di prestazione di servizi",
            "Contratto di locazione ad uso abitativo",
            "Accordo di riservatezza",
        ],
        "between": "TRA",
        "party": "{name}, con sede in {addr}, di seguito denominata «{role}»,",
        "roles": ("il Committente", "il Fornitore"),
        "and": "E",
        "preamble": "PREMESSO CHE",
        "whereas": "il Committente intende affidare al Fornitore l'esecuzione dei "
        "servizi di seguito descritti;",
        "agreed": "SI CONVIENE E SI STIPULA QUANTO SEGUE",
        "article": "Art. {n} – {t}",
        "clauses": [
            (
                "Oggetto",
                "Il Fornitore si impegna a prestare in favore del "
                "Committente i servizi descritti nell'Allegato A.",
            ),
            (
                "Durata",
                "Il presente contratto ha durata di {months} mesi dalla "
                "data di sottoscrizione.",
            ),
            (
                "Corrispettivo",
                "Per i servizi resi il Committente corrisponderà al "
                "Fornitore l'importo di {amount} mensili oltre IVA.",
            ),
            (
                "Riservatezza",
                "Le parti si impegnano a mantenere riservate tutte le "
                "informazioni di cui vengano a conoscenza.",
            ),
            (
                "Recesso",
                "Ciascuna parte potrà recedere dal contratto con preavviso "
                "scritto di trenta giorni.",
            ),
            (
                "Foro competente",
                "Per ogni controversia è competente in via "
                "esclusiva il Foro di {city}.",
            ),
        ],
        "done": "Letto, confermato e sottoscritto. {city}, {date}",
        "sign": ("Il Committente", "Il Fornitore"),
        "approved": "",
    },
}
ORDINALS = [
    "PRIMERA",
    "SEGUNDA",
    "TERCERA",
    "CUARTA",
    "QUINTA",
    "SEXTA",
    "SÉPTIMA",
    "OCTAVA",
    "NOVENA",
]


def foreign_agreement(fk: Faker) -> Doc:
    f = FOREIGN[fk.lang]
    city = fk.city()
    a, b = fk.company(), fk.company()
    date = fk.fmt_date(fk.date(), "long")
    ctx = {
        "months": fk.pick([6, 12, 24]),
        "city": city,
        "amount": fk.fmt_money(fk.money(900, 15000), fk.currency()),
    }
    title = fk.pick(f["title"])
    blocks = [
        Heading(title.upper() if fk.chance(0.4) else title, 1),
        Para(f["between"].format(date=date, city=city), bold=True),
        Para(
            f["party"].format(
                name=a, city=city, addr=", ".join(fk.address()), role=f["roles"][0]
            )
        ),
        Para(f["and"]),
        Para(
            f["party"].format(
                name=b, city=city, addr=", ".join(fk.address()), role=f["roles"][1]
            )
        ),
    ]
    if f["preamble"]:
        blocks += [Heading(f["preamble"], 2), Para(f["whereas"])]
    blocks.append(Para(f["agreed"], bold=True))
    clauses = f["clauses"]
    chosen = (
        clauses[:3]
        + fk.sample(clauses[3:-1], fk.randint(1, len(clauses) - 4))
        + [clauses[-1]]
    )
    for n, (name, text) in enumerate(chosen, 1):
        head = f["article"].format(
            n=n, t=name, ordinal=ORDINALS[(n - 1) % len(ORDINALS)]
        )
        blocks += [Heading(head, 2), Para(text.format(**ctx), align="J")]
    blocks.append(Para(f["done"].format(city=city, date=date)))
    role_a, role_b = f["sign"]
    approved = f"\n{f['approved']}" if f["approved"] else ""
    blocks.append(
        Signature([(fk.person() + approved, role_a), (fk.person() + approved, role_b)])
    )
    return Doc(
        "contract",
        fk.lang,
        "foreign_agreement",
        title,
        blocks,
        random_style(fk, font=fk.pick(["DejaVuSerif", "DejaVuSans"])),
    )


LEASE_EMPLOY = {
    "fr": {
        "lease": (
            "Contrat de location",
            "Le bailleur",
            "Le locataire",
            [
                (
                    "Désignation des locaux",
                    "Le bailleur donne en location au "
                    "locataire, qui accepte, un logement situé {addr}, d'une surface "
                    "habitable de {m2} m².",
                ),
                (
                    "Durée du bail",
                    "Le présent bail est consenti pour une durée de "
                    "trois ans à compter du {date}. Il se renouvelle tacitement.",
                ),
                (
                    "Loyer et charges",
                    "Le loyer mensuel est fixé à {rent}, payable "
                    "d'avance le premier de chaque mois, auquel s'ajoute une provision "
                    "sur charges.",
                ),
                (
                    "Dépôt de garantie",
                    "Le locataire verse ce jour un dépôt de "
                    "garantie égal à un mois de loyer hors charges.",
                ),
                (
                    "Obligations du locataire",
                    "Le locataire est tenu d'user "
                    "paisiblement des locaux, de s'assurer contre les risques locatifs "
                    "et de répondre des dégradations survenues pendant la durée du "
                    "contrat.",
                ),
                (
                    "Congé",
                    "Le locataire peut donner congé à tout moment moyennant un "
                    "préavis de trois mois, adressé par lettre recommandée.",
                ),
                (
                    "Clause résolutoire",
                    "À défaut de paiement du loyer à son terme, le "
                    "bail sera résilié de plein droit deux mois après un commandement "
                    "de payer demeuré infructueux.",
                ),
            ],
        ),
        "employ": (
            "Contrat de travail à durée indéterminée",
            "L'employeur",
            "Le salarié",
            [
                (
                    "Engagement",
                    "Le salarié est engagé en qualité de {job} à compter "
                    "du {date}, sous réserve des résultats de la visite médicale "
                    "d'embauche.",
                ),
                (
                    "Période d'essai",
                    "Le présent contrat ne deviendra définitif qu'à "
                    "l'issue d'une période d'essai de trois mois.",
                ),
                (
                    "Rémunération",
                    "Le salarié percevra une rémunération brute "
                    "mensuelle de {salary}, versée sur douze mois.",
                ),
                (
                    "Durée du travail",
                    "La durée hebdomadaire de travail est fixée à 35 heures.",
                ),
                (
                    "Congés payés",
                    "Le salarié bénéficie des congés payés prévus par "
                    "la convention collective applicable.",
                ),
                (
                    "Rupture du contrat",
                    "Chacune des parties peut mettre fin au "
                    "contrat dans les conditions prévues par le Code du travail.",
                ),
            ],
        ),
        "done": "Fait en deux exemplaires à {city}, le {date}.",
    },
    "de": {
        "lease": (
            "Mietvertrag über Wohnraum",
            "Vermieter",
            "Mieter",
            [
                (
                    "Mietsache",
                    "Der Vermieter vermietet dem Mieter die Wohnung {addr} "
                    "mit einer Wohnfläche von ca. {m2} m².",
                ),
                (
                    "Mietzeit",
                    "Das Mietverhältnis beginnt am {date} und läuft auf "
                    "unbestimmte Zeit.",
                ),
                (
                    "Miete und Nebenkosten",
                    "Die monatliche Grundmiete beträgt {rent}. "
                    "Zusätzlich zahlt der Mieter eine Vorauszahlung auf die "
                    "Betriebskosten. Die Miete ist bis zum dritten Werktag eines Monats "
                    "im Voraus zu zahlen.",
                ),
                (
                    "Mietsicherheit",
                    "Der Mieter leistet eine Kaution in Höhe von drei Nettokaltmieten.",
                ),
                (
                    "Schönheitsreparaturen",
                    "Der Mieter trägt die Kosten der "
                    "Schönheitsreparaturen während der Mietzeit.",
                ),
                (
                    "Kündigung",
                    "Die Kündigung bedarf der Schriftform. Es gelten die "
                    "gesetzlichen Kündigungsfristen.",
                ),
                (
                    "Hausordnung",
                    "Die beigefügte Hausordnung ist Bestandteil dieses Vertrages.",
                ),
            ],
        ),
        "employ": (
            "Arbeitsvertrag",
            "Arbeitgeber",
            "Arbeitnehmer",
            [
                (
                    "Beginn des Arbeitsverhältnisses",
                    "Das Arbeitsverhältnis beginnt am "
                    "{date}. Die ersten sechs Monate gelten als Probezeit.",
                ),
                ("Tätigkeit", "Der Arbeitnehmer wird als {job} eingestellt."),
                (
                    "Vergütung",
                    "Der Arbeitnehmer erhält ein monatliches Bruttogehalt "
                    "von {salary}, zahlbar jeweils zum Monatsende.",
                ),
                (
                    "Arbeitszeit",
                    "Die regelmäßige wöchentliche Arbeitszeit beträgt 40 Stunden.",
                ),
                (
                    "Urlaub",
                    "Der Arbeitnehmer hat Anspruch auf 28 Arbeitstage "
                    "Erholungsurlaub im Kalenderjahr.",
                ),
                (
                    "Verschwiegenheit",
                    "Der Arbeitnehmer verpflichtet sich, über alle "
                    "Betriebs- und Geschäftsgeheimnisse Stillschweigen zu bewahren.",
                ),
                (
                    "Kündigung",
                    "Nach Ablauf der Probezeit gelten die gesetzlichen "
                    "Kündigungsfristen.",
                ),
            ],
        ),
        "done": "{city}, den {date}",
    },
}


def lease_or_employment(fk: Faker) -> Doc:
    """Build a French or German residential lease or employment contract."""
    spec = LEASE_EMPLOY[fk.lang]
    kind = fk.pick(["lease", "employ"])
    title, role_a, role_b, clauses = spec[kind]
    a = fk.person() if kind == "lease" else fk.company()
    b = fk.person()
    city = fk.city()
    ctx = {
        "addr": ", ".join(fk.address()),
        "m2": fk.randint(28, 140),
        "date": fk.fmt_date(fk.date(), "long"),
        "rent": fk.fmt_money(fk.pick([540, 780, 920, 1250, 1600]), "EUR"),
        "salary": fk.fmt_money(fk.pick([2400, 3100, 3900, 4700]), "EUR"),
        "job": fk.pick(
            [
                "Sachbearbeiter",
                "Comptable",
                "Projektleiterin",
                "Technicien",
                "Softwareentwickler",
            ]
        ),
    }
    sep = "§ {n} {t}" if fk.lang == "de" else "Article {n} – {t}"
    between = "Zwischen" if fk.lang == "de" else "Entre les soussignés"
    andw = "und" if fk.lang == "de" else "et"
    blocks = [
        Heading(title, 1),
        Para(between),
        Para(f"{a}, {', '.join(fk.address())} – {role_a}"),
        Para(andw),
        Para(f"{b}, {', '.join(fk.address())} – {role_b}"),
    ]
    chosen = clauses[:3] + fk.sample(clauses[3:], fk.randint(2, len(clauses) - 3))
    for n, (name, text) in enumerate(chosen, 1):
        blocks += [Heading(sep.format(n=n, t=name), 2), Para(text.format(**ctx))]
    blocks += [
        Para(spec["done"].format(city=city, date=ctx["date"])),
        Signature([(a, role_a), (b, role_b)]),
    ]
    return Doc(
        "contract", fk.lang, "lease_or_employment", title, blocks, random_style(fk)
    )


TEMPLATES = [
    ("agreement", agreement, ("en",)),
    ("lease", lease, ("en",)),
    ("employment", employment, ("en",)),
    ("terms_of_service", terms_of_service, ("en",)),
    ("foreign_agreement", foreign_agreement, ("fr", "de", "nl", "pl", "es", "it")),
    ("lease_or_employment", lease_or_employment, ("fr", "de")),
]
