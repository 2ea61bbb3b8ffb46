"""Resumes and CVs: chronological, functional, academic, modern, plain, EU."""

from __future__ import annotations

from ..blocks import Bullets, Doc, Heading, KeyValues, Mono, Para, Rule, Table
from ..fake import Faker
from ._common import random_style

FIELDS = {
    "software": (
        [
            "Software Engineer",
            "Senior Software Engineer",
            "Backend Developer",
            "Full-Stack Developer",
        ],
        [
            "Designed and built REST APIs serving 2M requests per day",
            "Reduced page load time by 40% through caching and code splitting",
            "Led migration of a monolith to containerised services on Kubernetes",
            "Mentored three junior developers and ran weekly code reviews",
            "Introduced automated testing, raising coverage from 35% to 80%",
            "Collaborated with product managers to scope and ship quarterly features",
        ],
        [
            "Python",
            "Java",
            "TypeScript",
            "SQL",
            "Docker",
            "Kubernetes",
            "AWS",
            "Git",
            "PostgreSQL",
            "React",
            "CI/CD",
            "Linux",
        ],
        ["B.Sc. Computer Science", "M.Sc. Software Engineering"],
    ),
    "accounting": (
        [
            "Staff Accountant",
            "Senior Accountant",
            "Accounts Payable Specialist",
            "Financial Analyst",
        ],
        [
            "Prepared monthly journal entries and account reconciliations",
            "Managed accounts payable for 300+ vendors",
            "Supported year-end audit and prepared schedules for external auditors",
            "Reduced month-end close from 10 to 6 days",
            "Prepared quarterly sales tax returns",
            "Built variance analysis reports for department heads",
        ],
        [
            "GAAP",
            "QuickBooks",
            "SAP",
            "Excel (pivot tables, VLOOKUP)",
            "Financial reporting",
            "Reconciliation",
            "Payroll",
            "Budgeting",
        ],
        ["B.S. Accounting", "B.A. Finance", "CPA"],
    ),
    "office": (
        [
            "Office Coordinator",
            "Administrative Assistant",
            "Office Manager",
            "Executive Assistant",
        ],
        [
            "Coordinated calendars and travel for a team of 12",
            "Managed office supplies budget and vendor relationships",
            "Organised company events for up to 200 attendees",
            "Answered multi-line phones and greeted visitors",
            "Maintained filing systems and prepared correspondence",
            "Onboarded new staff and maintained HR records",
        ],
        [
            "Microsoft Office",
            "Scheduling",
            "Customer service",
            "Data entry",
            "Event planning",
            "Bookkeeping",
            "Google Workspace",
        ],
        ["A.A. Business Administration", "B.A. Communications"],
    ),
    "support": (
        [
            "Desktop Support Technician",
            "IT Support Specialist",
            "Help Desk Analyst",
            "Systems Administrator",
        ],
        [
            "Resolved 40+ tickets per day across hardware and software issues",
            "Imaged and deployed 150 laptops during office refresh",
            "Administered Active Directory accounts and group policies",
            "Wrote knowledge-base articles that reduced repeat tickets by 20%",
            "Supported VPN and Office 365 users remotely",
        ],
        [
            "Windows 10/11",
            "Active Directory",
            "Office 365",
            "ServiceNow",
            "Networking (TCP/IP, DNS, DHCP)",
            "PowerShell",
            "Hardware troubleshooting",
        ],
        ["CompTIA A+", "A.S. Information Technology"],
    ),
    "marketing": (
        [
            "Marketing Coordinator",
            "Digital Marketing Manager",
            "Content Strategist",
            "Social Media Specialist",
        ],
        [
            "Planned and executed campaigns that grew leads by 55%",
            "Managed a monthly ad budget of $30k across search and social",
            "Wrote blog posts, newsletters and landing-page copy",
            "Analysed campaign performance in Google Analytics",
            "Coordinated trade show presence at four national events",
        ],
        [
            "SEO",
            "Google Ads",
            "HubSpot",
            "Copywriting",
            "Adobe Creative Suite",
            "Analytics",
            "Email marketing",
        ],
        ["B.A. Marketing", "B.A. English"],
    ),
    "nursing": (
        ["Registered Nurse", "Charge Nurse", "Clinical Nurse"],
        [
            "Provided patient care on a 30-bed medical-surgical unit",
            "Administered medications and monitored vital signs",
            "Educated patients and families on discharge plans",
            "Precepted new graduate nurses",
        ],
        ["Patient assessment", "IV therapy", "EHR (Epic)", "BLS/ACLS", "Care planning"],
        ["B.S. Nursing (BSN)", "RN License"],
    ),
}
UNIS = [
    "State University",
    "University of Lakeview",
    "Northern Institute of Technology",
    "City College",
    "Westbrook University",
    "Pacific Coast University",
]


STRENGTHS = [
    "attention to detail",
    "clear communication",
    "a strong work ethic",
    "solving problems quickly",
]
TITLE_STARTS = ["Scalable methods for", "A study of", "New evidence on", "Modelling"]


PAPER_TOPICS = [
    "protein folding",
    "labour markets",
    "thin films",
    "dialect variation",
    "urban runoff",
]
PAPER_VENUES = [
    "Journal of Applied Studies",
    "Proceedings of the Annual Conference",
    "Review Letters",
]


def _jobs(fk: Faker, field: str, n: int) -> list[tuple[str, str, str, list[str]]]:
    titles, bullets, _, _ = FIELDS[field]
    year = fk.randint(2016, 2024)
    jobs = []
    for i in range(n):
        start = year - fk.randint(1, 4)
        end = "Present" if i == 0 else str(year)
        jobs.append(
            (
                fk.pick(titles),
                fk.company("en"),
                f"{start} – {end}",
                fk.sample(bullets, fk.randint(2, 4)),
            )
        )
        year = start
    return jobs


def _contact(fk: Faker, name: str) -> str:
    parts = [fk.address("en")[1], fk.phone("en"), fk.email(name)]
    if fk.chance(0.5):
        parts.append(f"linkedin.com/in/{fk.slug(name)}")
    if fk.chance(0.3):
        parts.append(f"github.com/{fk.slug(name.split()[-1])}")
    return " | ".join(parts)


def chronological(fk: Faker) -> Doc:
    field = fk.pick(list(FIELDS))
    name = fk.person("en")
    titles, _, skills, degrees = FIELDS[field]
    blocks = [Heading(name, 1), Para(_contact(fk, name), size=8.5), Rule()]
    if fk.chance(0.7):
        blocks += [
            Heading(fk.pick(["Summary", "Professional Summary", "Profile"]), 2),
            Para(
                f"{fk.pick(titles)} with {fk.randint(3, 15)} years of "
                f"experience in {field} roles. Known for "
                f"{fk.pick(STRENGTHS)} "
                "and a track record of delivering results."
            ),
        ]
    sections = []
    exp = [
        Heading(fk.pick(["Experience", "Professional Experience", "Work History"]), 2)
    ]
    for title, company, dates, bullets in _jobs(fk, field, fk.randint(2, 4)):
        exp += [
            Para(f"{title} — {company}", bold=True),
            Para(f"{fk.city('en')} · {dates}", italic=True, size=8.5),
            Bullets(bullets),
        ]
    edu = [
        Heading("Education", 2),
        Para(f"{fk.pick(degrees)}, {fk.pick(UNIS)}, {fk.randint(2004, 2019)}"),
    ]
    skl = [
        Heading("Skills", 2),
        Para(", ".join(fk.sample(skills, fk.randint(4, len(skills))))),
    ]
    sections = [exp, edu, skl] if fk.chance(0.7) else [skl, exp, edu]
    for s in sections:
        blocks += s
    if fk.chance(0.4):
        blocks += [
            Heading("Certifications", 2),
            Bullets(
                fk.sample(
                    [
                        "PMP",
                        "Scrum Master (CSM)",
                        "First Aid",
                        "AWS Certified Cloud Practitioner",
                        "Lean Six Sigma Green Belt",
                    ],
                    2,
                )
            ),
        ]
    if fk.chance(0.3):
        blocks.append(Para("References available upon request.", italic=True))
    return Doc(
        "resume",
        "en",
        "chronological",
        f"{name} resume",
        blocks,
        random_style(fk, header_align=fk.pick(["L", "C"])),
    )


def functional(fk: Faker) -> Doc:
    field = fk.pick(list(FIELDS))
    name = fk.person("en")
    titles, bullets, skills, degrees = FIELDS[field]
    blocks = [
        Heading(name.upper(), 1),
        Para(_contact(fk, name), align="C"),
        Heading("Objective", 2),
        Para(
            f"Seeking a position as {fk.pick(titles)} where I can apply my "
            "skills and grow with the organisation."
        ),
        Heading("Core Competencies", 2),
        Table([], [fk.sample(skills, 3), fk.sample(skills, 3)]),
        Heading("Selected Accomplishments", 2),
        Bullets(fk.sample(bullets, 4)),
        Heading("Employment History", 2),
    ]
    blocks += [Para(f"{t}, {c} ({d})") for t, c, d, _ in _jobs(fk, field, 3)]
    blocks += [Heading("Education", 2), Para(f"{fk.pick(degrees)} – {fk.pick(UNIS)}")]
    return Doc("resume", "en", "functional", f"{name} resume", blocks, random_style(fk))


def academic(fk: Faker) -> Doc:
    name = f"{fk.person('en')}, Ph.D."
    area = fk.pick(
        [
            "Computational Biology",
            "Economics",
            "Materials Science",
            "Linguistics",
            "Environmental Engineering",
        ]
    )
    pubs = [
        f"{fk.last_name('en')}, {fk.first_name('en')[0]}., "
        f"{name.split()[1]}, {name[0]}., & {fk.last_name('en')}, "
        f"{fk.first_name('en')[0]}. ({fk.randint(2012, 2024)}). "
        f"{fk.pick(TITLE_STARTS)} "
        f"{fk.pick(PAPER_TOPICS)}. {fk.pick(PAPER_VENUES)}, "
        f"{fk.randint(10, 80)}({fk.randint(1, 12)}), "
        f"{fk.randint(1, 400)}–{fk.randint(401, 900)}."
        for _ in range(fk.randint(3, 8))
    ]
    blocks = [
        Heading(name, 1),
        Para(f"Curriculum Vitae\n{area}", align="C"),
        Para(_contact(fk, name), size=8.5),
        Heading("Academic Appointments", 2),
        Table(
            [],
            [
                [
                    f"{fk.randint(2018, 2024)}–present",
                    f"Assistant Professor, Department of {area}, {fk.pick(UNIS)}",
                ],
                [
                    f"{fk.randint(2014, 2017)}–{fk.randint(2018, 2019)}",
                    f"Postdoctoral Fellow, {fk.pick(UNIS)}",
                ],
            ],
            widths=[1.5, 6],
        ),
        Heading("Education", 2),
        Bullets(
            [
                f"Ph.D. in {area}, {fk.pick(UNIS)}, {fk.randint(2010, 2016)}",
                f"M.Sc., {fk.pick(UNIS)}",
                f"B.Sc., {fk.pick(UNIS)}",
            ]
        ),
        Heading("Publications", 2),
        Bullets(pubs, ordered=True),
        Heading("Grants and Awards", 2),
        Bullets(
            [
                f"Early Career Research Grant, ${fk.randint(50, 900)}k, "
                f"{fk.randint(2019, 2024)}",
                "Best Paper Award",
            ]
        ),
        Heading("Teaching", 2),
        Bullets(
            [
                f"Introduction to {area} (undergraduate)",
                f"Advanced Topics in {area} (graduate seminar)",
            ]
        ),
        Heading("Service", 2),
        Para(
            "Reviewer for several journals; member of the departmental "
            "graduate admissions committee."
        ),
    ]
    return Doc(
        "resume",
        "en",
        "academic",
        f"CV {name}",
        blocks,
        random_style(fk, font="DejaVuSerif"),
    )


def plain(fk: Faker) -> Doc:
    field = fk.pick(list(FIELDS))
    name = fk.person("en")
    _, _, skills, degrees = FIELDS[field]
    lines = [
        name.upper(),
        fk.address("en")[0],
        fk.address("en")[1],
        fk.phone("en"),
        fk.email(name),
        "",
        "OBJECTIVE",
        f"To obtain a position in {field} that makes use of my experience.",
        "",
        "EXPERIENCE",
    ]
    for title, company, dates, bullets in _jobs(fk, field, fk.randint(2, 3)):
        lines += [f"{dates}  {title}", f"            {company}"]
        lines += [f"            * {b}" for b in bullets] + [""]
    lines += [
        "EDUCATION",
        f"{fk.randint(2002, 2018)}  {fk.pick(degrees)}, {fk.pick(UNIS)}",
        "",
        "SKILLS",
        ", ".join(fk.sample(skills, 5)),
        "",
        "REFERENCES",
        "Available on request.",
    ]
    return Doc(
        "resume", "en", "plain", f"{name} resume", [Mono(lines)], random_style(fk)
    )


def modern(fk: Faker) -> Doc:
    """Build a two-column resume: contact and skills in a sidebar, experience beside."""
    field = fk.pick(list(FIELDS))
    name = fk.person("en")
    titles, _, skills, degrees = FIELDS[field]
    side = "\n".join(
        [
            "CONTACT",
            fk.phone("en"),
            fk.email(name),
            fk.address("en")[1],
            "",
            "SKILLS",
            *fk.sample(skills, min(6, len(skills))),
            "",
            "LANGUAGES",
            "English (native)",
            fk.pick(["Spanish (B2)", "French (B1)", "German (A2)"]),
            "",
            "EDUCATION",
            fk.pick(degrees),
            fk.pick(UNIS),
        ]
    )
    main = [
        "PROFILE",
        f"{fk.pick(titles)} who enjoys turning messy problems into simple processes.",
        "",
    ]
    main.append("WORK EXPERIENCE")
    for title, company, dates, bullets in _jobs(fk, field, fk.randint(2, 3)):
        main += [f"{title}, {company}", dates] + [f"• {b}" for b in bullets] + [""]
    blocks = [
        Heading(name, 1),
        Para(fk.pick(titles).upper(), size=11),
        Table([], [[side, "\n".join(main)]], widths=[1.2, 2.8]),
    ]
    return Doc(
        "resume",
        "en",
        "modern",
        f"{name} resume",
        blocks,
        random_style(fk, table_style="plain"),
    )


EU = {
    "de": (
        "Lebenslauf",
        "Persönliche Daten",
        "Name",
        "Geburtsdatum",
        "Anschrift",
        "Telefon",
        "E-Mail",
        "Berufserfahrung",
        "Ausbildung",
        "Kenntnisse",
        "Sprachen",
        "Hobbys",
        "seit",
        [
            "Deutsch (Muttersprache)",
            "Englisch (fließend)",
            "Französisch (Grundkenntnisse)",
        ],
        [
            "Projektleiter",
            "Sachbearbeiterin Buchhaltung",
            "Softwareentwickler",
            "Industriekaufmann",
            "Vertriebsmitarbeiterin",
        ],
        [
            "Verantwortung für Budget und Termine",
            "Erstellung von Monatsabschlüssen",
            "Betreuung von Key Accounts",
            "Entwicklung von Webanwendungen",
            "Einarbeitung neuer Mitarbeiter",
        ],
        [
            "Studium der Betriebswirtschaftslehre (B.A.)",
            "Ausbildung zum Industriekaufmann",
            "Abitur",
            "Studium der Informatik (M.Sc.)",
        ],
        ["MS Office", "SAP", "DATEV", "Python", "Projektmanagement"],
        "{city}, {date}",
    ),
    "fr": (
        "Curriculum vitae",
        "État civil",
        "Nom",
        "Date de naissance",
        "Adresse",
        "Téléphone",
        "Courriel",
        "Expérience professionnelle",
        "Formation",
        "Compétences",
        "Langues",
        "Centres d'intérêt",
        "depuis",
        ["Français (langue maternelle)", "Anglais (courant)", "Espagnol (notions)"],
        [
            "Chef de projet",
            "Comptable",
            "Développeur web",
            "Assistante de direction",
            "Responsable commercial",
        ],
        [
            "Pilotage du budget et du planning",
            "Gestion de la clôture mensuelle",
            "Suivi d'un portefeuille clients",
            "Développement d'applications web",
            "Encadrement d'une équipe de cinq personnes",
        ],
        [
            "Master en gestion des entreprises",
            "BTS Comptabilité et gestion",
            "Baccalauréat",
            "Licence d'informatique",
        ],
        ["Pack Office", "SAP", "Sage", "JavaScript", "Gestion de projet"],
        "{city}, le {date}",
    ),
    "nl": (
        "Curriculum vitae",
        "Persoonsgegevens",
        "Naam",
        "Geboortedatum",
        "Adres",
        "Telefoon",
        "E-mail",
        "Werkervaring",
        "Opleiding",
        "Vaardigheden",
        "Talen",
        "Hobby's",
        "sinds",
        ["Nederlands (moedertaal)", "Engels (vloeiend)", "Duits (goed)"],
        [
            "Projectleider",
            "Financieel medewerker",
            "Softwareontwikkelaar",
            "Accountmanager",
            "Office manager",
        ],
        [
            "Verantwoordelijk voor budget en planning",
            "Opstellen van maandafsluitingen",
            "Beheer van een klantenportefeuille",
            "Ontwikkeling van webapplicaties",
            "Inwerken van nieuwe collega's",
        ],
        [
            "Bachelor Bedrijfskunde (HBO)",
            "MBO Administratie",
            "VWO-diploma",
            "Master Informatica (WO)",
        ],
        ["MS Office", "Exact Online", "AFAS", "Python", "Projectmanagement"],
        "{city}, {date}",
    ),
    "es": (
        "Currículum vítae",
        "Datos personales",
        "Nombre",
        "Fecha de nacimiento",
        "Dirección",
        "Teléfono",
        "Correo electrónico",
        "Experiencia profesional",
        "Formación académica",
        "Competencias",
        "Idiomas",
        "Aficiones",
        "desde",
        ["Español (nativo)", "Inglés (avanzado)", "Francés (básico)"],
        [
            "Jefa de proyecto",
            "Contable",
            "Desarrollador web",
            "Asistente de dirección",
            "Responsable comercial",
        ],
        [
            "Gestión del presupuesto y la planificación",
            "Cierre contable mensual",
            "Atención a una cartera de clientes",
            "Desarrollo de aplicaciones web",
            "Formación de nuevos empleados",
        ],
        [
            "Grado en Administración y Dirección de Empresas",
            "Técnico Superior en Administración y Finanzas",
            "Bachillerato",
            "Máster en Ingeniería Informática",
        ],
        ["Microsoft Office", "SAP", "ContaPlus", "JavaScript", "Gestión de proyectos"],
        "{city}, a {date}",
    ),
}


HOBBIES = {
    "de": ["Lesen, Radfahren, Kochen", "Fotografie, Schach"],
    "fr": ["Lecture, randonnée, musique", "Photographie, échecs"],
    "nl": ["Fietsen, lezen, koken", "Fotografie, schaken"],
    "es": ["Senderismo, fotografía, cine", "Lectura, ajedrez"],
}


def european(fk: Faker) -> Doc:
    e = EU[fk.lang]
    name = fk.person()
    year = fk.randint(2016, 2024)
    exp_rows = []
    for i in range(fk.randint(2, 4)):
        start = year - fk.randint(1, 5)
        period = f"{e[12]} {start}" if i == 0 else f"{start} – {year}"
        exp_rows.append(
            [
                period,
                f"{fk.pick(e[14])}, {fk.company()}\n– "
                + "\n– ".join(fk.sample(e[15], 2)),
            ]
        )
        year = start
    edu_rows = [
        [f"{year - 4} – {year}", fk.pick(e[16])],
        [f"{year - 7}", fk.pick(e[16])],
    ]
    blocks = [
        Heading(e[0], 1),
        Heading(e[1], 2),
        KeyValues(
            [
                (e[2], name),
                (e[3], fk.fmt_date(fk.date(1965, 2000), "numeric")),
                (e[4], ", ".join(fk.address())),
                (e[5], fk.phone()),
                (e[6], fk.email(name)),
            ]
        ),
        Heading(e[7], 2),
        Table([], exp_rows, widths=[1.4, 5]),
        Heading(e[8], 2),
        Table([], edu_rows, widths=[1.4, 5]),
        Heading(e[9], 2),
        Para(", ".join(fk.sample(e[17], 4))),
        Heading(e[10], 2),
        Bullets(e[13]),
    ]
    if fk.chance(0.5):
        blocks += [
            Heading(e[11], 2),
            Para(fk.pick(HOBBIES[fk.lang])),
        ]
    blocks.append(
        Para(e[18].format(city=fk.city(), date=fk.fmt_date(fk.date(), "numeric")))
    )
    return Doc(
        "resume",
        fk.lang,
        "european",
        f"{e[0]} {name}",
        blocks,
        random_style(fk, table_style="plain"),
    )


# Profile heading and summary sentence of the one-column European CV.
PROFILE = {
    "de": (
        "Profil",
        "{job} mit {years} Jahren Berufserfahrung, zuverlässig, teamorientiert "
        "und lernbereit.",
    ),
    "fr": (
        "Profil",
        "{job} avec {years} ans d'expérience, rigoureux, autonome et doté d'un "
        "bon esprit d'équipe.",
    ),
    "nl": (
        "Profiel",
        "{job} met {years} jaar werkervaring, zelfstandig, nauwkeurig en een "
        "echte teamspeler.",
    ),
    "es": (
        "Perfil",
        "{job} con {years} años de experiencia, con capacidad de organización y "
        "de trabajo en equipo.",
    ),
}


def european_modern(fk: Faker) -> Doc:
    """Build a one-column European CV: profile, jobs as bullet lists, no tables."""
    e = EU[fk.lang]
    label, summary = PROFILE[fk.lang]
    name = fk.person()
    job = fk.pick(e[14])
    year = fk.randint(2016, 2024)
    blocks = [
        Heading(name, 1),
        Para(f"{job} · {fk.city()} · {fk.phone()} · {fk.email(name)}"),
        Heading(label, 2),
        Para(summary.format(job=job, years=fk.randint(3, 20))),
        Heading(e[7], 2),
    ]
    for index in range(fk.randint(2, 4)):
        start = year - fk.randint(1, 5)
        period = f"{e[12]} {start}" if index == 0 else f"{start} – {year}"
        blocks += [
            Para(f"{fk.pick(e[14])} – {fk.company()}", bold=True),
            Para(period, italic=True),
            Bullets(fk.sample(e[15], fk.randint(2, 3))),
        ]
        year = start
    blocks += [
        Heading(e[8], 2),
        Bullets([f"{year - 4} – {year}: {fk.pick(e[16])}", fk.pick(e[16])]),
        Heading(e[9], 2),
        Bullets(fk.sample(e[17], 4)),
        Heading(e[10], 2),
        Para(", ".join(e[13])),
    ]
    return Doc(
        "resume",
        fk.lang,
        "european_modern",
        f"{e[0]} {name}",
        blocks,
        random_style(fk),
    )


TEMPLATES = [
    ("chronological", chronological, ("en",)),
    ("functional", functional, ("en",)),
    ("academic", academic, ("en",)),
    ("plain", plain, ("en",)),
    ("modern", modern, ("en",)),
    ("european", european, ("fr", "de", "nl", "es")),
    ("european_modern", european_modern, ("fr", "de", "nl", "es")),
]
