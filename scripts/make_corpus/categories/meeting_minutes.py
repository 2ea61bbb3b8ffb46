"""Meeting minutes: board, project team, open-source TSC, council, association."""

from __future__ import annotations

from ..blocks import Bullets, Doc, Heading, KeyValues, Para, Signature, Table
from ..fake import Faker
from ._common import ALL_LANGS, labels, random_style

L = {
    "minutes": (
        "Minutes",
        "Compte rendu de réunion",
        "Protokoll",
        "Notulen",
        "Protokół ze spotkania",
        "Acta de la reunión",
        "Verbale della riunione",
    ),
    "agm": (
        "Minutes of the Annual General Meeting",
        "Procès-verbal de l'assemblée générale ordinaire",
        "Protokoll der ordentlichen Mitgliederversammlung",
        "Notulen van de algemene ledenvergadering",
        "Protokół z walnego zebrania członków",
        "Acta de la asamblea general ordinaria",
        "Verbale dell'assemblea ordinaria dei soci",
    ),
    "date": ("Date", "Date", "Datum", "Datum", "Data", "Fecha", "Data"),
    "time": ("Time", "Heure", "Uhrzeit", "Tijd", "Godzina", "Hora", "Ora"),
    "place": ("Location", "Lieu", "Ort", "Locatie", "Miejsce", "Lugar", "Luogo"),
    "present": (
        "Present",
        "Présents",
        "Anwesend",
        "Aanwezig",
        "Obecni",
        "Asistentes",
        "Presenti",
    ),
    "absent": (
        "Apologies",
        "Excusés",
        "Entschuldigt",
        "Afwezig met kennisgeving",
        "Nieobecni",
        "Excusan asistencia",
        "Assenti giustificati",
    ),
    "chair": (
        "Chair",
        "Président de séance",
        "Sitzungsleitung",
        "Voorzitter",
        "Przewodniczący",
        "Presidente",
        "Presidente",
    ),
    "secretary": (
        "Minutes taken by",
        "Secrétaire de séance",
        "Protokollführung",
        "Notulist",
        "Protokolant",
        "Secretario",
        "Segretario",
    ),
    "agenda": (
        "Agenda",
        "Ordre du jour",
        "Tagesordnung",
        "Agenda",
        "Porządek obrad",
        "Orden del día",
        "Ordine del giorno",
    ),
    "opening": (
        "Opening and welcome",
        "Ouverture de la séance",
        "Begrüßung und Feststellung der Beschlussfähigkeit",
        "Opening en vaststelling agenda",
        "Otwarcie zebrania",
        "Apertura de la sesión",
        "Apertura della seduta",
    ),
    "previous": (
        "Approval of previous minutes",
        "Approbation du compte rendu précédent",
        "Genehmigung des letzten Protokolls",
        "Vaststelling notulen vorige vergadering",
        "Przyjęcie protokołu z poprzedniego zebrania",
        "Aprobación del acta anterior",
        "Approvazione del verbale precedente",
    ),
    "aob": (
        "Any other business",
        "Questions diverses",
        "Verschiedenes",
        "Rondvraag",
        "Sprawy różne",
        "Ruegos y preguntas",
        "Varie ed eventuali",
    ),
    "decision": (
        "Decision",
        "Décision",
        "Beschluss",
        "Besluit",
        "Uchwała",
        "Acuerdo",
        "Delibera",
    ),
    "actions": (
        "Action items",
        "Actions à mener",
        "Aufgaben",
        "Actiepunten",
        "Zadania do wykonania",
        "Tareas pendientes",
        "Azioni da svolgere",
    ),
    "action": ("Action", "Action", "Aufgabe", "Actie", "Zadanie", "Tarea", "Azione"),
    "owner": (
        "Owner",
        "Responsable",
        "Verantwortlich",
        "Wie",
        "Odpowiedzialny",
        "Responsable",
        "Responsabile",
    ),
    "due": ("Due", "Échéance", "Termin", "Wanneer", "Termin", "Plazo", "Scadenza"),
    "next": (
        "Next meeting",
        "Prochaine réunion",
        "Nächste Sitzung",
        "Volgende vergadering",
        "Następne spotkanie",
        "Próxima reunión",
        "Prossima riunione",
    ),
    "closed": (
        "The meeting closed at {t}.",
        "La séance est levée à {t}.",
        "Die Sitzung wurde um {t} Uhr geschlossen.",
        "De voorzitter sluit de vergadering om {t}.",
        "Zebranie zakończono o godz. {t}.",
        "Se levanta la sesión a las {t}.",
        "La seduta è tolta alle ore {t}.",
    ),
    "approved_prev": (
        "The minutes of the previous meeting were approved without amendment.",
        "Le compte rendu de la réunion précédente est approuvé à l'unanimité.",
        "Das Protokoll der letzten Sitzung wird ohne Änderungen genehmigt.",
        "De notulen van de vorige vergadering worden ongewijzigd vastgesteld.",
        "Protokół z poprzedniego zebrania przyjęto bez uwag.",
        "Se aprueba por unanimidad el acta de la reunión anterior.",
        "Il verbale della seduta precedente è approvato all'unanimità.",
    ),
    "quorum": (
        "The chair welcomed members and confirmed that a quorum was present.",
        "Le président ouvre la séance et constate que le quorum est atteint.",
        "Die Vorsitzende begrüßt die Anwesenden und stellt die "
        "Beschlussfähigkeit fest.",
        "De voorzitter opent de vergadering en heet iedereen welkom.",
        "Przewodniczący otworzył zebranie i stwierdził kworum.",
        "El presidente abre la sesión y constata la existencia de quórum.",
        "Il presidente apre la seduta e constata il numero legale.",
    ),
    "votes": (
        "Votes: {y} in favour, {n} against, {a} abstentions. Motion carried.",
        "Vote : {y} pour, {n} contre, {a} abstentions. La résolution est adoptée.",
        "Abstimmung: {y} Ja-Stimmen, {n} Nein-Stimmen, {a} Enthaltungen. "
        "Der Antrag ist angenommen.",
        "Stemming: {y} voor, {n} tegen, {a} onthoudingen. Het voorstel is aangenomen.",
        "Głosowanie: {y} za, {n} przeciw, {a} wstrzymujących się. Uchwała "
        "została przyjęta.",
        "Votación: {y} a favor, {n} en contra, {a} abstenciones. Se aprueba "
        "la propuesta.",
        "Votazione: {y} favorevoli, {n} contrari, {a} astenuti. La proposta "
        "è approvata.",
    ),
}

TOPICS = {
    "en": [
        (
            "Financial report",
            "The treasurer presented the accounts for the "
            "period. Income was slightly above budget while costs for venue hire "
            "increased. Members asked about the reserve fund.",
        ),
        (
            "Website relaunch",
            "The working group showed the new design. Several "
            "members asked for better mobile support; the group will revise the "
            "navigation before launch.",
        ),
        (
            "Office move",
            "Facilities confirmed the move date. Teams must pack "
            "their desks by the preceding Friday. IT will set up the network over "
            "the weekend.",
        ),
        (
            "Recruitment",
            "Two vacancies remain open. HR reported 34 applications "
            "and will shortlist candidates for interviews next month.",
        ),
        (
            "Customer feedback",
            "Satisfaction scores improved compared with the "
            "last survey. Complaints about delivery times have fallen by a "
            "third.",
        ),
        (
            "Health and safety",
            "The annual fire drill is scheduled. First-aid "
            "training will be offered to two volunteers per floor.",
        ),
        (
            "Budget for next year",
            "The draft budget was discussed line by line. "
            "Marketing spend is to be reduced by 10% in favour of product "
            "development.",
        ),
        (
            "Release schedule",
            "The team agreed to freeze features two weeks "
            "before the release and to spend the last sprint on testing.",
        ),
    ],
    "fr": [
        (
            "Rapport financier",
            "Le trésorier présente les comptes de l'exercice. "
            "Les recettes sont conformes au budget prévisionnel.",
        ),
        (
            "Projet de déménagement",
            "Le déménagement des bureaux est prévu au "
            "printemps. Un groupe de travail est constitué.",
        ),
        (
            "Recrutement",
            "Deux postes restent à pourvoir. Les entretiens auront "
            "lieu le mois prochain.",
        ),
        (
            "Organisation de la fête annuelle",
            "La date est fixée au premier "
            "samedi de juin. Les bénévoles sont invités à se faire connaître.",
        ),
        (
            "Budget prévisionnel",
            "Le budget est discuté poste par poste et "
            "adopté après quelques ajustements.",
        ),
    ],
    "de": [
        (
            "Kassenbericht",
            "Der Kassenwart erläutert die Einnahmen und Ausgaben "
            "des vergangenen Jahres. Die Kassenprüfer bestätigen eine "
            "ordnungsgemäße Kassenführung.",
        ),
        (
            "Entlastung des Vorstands",
            "Auf Antrag der Kassenprüfer wird der Vorstand entlastet.",
        ),
        (
            "Umzug der Geschäftsstelle",
            "Der Umzug ist für das zweite Quartal "
            "geplant. Eine Arbeitsgruppe bereitet die Details vor.",
        ),
        (
            "Personalplanung",
            "Zwei Stellen sind weiterhin unbesetzt. Die "
            "Personalabteilung hat bereits Vorstellungsgespräche terminiert.",
        ),
        (
            "Haushaltsplan",
            "Der Entwurf des Haushaltsplans wird vorgestellt und "
            "nach kurzer Diskussion angenommen.",
        ),
    ],
    "nl": [
        (
            "Financieel verslag",
            "De penningmeester licht de jaarrekening toe. "
            "De kascommissie heeft de boeken gecontroleerd.",
        ),
        ("Verhuizing", "De verhuizing staat gepland voor het voorjaar."),
        ("Begroting", "De begroting wordt besproken en vastgesteld."),
    ],
    "pl": [
        (
            "Sprawozdanie finansowe",
            "Skarbnik przedstawił sprawozdanie finansowe za ubiegły rok.",
        ),
        ("Plan działań", "Omówiono plan działań na kolejny rok."),
        ("Budżet", "Projekt budżetu został przyjęty po dyskusji."),
    ],
    "es": [
        (
            "Informe económico",
            "El tesorero presenta las cuentas del "
            "ejercicio, que se aprueban por unanimidad.",
        ),
        (
            "Plan de actividades",
            "Se presenta el plan de actividades para el próximo año.",
        ),
        ("Presupuesto", "Se debate y aprueba el presupuesto anual."),
    ],
    "it": [
        (
            "Relazione finanziaria",
            "Il tesoriere illustra il bilancio consuntivo, che viene approvato.",
        ),
        (
            "Programma delle attività",
            "Si discute il programma delle attività per il prossimo anno.",
        ),
        (
            "Bilancio preventivo",
            "Il bilancio preventivo è approvato dopo breve discussione.",
        ),
    ],
}
ACTIONS = {
    "en": [
        "Circulate revised budget",
        "Book venue for the next event",
        "Update the risk register",
        "Send survey to members",
        "Prepare handover plan",
        "Draft press release",
        "Review supplier contracts",
    ],
    "fr": [
        "Envoyer le budget révisé",
        "Réserver la salle",
        "Mettre à jour le site",
        "Préparer le dossier de subvention",
    ],
    "de": [
        "Überarbeiteten Haushaltsplan versenden",
        "Raum für nächste Sitzung buchen",
        "Angebote einholen",
        "Mitgliederbrief entwerfen",
    ],
    "nl": ["Begroting rondsturen", "Zaal reserveren", "Offertes opvragen"],
    "pl": ["Przesłać poprawiony budżet", "Zarezerwować salę", "Przygotować ofertę"],
    "es": [
        "Enviar el presupuesto revisado",
        "Reservar la sala",
        "Solicitar presupuestos",
    ],
    "it": ["Inviare il bilancio rivisto", "Prenotare la sala", "Richiedere preventivi"],
}


def _names(fk: Faker, n: int) -> list[str]:
    return [fk.person() for _ in range(n)]


def _time(fk: Faker, start: int) -> str:
    return f"{start:02d}:{fk.pick(['00', '15', '30', '45'])}"


def general(fk: Faker) -> Doc:
    t = labels(L, fk.lang)
    org = (
        fk.company()
        if fk.chance(0.6)
        else fk.pick(
            [
                "Riverside Tenants' Association",
                "Harbor Sailing Club",
                "Parent-Teacher Association",
                "Community Garden Committee",
            ]
        )
    )
    day = fk.date()
    present = _names(fk, fk.randint(4, 12))
    chair, secretary = present[0], present[1]
    topics = fk.sample(TOPICS[fk.lang], fk.randint(2, min(4, len(TOPICS[fk.lang]))))
    agm = fk.chance(0.35)
    title = t["agm"] if agm else f"{t['minutes']} – {org}"
    start = fk.randint(9, 19)
    blocks = [Heading(title, 1)]
    if agm:
        blocks.append(Para(org, bold=True))
    blocks.append(
        KeyValues(
            [
                (t["date"], fk.fmt_date(day, "long")),
                (t["time"], _time(fk, start)),
                (
                    t["place"],
                    fk.pick(["Room 2.14", "Online (video call)", fk.address()[0]]),
                ),
                (t["chair"], chair),
                (t["secretary"], secretary),
            ]
        )
    )
    blocks += [Para(f"{t['present']}: {', '.join(present)}")]
    if fk.chance(0.6):
        blocks.append(Para(f"{t['absent']}: {', '.join(_names(fk, fk.randint(1, 3)))}"))
    agenda = [t["opening"], t["previous"], *[x[0] for x in topics], t["aob"]]
    blocks += [Heading(t["agenda"], 2), Bullets(agenda, ordered=True)]
    blocks += [
        Heading(f"1. {t['opening']}", 2),
        Para(t["quorum"]),
        Heading(f"2. {t['previous']}", 2),
        Para(t["approved_prev"]),
    ]
    for n, (name, text) in enumerate(topics, 3):
        blocks += [Heading(f"{n}. {name}", 2), Para(text)]
        if fk.chance(0.5):
            total = len(present)
            no = fk.randint(0, 2)
            abst = fk.randint(0, 1)
            blocks.append(
                Para(
                    f"{t['decision']}: "
                    + t["votes"].format(y=total - no - abst, n=no, a=abst),
                    bold=fk.chance(0.5),
                )
            )
    blocks += [
        Heading(f"{len(topics) + 3}. {t['aob']}", 2),
        Para(
            fk.pick(["—", t["quorum"][:0] + "-"])
            if fk.chance(0.3)
            else topics[-1][1].split(".")[0] + "."
        ),
    ]
    actions = [
        [a, fk.pick(present), fk.fmt_date(fk.date(), "numeric")]
        for a in fk.sample(ACTIONS[fk.lang], fk.randint(2, 4))
    ]
    blocks += [
        Heading(t["actions"], 2),
        Table([t["action"], t["owner"], t["due"]], actions, widths=[4, 2, 1.5]),
        Para(f"{t['next']}: {fk.fmt_date(fk.date(), 'long')}"),
        Para(t["closed"].format(t=_time(fk, start + fk.randint(1, 3)))),
    ]
    if fk.chance(0.5):
        blocks.append(Signature([(chair, t["chair"]), (secretary, t["secretary"])]))
    return Doc("meeting_minutes", fk.lang, "general", title, blocks, random_style(fk))


def board(fk: Faker) -> Doc:
    company = fk.company("en")
    day = fk.date()
    directors = _names(fk, fk.randint(4, 8))
    movers = fk.sample(directors, 2)
    resolutions = fk.sample(
        [
            "RESOLVED, that the audited financial statements for the fiscal year be "
            "and hereby are approved.",
            "RESOLVED, that the Company enter into the lease for new office premises "
            "on the terms presented to the Board.",
            "RESOLVED, that a dividend of $0.12 per share be declared, payable to "
            "shareholders of record.",
            "RESOLVED, that the 2025 operating budget be approved as presented.",
            "RESOLVED, that the appointment of the new Chief Financial Officer be "
            "ratified.",
        ],
        fk.randint(1, 3),
    )
    blocks = [
        Heading(f"{company}", 2),
        Heading("Minutes of a Meeting of the Board of Directors", 1),
        Para(
            f"A regular meeting of the Board of Directors of {company} was "
            f"held on {fk.fmt_date(day, 'long', lang='en')} at "
            f"{fk.randint(9, 16)}:00 at the Company's offices."
        ),
        Para(f"Directors present: {', '.join(directors)}."),
        Para(
            f"Also present: {fk.person('en')} (Company Secretary), "
            f"{fk.person('en')} (auditor, for item 3)."
        ),
        Heading("1. Call to Order", 2),
        Para(
            f"{directors[0]}, Chair, called the meeting to order and noted "
            "that a quorum was present and that the meeting was duly "
            "convened."
        ),
        Heading("2. Approval of Minutes", 2),
        Para(
            f"Upon motion by {movers[0]}, seconded by {movers[1]}, the minutes "
            "of the previous meeting were approved as circulated."
        ),
        Heading("3. Financial Report", 2),
        Para(
            "The CFO reviewed the quarterly results. Revenue grew "
            f"{fk.randint(2, 18)}% year over year and operating margin was "
            f"{fk.randint(5, 25)}%. Discussion followed regarding cash "
            "reserves and capital expenditure."
        ),
        Heading("4. Resolutions", 2),
    ]
    blocks += [Para(r) for r in resolutions]
    blocks += [
        Para("The motion was duly made, seconded and carried unanimously."),
        Heading("5. Adjournment", 2),
        Para(
            f"There being no further business, the meeting was adjourned at "
            f"{fk.randint(11, 18)}:{fk.pick(['05', '20', '40'])}."
        ),
        Signature([(fk.person("en"), "Secretary"), (directors[0], "Chair")]),
    ]
    return Doc(
        "meeting_minutes",
        "en",
        "board",
        "Board minutes",
        blocks,
        random_style(fk, font="DejaVuSerif"),
    )


def project_team(fk: Faker) -> Doc:
    project = fk.pick(
        ["Phoenix", "Atlas", "Nimbus", "Billing v2", "Data Platform", "Mobile App"]
    )
    day = fk.date()
    people = [fk.person("en") for _ in range(fk.randint(3, 8))]
    notes = fk.sample(
        [
            "Sprint velocity was lower than planned because two stories were blocked "
            "by the API dependency.",
            "QA found three regressions in the checkout flow; fixes are in review.",
            "Design delivered the new onboarding screens; feedback due Friday.",
            "The vendor confirmed the integration sandbox will be available next week.",
            "Budget tracking shows 62% spent against 55% of the timeline.",
            "Agreed to move the demo to the following sprint review.",
            "Risk: key engineer on leave for two weeks in the next month.",
        ],
        fk.randint(3, 6),
    )
    blocks = [
        Heading(f"{project} – Weekly Project Meeting", 1),
        KeyValues(
            [
                ("Date", fk.fmt_date(day, lang="en")),
                ("Attendees", ", ".join(people)),
                ("Facilitator", people[0]),
                ("Notes", people[-1]),
            ]
        ),
        Heading("Status updates", 2),
        Bullets(notes),
        Heading("Decisions", 2),
        Bullets(
            fk.sample(
                [
                    "Go with option B for the data migration.",
                    "Postpone the beta by one week.",
                    "Adopt the new code review checklist.",
                    "Keep the current hosting provider.",
                ],
                2,
            )
        ),
        Heading("Action items", 2),
        Table(
            ["#", "Action", "Owner", "Due"],
            [
                [str(i), a, fk.pick(people), fk.fmt_date(fk.date(), "iso")]
                for i, a in enumerate(fk.sample(ACTIONS["en"], 3), 1)
            ],
        ),
        Para("Next meeting: same time next week."),
    ]
    return Doc(
        "meeting_minutes",
        "en",
        "project_team",
        f"{project} minutes",
        blocks,
        random_style(fk),
    )


TSC_ISSUES = [
    "Update security release process",
    "Deprecate legacy build flags",
    "Move CI to new runners",
    "Onboard new collaborators",
    "Review funding request",
    "Release plan for v{v}.0",
    "Code of conduct update",
]
TSC_NEWS = [
    "Release v{v} went out last week.",
    "Collaborator summit scheduled for next quarter.",
    "Nothing to announce this week.",
]
TSC_COMMENTS = [
    "summarised the proposal and asked for reviews.",
    "thinks we need more data before deciding.",
    "will open a PR with the suggested wording.",
    "no objections; will move forward next week.",
]
TSC_REPLIES = [
    "+1",
    "agreed",
    "we should ping the security team",
    "remove from agenda for now",
]


def oss_tsc(fk: Faker) -> Doc:
    project = fk.pick(["Widgetry", "Streamline", "Quarkjs", "Lumen CLI", "Parcel Kit"])
    day = fk.date()
    people = [fk.person("en") for _ in range(fk.randint(5, 12))]
    handles = [
        f"@{fk.slug(p.split()[0])[: fk.randint(1, 6)]}{fk.slug(p.split()[-1])}"
        for p in people
    ]
    members = [f"{p} ({h})" for p, h in zip(people, handles, strict=True)]
    issues = [
        f"{fk.pick(TSC_ISSUES).format(v=fk.randint(2, 9))} "
        f"[#{fk.randint(100, 5000)}](https://example.org/{project.lower()}/"
        f"issues/{fk.randint(100, 5000)})"
        for _ in range(fk.randint(2, 5))
    ]
    blocks = [
        Heading(
            f"{project} Technical Steering Committee (TSC) Meeting "
            f"{fk.fmt_date(day, 'iso')}",
            1,
        ),
        Heading("Links", 2),
        Bullets(
            [
                f"Recording: https://video.example.org/{fk.code('??##?#')}",
                f"GitHub issue: https://example.org/{project.lower()}/"
                f"issues/{fk.randint(100, 5000)}",
                "Minutes Google Doc: (link)",
            ]
        ),
        Heading("Present", 2),
        Bullets(members),
        Heading("Agenda", 2),
        Heading("Announcements", 3),
        Bullets(
            [
                f"{fk.pick(handles)}: "
                + fk.pick(TSC_NEWS).format(v=f"{fk.randint(1, 9)}.{fk.randint(0, 20)}")
            ]
        ),
        Heading("Issues and PRs", 3),
    ]
    for issue in issues:
        blocks += [
            Para(f"* {issue}", bold=False),
            Bullets(
                [
                    f"{fk.pick(handles)}: {fk.pick(TSC_COMMENTS)}",
                    f"{fk.pick(handles)}: {fk.pick(TSC_REPLIES)}",
                ]
            ),
        ]
    blocks += [
        Heading("Q&A, Other", 3),
        Para("No questions from the audience."),
        Heading("Upcoming Meetings", 3),
        Para(
            "Calendar: https://calendar.example.org; click + GoogleCalendar "
            "at the bottom right to add to your own calendar."
        ),
    ]
    return Doc(
        "meeting_minutes", "en", "oss_tsc", "TSC meeting", blocks, random_style(fk)
    )


def council(fk: Faker) -> Doc:
    town = fk.city("en")
    day = fk.date()
    members = [f"Councillor {fk.last_name('en')}" for _ in range(fk.randint(5, 9))]
    items = fk.sample(
        [
            (
                "Planning application PA/" + fk.code("##/####"),
                "Council considered the "
                "application for a two-storey rear extension. Neighbours' objections "
                "regarding loss of light were noted. Council resolved to recommend "
                "approval subject to conditions.",
            ),
            (
                "Parks and open spaces",
                "The clerk reported that playground inspections "
                "found minor defects, which will be repaired before the summer.",
            ),
            (
                "Road safety",
                "Residents raised concerns about speeding on the high "
                "street. Council agreed to request a traffic survey from the county.",
            ),
            (
                "Finance",
                "Payments totalling $" + f"{fk.randint(2000, 60000):,}" + " "
                "were approved. The bank reconciliation was noted.",
            ),
            (
                "Public participation",
                "Three members of the public spoke about the "
                "proposed closure of the library branch.",
            ),
        ],
        fk.randint(3, 5),
    )
    blocks = [
        Heading(f"{town} Town Council", 2),
        Heading("Minutes of the Regular Council Meeting", 1),
        Para(
            f"Held on {fk.fmt_date(day, 'long', lang='en')} at 7:00 p.m. in "
            "the Council Chamber, Town Hall."
        ),
        Para(f"Present: Mayor {fk.person('en')}; {', '.join(members)}."),
        Para(f"Staff: Town Clerk {fk.person('en')}."),
        Para("1. Roll call and Pledge of Allegiance."),
        Para("2. Approval of the agenda. Motion to approve, carried 7-0."),
    ]
    for n, (name, text) in enumerate(items, 3):
        blocks += [Heading(f"{n}. {name}", 3), Para(text)]
    blocks.append(
        Para(
            f"{len(items) + 3}. Adjournment. Motion to adjourn at 8:"
            f"{fk.randint(10, 59)} p.m., carried unanimously."
        )
    )
    blocks.append(Para("Approved: ____________________  Town Clerk"))
    return Doc(
        "meeting_minutes", "en", "council", "Council minutes", blocks, random_style(fk)
    )


MUNICIPAL = {
    "fr": (
        "PROCÈS-VERBAL",
        "Séance {kind} tenue le {date}, à {time} à la salle du conseil",
        "Présences",
        "Membres",
        "conseiller municipal",
        "Secrétaire",
        "greffière adjointe",
        [
            "Ouverture de la séance",
            "Adoption de l'ordre du jour",
            "Période de questions du public",
        ],
        [
            "La séance est ouverte à {time}.",
            "L'ordre du jour est adopté.",
            "Aucune question.",
        ],
        [
            "Demande de permis de démolition – {addr}",
            "Demande de dérogation mineure – {addr}",
            "Budget des travaux de voirie",
            "Subvention aux associations sportives",
        ],
        [
            "Considérant l'avis du comité consultatif, il est proposé par {a}, "
            "appuyé par {b}, d'autoriser la demande sous réserve des conditions "
            "énoncées. ADOPTÉ À L'UNANIMITÉ.",
            "Après discussion, les membres conviennent de reporter le point à une "
            "séance ultérieure.",
        ],
        "Levée de la séance",
        "La séance est levée à {time}.",
        ["publique", "ordinaire", "extraordinaire"],
        "COMITÉ",
        ["DE DÉMOLITION", "EXÉCUTIF", "D'URBANISME"],
    ),
    "de": (
        "NIEDERSCHRIFT",
        "über die {kind} Sitzung am {date}, Beginn {time} Uhr, "
        "im Sitzungssaal des Rathauses",
        "Anwesenheit",
        "Mitglieder",
        "Stadtrat",
        "Schriftführung",
        "Verwaltung",
        [
            "Eröffnung der Sitzung",
            "Genehmigung der Tagesordnung",
            "Einwohnerfragestunde",
        ],
        [
            "Der Vorsitzende eröffnet die Sitzung um {time} Uhr.",
            "Die Tagesordnung wird einstimmig genehmigt.",
            "Es werden keine Fragen gestellt.",
        ],
        [
            "Bauantrag – {addr}",
            "Bebauungsplan Nr. {n}",
            "Haushaltssatzung",
            "Sanierung der Grundschule",
        ],
        [
            "Auf Antrag von {a}, unterstützt von {b}, fasst der Ausschuss folgenden "
            "Beschluss: Dem Antrag wird zugestimmt. Abstimmungsergebnis: "
            "einstimmig.",
            "Nach Aussprache wird der Punkt vertagt.",
        ],
        "Schließung der Sitzung",
        "Die Sitzung wird um {time} Uhr geschlossen.",
        ["öffentliche", "ordentliche", "außerordentliche"],
        "AUSSCHUSS",
        ["FÜR BAUEN UND UMWELT", "FÜR FINANZEN", "FÜR SOZIALES"],
    ),
    "en": (
        "MINUTES",
        "Of the {kind} meeting held on {date}, at {time} in the council chamber",
        "Attendance",
        "Members",
        "councillor",
        "Clerk",
        "deputy clerk",
        ["Call to order", "Adoption of the agenda", "Public question period"],
        [
            "The meeting was called to order at {time}.",
            "The agenda was adopted as presented.",
            "No questions were asked.",
        ],
        [
            "Demolition application – {addr}",
            "Minor variance – {addr}",
            "Road maintenance budget",
            "Grant to community sports clubs",
        ],
        [
            "Moved by {a}, seconded by {b}, that the application be approved "
            "subject to the conditions set out in the staff report. CARRIED.",
            "After discussion, members agreed to defer the item to a later meeting.",
        ],
        "Adjournment",
        "The meeting adjourned at {time}.",
        ["public", "regular", "special"],
        "COMMITTEE",
        ["ON DEMOLITION", "ON PLANNING", "ON FINANCE"],
    ),
}


def municipal(fk: Faker) -> Doc:
    """Minutes of a municipal committee: attendance, numbered items, motions."""
    m = MUNICIPAL[fk.lang]
    start = fk.randint(9, 19)
    time_ = f"{start}h00" if fk.lang == "fr" else f"{start}:00"
    end = (
        f"{start + 1}h{fk.randint(10, 59)}"
        if fk.lang == "fr"
        else f"{start + 1}:{fk.randint(10, 59)}"
    )
    members = [fk.person() for _ in range(fk.randint(2, 6))]
    committee = f"{m[14]} {fk.pick(m[15])}"
    blocks = [
        Heading(committee, 2),
        Heading(m[0], 1),
        Para(
            m[1].format(
                kind=fk.pick(m[13]), date=fk.fmt_date(fk.date(), "long"), time=time_
            )
        ),
        Heading(m[2], 3),
        Para(f"{m[3]} :" if fk.lang == "fr" else f"{m[3]}:"),
        Bullets([f"{p}, {m[4]}" for p in members]),
        Para(f"{m[5]}: {fk.person()}, {m[6]}"),
    ]
    items = m[7] + fk.sample(m[9], fk.randint(1, 3))
    for n, item in enumerate(items, 1):
        blocks.append(
            Heading(
                f"{n}. {item.format(addr=fk.address()[0], n=fk.randint(10, 99))}", 3
            )
        )
        if n <= 3:
            blocks.append(Para(m[8][n - 1].format(time=time_)))
        else:
            a, b = fk.sample(members, 2)
            blocks.append(Para(fk.pick(m[10]).format(a=a, b=b)))
    blocks += [
        Heading(f"{len(items) + 1}. {m[11]}", 3),
        Para(m[12].format(time=end)),
        Signature([(members[0], ""), (fk.person(), m[5])]),
    ]
    return Doc("meeting_minutes", fk.lang, "municipal", m[0], blocks, random_style(fk))


TEMPLATES = [
    ("general", general, ALL_LANGS),
    ("board", board, ("en",)),
    ("project_team", project_team, ("en",)),
    ("oss_tsc", oss_tsc, ("en",)),
    ("council", council, ("en",)),
    ("municipal", municipal, ("en", "fr", "de")),
]
