"""Reports: quarterly business, incident, project status, annual, research, audit."""

from __future__ import annotations

from ..blocks import Bullets, Doc, Heading, KeyValues, PageBreak, Para, Table
from ..fake import Faker
from ._common import random_style

REGIONS = ["North", "South", "East", "West", "Central", "International"]
RQ = {
    "en": (
        "Quarterly Business Report",
        "Executive Summary",
        "Key Figures",
        "Revenue by Region",
        "Region",
        "Revenue",
        "Change vs. prior year",
        "Analysis",
        "Outlook",
        "Recommendations",
        "Figure {n}: {cap}",
        "Table {n}: {cap}",
        "Prepared by",
        "Contents",
    ),
    "fr": (
        "Rapport trimestriel d'activité",
        "Synthèse",
        "Chiffres clés",
        "Chiffre d'affaires par région",
        "Région",
        "Chiffre d'affaires",
        "Évolution sur un an",
        "Analyse",
        "Perspectives",
        "Recommandations",
        "Figure {n} : {cap}",
        "Tableau {n} : {cap}",
        "Rédigé par",
        "Sommaire",
    ),
    "de": (
        "Quartalsbericht",
        "Zusammenfassung",
        "Kennzahlen",
        "Umsatz nach Regionen",
        "Region",
        "Umsatz",
        "Veränderung zum Vorjahr",
        "Analyse",
        "Ausblick",
        "Empfehlungen",
        "Abbildung {n}: {cap}",
        "Tabelle {n}: {cap}",
        "Erstellt von",
        "Inhalt",
    ),
    "nl": (
        "Kwartaalrapportage",
        "Samenvatting",
        "Kerncijfers",
        "Omzet per regio",
        "Regio",
        "Omzet",
        "Verandering t.o.v. vorig jaar",
        "Analyse",
        "Vooruitzichten",
        "Aanbevelingen",
        "Figuur {n}: {cap}",
        "Tabel {n}: {cap}",
        "Opgesteld door",
        "Inhoud",
    ),
    "es": (
        "Informe trimestral de actividad",
        "Resumen ejecutivo",
        "Cifras clave",
        "Ingresos por región",
        "Región",
        "Ingresos",
        "Variación interanual",
        "Análisis",
        "Perspectivas",
        "Recomendaciones",
        "Figura {n}: {cap}",
        "Tabla {n}: {cap}",
        "Elaborado por",
        "Índice",
    ),
}
SUMMARY = {
    "en": [
        "Revenue for the quarter reached {rev}, an increase of {g}% compared "
        "with the same period last year, driven mainly by strong demand in the "
        "{r} region.",
        "Operating costs rose by {c}%, reflecting higher freight and energy "
        "prices. As a result, operating margin narrowed slightly to {m}%.",
        "Customer numbers grew steadily, and churn fell to its lowest level in "
        "two years.",
        "We expect growth to moderate in the coming quarter as the effect of "
        "last year's price increase fades.",
    ],
    "fr": [
        "Le chiffre d'affaires du trimestre atteint {rev}, en hausse de {g} % "
        "sur un an, porté principalement par la région {r}.",
        "Les charges d'exploitation progressent de {c} %, sous l'effet de la "
        "hausse des coûts de transport et d'énergie. La marge opérationnelle "
        "s'établit à {m} %.",
        "Le nombre de clients continue de croître et le taux d'attrition recule.",
        "Nous anticipons un ralentissement de la croissance au prochain trimestre.",
    ],
    "de": [
        "Der Umsatz im Quartal belief sich auf {rev} und lag damit {g} % über "
        "dem Vorjahresquartal. Wachstumstreiber war vor allem die Region {r}.",
        "Die Betriebskosten stiegen um {c} %, bedingt durch höhere Fracht- und "
        "Energiepreise. Die operative Marge sank leicht auf {m} %.",
        "Die Zahl der Kunden wuchs stetig, die Kündigungsquote erreichte den "
        "niedrigsten Stand seit zwei Jahren.",
        "Für das kommende Quartal erwarten wir ein moderateres Wachstum.",
    ],
    "nl": [
        "De omzet over het kwartaal bedroeg {rev}, een stijging van {g}% ten "
        "opzichte van dezelfde periode vorig jaar, vooral dankzij regio {r}.",
        "De bedrijfskosten stegen met {c}% door hogere vracht- en energieprijzen. "
        "De operationele marge daalde licht naar {m}%.",
        "Het aantal klanten groeide gestaag en het verloop was het laagste in "
        "twee jaar.",
        "Voor het komende kwartaal verwachten wij een gematigder groei.",
    ],
    "es": [
        "Los ingresos del trimestre alcanzaron {rev}, un {g} % más que en el "
        "mismo periodo del año anterior, impulsados sobre todo por la región {r}.",
        "Los costes operativos aumentaron un {c} % por el encarecimiento del "
        "transporte y la energía. El margen operativo se redujo al {m} %.",
        "El número de clientes creció de forma constante y la tasa de bajas "
        "alcanzó su nivel más bajo en dos años.",
        "Prevemos un crecimiento más moderado en el próximo trimestre.",
    ],
}


def quarterly(fk: Faker) -> Doc:
    r = RQ[fk.lang]
    company = fk.company()
    q, year = fk.randint(1, 4), fk.randint(2019, 2025)
    cur = fk.currency()
    regions = fk.sample(REGIONS, fk.randint(3, 6))
    revs = [fk.money(200000, 4000000) for _ in regions]
    ctx = {
        "rev": fk.fmt_money(sum(revs), cur),
        "g": fk.randint(2, 19),
        "r": regions[0],
        "c": fk.randint(1, 12),
        "m": fk.randint(4, 22),
    }
    blocks = [
        Para(company, bold=True),
        Heading(f"{r[0]} Q{q} {year}", 1),
        Para(f"{r[12]}: {fk.person()}, {fk.fmt_date(fk.date(), 'long')}", italic=True),
    ]
    if fk.chance(0.4):
        blocks += [
            Heading(r[13], 2),
            Bullets([f"1 {r[1]}", f"2 {r[2]}", f"3 {r[7]}", f"4 {r[8]}"]),
        ]
    blocks += [Heading(f"1 {r[1]}", 2)]
    blocks += [Para(s.format(**ctx), align="J") for s in SUMMARY[fk.lang]]
    blocks += [
        Heading(f"2 {r[2]}", 2),
        Table(
            ["", f"Q{q} {year}", f"Q{q} {year - 1}", "%"],
            [
                [k, fk.fmt_money(v), fk.fmt_money(v * 0.9), f"{d:+.1f}"]
                for k, v, d in [
                    (
                        "EBITDA" if fk.lang != "fr" else "EBE",
                        fk.money(1e5, 9e5),
                        fk.uniform(-5, 20),
                    ),
                    (r[5], sum(revs), ctx["g"]),
                    ("FTE", fk.randint(40, 900), fk.uniform(-3, 8)),
                ]
            ],
            align=["L", "R", "R", "R"],
        ),
        Para(r[11].format(n=1, cap=r[2]), italic=True, size=8),
        Heading(f"3 {r[3]}", 2),
        Table(
            [r[4], r[5], r[6]],
            [
                [reg, fk.fmt_money(v, cur), f"{fk.uniform(-8, 25):+.1f} %"]
                for reg, v in zip(regions, revs, strict=True)
            ],
            align=["L", "R", "R"],
        ),
        Para(r[10].format(n=1, cap=r[3]), italic=True, size=8),
        Heading(f"4 {r[7]}", 2),
        Para(SUMMARY[fk.lang][1].format(**ctx)),
        Heading(f"5 {r[8]}", 2),
        Para(SUMMARY[fk.lang][3].format(**ctx)),
    ]
    return Doc("report", fk.lang, "quarterly", r[0], blocks, random_style(fk))


INC = {
    "en": (
        "Incident Report",
        "Summary",
        "Timeline",
        "Time (UTC)",
        "Event",
        "Impact",
        "Root Cause",
        "Corrective Actions",
        "Severity",
        "Status",
        "Reported by",
        "Incident ID",
    ),
    "fr": (
        "Rapport d'incident",
        "Résumé",
        "Chronologie",
        "Heure",
        "Événement",
        "Impact",
        "Cause première",
        "Actions correctives",
        "Gravité",
        "Statut",
        "Signalé par",
        "N° d'incident",
    ),
    "de": (
        "Störungsbericht",
        "Zusammenfassung",
        "Zeitlicher Ablauf",
        "Uhrzeit",
        "Ereignis",
        "Auswirkungen",
        "Ursache",
        "Maßnahmen",
        "Schweregrad",
        "Status",
        "Gemeldet von",
        "Vorfallsnummer",
    ),
    "nl": (
        "Incidentrapport",
        "Samenvatting",
        "Tijdlijn",
        "Tijd",
        "Gebeurtenis",
        "Impact",
        "Oorzaak",
        "Verbetermaatregelen",
        "Ernst",
        "Status",
        "Gemeld door",
        "Incidentnummer",
    ),
    "es": (
        "Informe de incidencia",
        "Resumen",
        "Cronología",
        "Hora",
        "Suceso",
        "Impacto",
        "Causa raíz",
        "Acciones correctivas",
        "Gravedad",
        "Estado",
        "Notificado por",
        "N.º de incidencia",
    ),
}
INC_TEXT = {
    "en": (
        [
            "Monitoring detected elevated error rates on the payment API.",
            "On-call engineer acknowledged the alert.",
            "Faulty configuration change identified and rolled back.",
            "Error rates returned to normal.",
            "Incident declared resolved.",
        ],
        "Approximately {p}% of checkout requests failed for {m} minutes. No "
        "data was lost.",
        "A configuration change to the load balancer was deployed without "
        "passing the canary stage, which caused health checks to fail.",
        [
            "Enforce canary deployment for all configuration changes.",
            "Add an alert on health-check failure rate.",
            "Update the runbook with the rollback procedure.",
        ],
    ),
    "fr": (
        [
            "Hausse du taux d'erreurs détectée sur l'application.",
            "L'astreinte prend en charge l'alerte.",
            "Modification de configuration identifiée et annulée.",
            "Retour à la normale.",
            "Incident clos.",
        ],
        "Environ {p} % des requêtes ont échoué pendant {m} minutes.",
        "Une modification de configuration a été déployée sans validation préalable.",
        [
            "Rendre obligatoire la validation des changements.",
            "Ajouter une alerte sur les contrôles de santé.",
        ],
    ),
    "de": (
        [
            "Erhöhte Fehlerrate im Zahlungssystem festgestellt.",
            "Rufbereitschaft bestätigt den Alarm.",
            "Fehlerhafte Konfigurationsänderung identifiziert und zurückgenommen.",
            "Fehlerrate wieder normal.",
            "Störung behoben.",
        ],
        "Rund {p} % der Anfragen schlugen {m} Minuten lang fehl. Es gingen "
        "keine Daten verloren.",
        "Eine Konfigurationsänderung wurde ohne vorherige Testphase ausgerollt.",
        [
            "Testphase für alle Konfigurationsänderungen verpflichtend machen.",
            "Alarm für fehlgeschlagene Health-Checks ergänzen.",
        ],
    ),
    "nl": (
        [
            "Verhoogd aantal fouten in het betaalsysteem gedetecteerd.",
            "Dienstdoende engineer bevestigt het alarm.",
            "Foutieve configuratiewijziging gevonden en teruggedraaid.",
            "Foutpercentage weer normaal.",
            "Incident afgesloten.",
        ],
        "Ongeveer {p}% van de verzoeken mislukte gedurende {m} minuten. Er is "
        "geen data verloren gegaan.",
        "Een configuratiewijziging werd uitgerold zonder voorafgaande testfase.",
        [
            "Testfase verplicht maken voor alle configuratiewijzigingen.",
            "Alarm toevoegen voor mislukte health-checks.",
        ],
    ),
    "es": (
        [
            "Se detecta un aumento de errores en el sistema de pagos.",
            "El técnico de guardia confirma la alerta.",
            "Se identifica y revierte un cambio de configuración erróneo.",
            "La tasa de errores vuelve a la normalidad.",
            "Incidencia cerrada.",
        ],
        "Aproximadamente el {p} % de las solicitudes falló durante {m} minutos. "
        "No se perdieron datos.",
        "Se desplegó un cambio de configuración sin pasar por la fase de pruebas.",
        [
            "Hacer obligatoria la fase de pruebas para todos los cambios.",
            "Añadir una alerta para los fallos de comprobación de estado.",
        ],
    ),
}


def incident(fk: Faker) -> Doc:
    i = INC[fk.lang]
    events, impact, cause, actions = INC_TEXT[fk.lang]
    hour = fk.randint(0, 20)
    minutes = fk.randint(12, 180)
    blocks = [
        Heading(i[0], 1),
        KeyValues(
            [
                (i[11], fk.code("INC-#####")),
                (
                    {"de": "Datum", "nl": "Datum", "es": "Fecha"}.get(fk.lang, "Date"),
                    fk.fmt_date(fk.date()),
                ),
                (i[8], fk.pick(["SEV-1", "SEV-2", "P2", "High"])),
                (i[9], fk.pick(["Resolved", "Closed", "Monitoring"])),
                (i[10], fk.person()),
            ],
            columns=2,
        ),
        Heading(i[1], 2),
        Para(impact.format(p=fk.randint(3, 60), m=minutes)),
        Heading(i[2], 2),
        Table(
            [i[3], i[4]],
            [
                [f"{hour + k // 3:02d}:{(k * 13) % 60:02d}", e]
                for k, e in enumerate(events)
            ],
            widths=[1, 5],
        ),
        Heading(i[5], 2),
        Para(impact.format(p=fk.randint(3, 60), m=minutes)),
        Heading(i[6], 2),
        Para(cause),
        Heading(i[7], 2),
        Bullets(actions, ordered=True),
    ]
    return Doc("report", fk.lang, "incident", i[0], blocks, random_style(fk))


# Labels and phrases of the project status report: en, fr, de, nl, es.
PS = {
    "en": {
        "projects": [
            "ERP Migration",
            "Warehouse Automation",
            "Customer Portal",
            "Network Upgrade",
            "New Headquarters Fit-out",
        ],
        "statuses": ["Green", "Amber", "Red"],
        "states": ["Complete", "On track", "At risk", "Delayed"],
        "milestones": [
            "Requirements sign-off",
            "Design complete",
            "Build phase 1",
            "User acceptance testing",
            "Go-live",
            "Hypercare ends",
            "Data migration dry run",
        ],
        "levels": ["High", "Medium", "Low"],
        "responses": ["Mitigate", "Accept", "Monitor"],
        "risks": [
            "Key supplier delivery delayed",
            "Budget overrun on licences",
            "Limited availability of business testers",
            "Integration interface not yet specified",
            "Data quality issues in legacy system",
        ],
        "title": "Project Status Report – {project}",
        "fields": [
            "Reporting period",
            "Project manager",
            "Overall status",
            "Budget spent",
        ],
        "sections": [
            "1. Executive summary",
            "2. Milestones",
            "3. Risks and issues",
            "4. Next steps",
        ],
        "overall": "The project remains {status} overall. ",
        "summary": [
            "Testing progressed well, and no critical defects remain open.",
            "The schedule is under pressure because of a delay in vendor deliverables.",
            "Scope changes approved last month have been incorporated into the plan.",
        ],
        "milestone_head": ["Milestone", "Planned date", "Status"],
        "risk_head": ["ID", "Description", "Impact", "Response"],
        "next": [
            "Finalise test plan",
            "Confirm cut-over weekend",
            "Complete training materials",
            "Hold steering committee review",
        ],
    },
    "fr": {
        "projects": [
            "Migration ERP",
            "Automatisation de l'entrepôt",
            "Portail clients",
            "Modernisation du réseau",
        ],
        "statuses": ["vert", "orange", "rouge"],
        "states": ["Terminé", "Dans les temps", "À risque", "En retard"],
        "milestones": [
            "Validation des besoins",
            "Conception terminée",
            "Réalisation lot 1",
            "Recette utilisateurs",
            "Mise en production",
            "Reprise des données à blanc",
        ],
        "levels": ["Élevé", "Moyen", "Faible"],
        "responses": ["Réduire", "Accepter", "Surveiller"],
        "risks": [
            "Retard de livraison d'un fournisseur clé",
            "Dépassement du budget des licences",
            "Disponibilité limitée des testeurs métier",
            "Interface d'intégration non spécifiée",
            "Qualité des données de l'ancien système",
        ],
        "title": "Rapport d'avancement du projet – {project}",
        "fields": ["Période", "Chef de projet", "Statut global", "Budget consommé"],
        "sections": [
            "1. Synthèse",
            "2. Jalons",
            "3. Risques et points ouverts",
            "4. Prochaines étapes",
        ],
        "overall": "Le projet reste globalement au {status}. ",
        "summary": [
            "La recette avance bien et aucune anomalie bloquante n'est ouverte.",
            "Le planning est sous tension en raison d'un retard du prestataire.",
            "Les évolutions validées le mois dernier ont été intégrées au planning.",
        ],
        "milestone_head": ["Jalon", "Date prévue", "Statut"],
        "risk_head": ["N°", "Description", "Impact", "Réponse"],
        "next": [
            "Finaliser le plan de recette",
            "Confirmer la date de bascule",
            "Terminer les supports de formation",
            "Tenir le comité de pilotage",
        ],
    },
    "de": {
        "projects": [
            "ERP-Umstellung",
            "Lagerautomatisierung",
            "Kundenportal",
            "Netzwerkmodernisierung",
        ],
        "statuses": ["grün", "gelb", "rot"],
        "states": ["Erledigt", "Im Plan", "Gefährdet", "Verzögert"],
        "milestones": [
            "Abnahme der Anforderungen",
            "Design abgeschlossen",
            "Umsetzung Phase 1",
            "Abnahmetest",
            "Go-live",
            "Probemigration der Daten",
        ],
        "levels": ["Hoch", "Mittel", "Niedrig"],
        "responses": ["Reduzieren", "Akzeptieren", "Beobachten"],
        "risks": [
            "Lieferverzug eines wichtigen Lieferanten",
            "Budgetüberschreitung bei Lizenzen",
            "Fachtester nur eingeschränkt verfügbar",
            "Schnittstelle noch nicht spezifiziert",
            "Datenqualität im Altsystem",
        ],
        "title": "Projektstatusbericht – {project}",
        "fields": [
            "Berichtszeitraum",
            "Projektleitung",
            "Gesamtstatus",
            "Budget verbraucht",
        ],
        "sections": [
            "1. Zusammenfassung",
            "2. Meilensteine",
            "3. Risiken und Probleme",
            "4. Nächste Schritte",
        ],
        "overall": "Das Projekt steht insgesamt auf {status}. ",
        "summary": [
            "Die Tests verlaufen gut, kritische Fehler sind nicht mehr offen.",
            "Der Zeitplan ist wegen verspäteter Lieferungen des Dienstleisters "
            "unter Druck.",
            "Die im Vormonat genehmigten Änderungen sind im Plan berücksichtigt.",
        ],
        "milestone_head": ["Meilenstein", "Geplant", "Status"],
        "risk_head": ["Nr.", "Beschreibung", "Auswirkung", "Maßnahme"],
        "next": [
            "Testplan fertigstellen",
            "Umstellungswochenende bestätigen",
            "Schulungsunterlagen abschließen",
            "Lenkungsausschuss abhalten",
        ],
    },
    "nl": {
        "projects": [
            "ERP-migratie",
            "Automatisering magazijn",
            "Klantportaal",
            "Vernieuwing netwerk",
        ],
        "statuses": ["groen", "oranje", "rood"],
        "states": ["Gereed", "Op schema", "Risico", "Vertraagd"],
        "milestones": [
            "Akkoord op eisen",
            "Ontwerp gereed",
            "Bouw fase 1",
            "Gebruikersacceptatietest",
            "Livegang",
            "Proefmigratie data",
        ],
        "levels": ["Hoog", "Middel", "Laag"],
        "responses": ["Beperken", "Accepteren", "Bewaken"],
        "risks": [
            "Levering van een belangrijke leverancier vertraagd",
            "Budgetoverschrijding op licenties",
            "Beperkte beschikbaarheid van testers",
            "Koppeling nog niet gespecificeerd",
            "Datakwaliteit in het oude systeem",
        ],
        "title": "Voortgangsrapportage project – {project}",
        "fields": [
            "Rapportageperiode",
            "Projectleider",
            "Totaalstatus",
            "Budget besteed",
        ],
        "sections": [
            "1. Samenvatting",
            "2. Mijlpalen",
            "3. Risico's en issues",
            "4. Volgende stappen",
        ],
        "overall": "Het project staat in totaal op {status}. ",
        "summary": [
            "Het testen verloopt goed en er staan geen kritieke fouten meer open.",
            "De planning staat onder druk door vertraging bij de leverancier.",
            "De vorige maand goedgekeurde wijzigingen zijn in de planning verwerkt.",
        ],
        "milestone_head": ["Mijlpaal", "Gepland", "Status"],
        "risk_head": ["Nr.", "Omschrijving", "Impact", "Maatregel"],
        "next": [
            "Testplan afronden",
            "Overstapweekend bevestigen",
            "Trainingsmateriaal afmaken",
            "Stuurgroep bijeenroepen",
        ],
    },
    "es": {
        "projects": [
            "Migración del ERP",
            "Automatización del almacén",
            "Portal de clientes",
            "Renovación de la red",
        ],
        "statuses": ["verde", "ámbar", "rojo"],
        "states": ["Completado", "En plazo", "En riesgo", "Retrasado"],
        "milestones": [
            "Aprobación de requisitos",
            "Diseño terminado",
            "Construcción fase 1",
            "Pruebas de aceptación",
            "Puesta en marcha",
            "Migración de datos de prueba",
        ],
        "levels": ["Alto", "Medio", "Bajo"],
        "responses": ["Mitigar", "Aceptar", "Vigilar"],
        "risks": [
            "Retraso en la entrega de un proveedor clave",
            "Sobrecoste en licencias",
            "Disponibilidad limitada de usuarios para pruebas",
            "Interfaz de integración sin especificar",
            "Calidad de datos del sistema antiguo",
        ],
        "title": "Informe de estado del proyecto – {project}",
        "fields": [
            "Periodo",
            "Jefe de proyecto",
            "Estado general",
            "Presupuesto consumido",
        ],
        "sections": [
            "1. Resumen ejecutivo",
            "2. Hitos",
            "3. Riesgos e incidencias",
            "4. Próximos pasos",
        ],
        "overall": "El proyecto se mantiene en {status} en general. ",
        "summary": [
            "Las pruebas avanzan bien y no quedan defectos críticos abiertos.",
            "El calendario está bajo presión por un retraso del proveedor.",
            "Los cambios aprobados el mes pasado ya están en la planificación.",
        ],
        "milestone_head": ["Hito", "Fecha prevista", "Estado"],
        "risk_head": ["N.º", "Descripción", "Impacto", "Respuesta"],
        "next": [
            "Cerrar el plan de pruebas",
            "Confirmar el fin de semana de cambio",
            "Terminar los materiales de formación",
            "Celebrar el comité de dirección",
        ],
    },
}


def project_status(fk: Faker) -> Doc:
    w = PS[fk.lang]
    project = fk.pick(w["projects"])
    status = fk.pick(w["statuses"])
    milestones = [
        [m, fk.fmt_date(fk.date(), "iso", lang="en"), fk.pick(w["states"])]
        for m in fk.sample(w["milestones"], fk.randint(3, 6))
    ]
    risks = [
        [f"R{n}", text, fk.pick(w["levels"]), fk.pick(w["responses"])]
        for n, text in enumerate(fk.sample(w["risks"], 3), 1)
    ]
    fields = w["fields"]
    sections = w["sections"]
    overall = w["overall"].format(status=status.lower() if fk.lang == "en" else status)
    blocks = [
        Heading(w["title"].format(project=project), 1),
        KeyValues(
            [
                (fields[0], fk.fmt_date(fk.date())),
                (fields[1], fk.person()),
                (fields[2], status),
                (fields[3], f"{fk.randint(10, 95)}%"),
            ],
            columns=2,
        ),
        Heading(sections[0], 2),
        Para(overall + fk.pick(w["summary"])),
        Heading(sections[1], 2),
        Table(w["milestone_head"], milestones),
        Heading(sections[2], 2),
        Table(w["risk_head"], risks, widths=[0.6, 4, 1, 1.2]),
        Heading(sections[3], 2),
        Bullets(fk.sample(w["next"], 3)),
    ]
    return Doc(
        "report",
        fk.lang,
        "project_status",
        w["title"].format(project=project),
        blocks,
        random_style(fk),
    )


def annual(fk: Faker) -> Doc:
    org = (
        fk.pick(
            [
                "Riverbend Community Foundation",
                "Northwind Health Trust",
                "Open Books Literacy Project",
            ]
        )
        if fk.chance(0.5)
        else fk.company("en")
    )
    year = fk.randint(2018, 2024)
    blocks = [
        Heading(f"{org}", 1),
        Heading(f"Annual Report {year}", 1),
        PageBreak(),
        Heading("Message from the Chair", 2),
        Para(
            f"{year} was a year of change and growth. I am proud of what our "
            "staff and volunteers achieved despite a difficult economic "
            "environment."
        ),
        Para(
            "Our priorities remain unchanged: to serve our community, to "
            "manage our resources responsibly and to report openly on our "
            "results."
        ),
        Heading("Highlights of the Year", 2),
        Bullets(
            [
                f"{fk.randint(1200, 90000):,} people served",
                f"{fk.randint(3, 40)} new partnerships",
                f"{fk.randint(60, 98)}% of funds spent directly on programmes",
                "New regional office opened",
            ]
        ),
        Heading("Financial Summary", 2),
        Table(
            ["", str(year), str(year - 1)],
            [
                [item, f"{fk.randint(100, 9000):,}", f"{fk.randint(100, 9000):,}"]
                for item in [
                    "Total income",
                    "Grants and donations",
                    "Programme expenditure",
                    "Administration",
                    "Net surplus / (deficit)",
                    "Reserves at year end",
                ]
            ],
            align=["L", "R", "R"],
        ),
        Para(
            "Table 1: Statement of financial activities (in thousands)",
            italic=True,
            size=8,
        ),
        Heading("Governance", 2),
        Para(
            "The board met six times during the year. The audit committee "
            "reviewed the financial statements and the auditor's report, "
            "which contained no qualifications."
        ),
        Heading("Looking Ahead", 2),
        Para(
            "Next year we will focus on digital services, staff development "
            "and diversifying our funding base."
        ),
    ]
    return Doc(
        "report", "en", "annual", f"Annual Report {year}", blocks, random_style(fk)
    )


def research(fk: Faker) -> Doc:
    topic = fk.pick(
        [
            "Remote Work Adoption Among Small Businesses",
            "Consumer Attitudes to Electric Vehicles",
            "Broadband Access in Rural Areas",
            "Food Waste in the Hospitality Sector",
        ]
    )
    n = fk.randint(400, 5000)
    shares = sorted([fk.randint(5, 70) for _ in range(4)], reverse=True)
    blocks = [
        Heading(topic, 1),
        Para(
            f"Market Research Report · {fk.pick(['Spring', 'Autumn'])} "
            f"{fk.randint(2019, 2025)}",
            italic=True,
        ),
        Heading("Executive Summary", 2),
        Para(
            f"This report presents the results of a survey of {n:,} "
            "respondents. The main finding is that attitudes have shifted "
            "markedly over the past three years."
        ),
        Heading("Methodology", 2),
        Para(
            "Respondents were recruited through an online panel and "
            "weighted by age, gender and region. Fieldwork took place over "
            "four weeks. The margin of error is ±3 percentage points."
        ),
        Heading("Key Findings", 2),
        Table(
            ["Response", "Share of respondents"],
            [
                [a, f"{s}%"]
                for a, s in zip(
                    ["Very likely", "Somewhat likely", "Unlikely", "Don't know"],
                    shares,
                    strict=True,
                )
            ],
            align=["L", "R"],
        ),
        Para("Figure 1: Likelihood of adoption within two years", italic=True, size=8),
        Para(
            "Younger respondents and those in urban areas were considerably "
            "more positive. Cost remains the most frequently cited "
            "barrier, followed by lack of information."
        ),
        Heading("Conclusions and Recommendations", 2),
        Bullets(
            [
                "Target information campaigns at older age groups.",
                "Address cost concerns through financing options.",
                "Repeat the survey annually to track change.",
            ]
        ),
        Heading("Appendix A: Questionnaire", 2),
        Para("Q1. How likely are you to ... in the next two years?"),
    ]
    return Doc("report", "en", "research", topic, blocks, random_style(fk))


def audit(fk: Faker) -> Doc:
    area = fk.pick(
        [
            "Procurement",
            "IT Access Management",
            "Payroll",
            "Inventory Controls",
            "Health and Safety",
        ]
    )
    findings = [
        [
            f"{n}",
            text,
            fk.pick(["High", "Medium", "Low"]),
            fk.pick(["Agreed", "Partially agreed"]),
        ]
        for n, text in enumerate(
            fk.sample(
                [
                    "Segregation of duties not enforced for vendor set-up",
                    "User access reviews not performed quarterly",
                    "Purchase orders raised after invoice receipt",
                    "Stock counts not reconciled to the ledger",
                    "Training records incomplete",
                ],
                3,
            ),
            1,
        )
    ]
    blocks = [
        Heading(f"Internal Audit Report: {area}", 1),
        KeyValues(
            [
                ("Audit reference", fk.code("IA-20##-##")),
                ("Audit period", fk.fmt_date(fk.date(), lang="en")),
                (
                    "Overall rating",
                    fk.pick(["Satisfactory", "Needs improvement", "Unsatisfactory"]),
                ),
                ("Distribution", "Audit Committee, CFO"),
            ]
        ),
        Heading("1 Scope and Objectives", 2),
        Para(
            f"The audit assessed the design and operating effectiveness of "
            f"controls over {area.lower()} for the twelve months to the "
            "period end."
        ),
        Heading("2 Summary of Findings", 2),
        Table(
            ["#", "Finding", "Risk", "Management response"],
            findings,
            widths=[0.4, 4.5, 0.9, 1.6],
        ),
        Heading("3 Detailed Observations", 2),
        Para(
            "For each finding, we set out the condition observed, the "
            "criteria, the cause, the effect and our recommendation."
        ),
        Heading("4 Management Action Plan", 2),
        Para(
            "Management has agreed to implement all recommendations by the "
            "end of the next quarter. Internal Audit will follow up."
        ),
    ]
    return Doc(
        "report", "en", "audit", f"Audit report {area}", blocks, random_style(fk)
    )


def statistical(fk: Faker) -> Doc:
    state = fk.pick(["Northern", "Coastal", "Valley", "Lakes"])
    rows = [
        [
            fk.fmt_date(fk.date(), "numeric", lang="en"),
            fk.company("en"),
            fk.city("en"),
            str(fk.randint(5, 450)),
            fk.pick(["Layoff Permanent", "Closure Permanent", "Layoff Temporary"]),
        ]
        for _ in range(fk.randint(12, 30))
    ]
    blocks = [
        Heading(f"{state} Region Labor Market Report", 1),
        Para(
            "Notices received under the worker adjustment and retraining "
            "notification program, by date of notice.",
            italic=True,
        ),
        Table(
            ["Notice date", "Company", "City", "Employees", "Type"],
            rows,
            widths=[1.2, 3, 1.5, 1, 1.8],
            align=["L", "L", "L", "R", "L"],
        ),
        Para(f"Total employees affected: {sum(int(r[3]) for r in rows):,}", bold=True),
        Para(
            "Source: regional employment department. Figures are "
            "preliminary and subject to revision.",
            size=8,
        ),
    ]
    return Doc(
        "report",
        "en",
        "statistical",
        "Labor market report",
        blocks,
        random_style(fk, size=8.5),
    )


POLICY_OFFICES = [
    "Office of Legislative Research",
    "Regulatory Policy Office",
    "Legal Affairs Division",
]
POLICY_SECTIONS = [
    (
        "Background",
        "The {act} was enacted to update the legal framework for "
        "{field}. It implements commitments made under two international "
        "agreements and responds to concerns raised during public consultations.",
    ),
    (
        "Overview of the Act",
        "The Act is divided into {n} titles. Title I "
        "establishes new obligations for service providers. Title II creates a "
        "limited safe harbour for intermediaries that meet certain conditions. "
        "Title III addresses enforcement and penalties.",
    ),
    (
        "Key Provisions",
        "Section {s} requires covered entities to designate an "
        "agent to receive notices. Section {s2} sets out the procedure for "
        "counter-notification and the time limits that apply.",
    ),
    (
        "Exemptions",
        "The Act contains exemptions for non-profit educational "
        "institutions, libraries and archives, subject to conditions on the use "
        "of the exempted material.",
    ),
    (
        "Enforcement",
        "Civil remedies include injunctions and statutory damages. "
        "Criminal penalties apply to wilful violations committed for commercial "
        "advantage.",
    ),
    (
        "Studies and Reports",
        "The Act directs the responsible agency to report "
        "to Congress within two years on the effects of the new provisions on "
        "{field}.",
    ),
    (
        "Effective Dates",
        "Most provisions took effect on enactment. Title II "
        "applies to notices received after the end of the transition period.",
    ),
]


def policy_summary(fk: Faker) -> Doc:
    """Build a government office's multi-page summary of a piece of legislation."""
    field = fk.pick(
        [
            "digital services",
            "consumer credit",
            "drinking water safety",
            "data protection",
            "rail transport",
        ]
    )
    year = fk.randint(1995, 2024)
    act = f"{field.title()} Modernization Act of {year}"
    ctx = {
        "act": act,
        "field": field,
        "n": fk.randint(3, 6),
        "s": fk.randint(101, 120),
        "s2": fk.randint(121, 140),
    }
    blocks = [
        Para(
            f"{fk.pick(POLICY_OFFICES)} "
            f"Summary · {fk.fmt_date(fk.date(), 'long', lang='en')}",
            size=8,
        ),
        Heading(act.upper(), 1),
        Heading("Summary", 2),
        Heading("INTRODUCTION", 2),
        Para(
            f"The {act} was signed into law on "
            f"{fk.fmt_date(fk.date(year, year), 'long', lang='en')}. This "
            "summary describes its main provisions for readers without "
            "legal training. It is not legal advice."
        ),
    ]
    for n, (name, text) in enumerate(POLICY_SECTIONS, 1):
        blocks += [
            Heading(f"{name.upper() if fk.chance(0.4) else name}", 2),
            Para(text.format(**ctx), align="J"),
        ]
        if fk.chance(0.4):
            blocks.append(
                Para(
                    f"{n} Pub. L. No. {fk.randint(90, 118)}-"
                    f"{fk.randint(1, 400)}, § {ctx['s'] + n}.",
                    size=7,
                )
            )
    blocks.append(
        Para(
            "Prepared by the office's staff. Questions may be directed "
            "to the general information line.",
            size=8,
        )
    )
    return Doc(
        "report",
        "en",
        "policy_summary",
        act,
        blocks,
        random_style(fk, font="DejaVuSerif"),
    )


def inventory(fk: Faker) -> Doc:
    """Build a warehouse inventory reconciliation with variances and a status column."""
    rows, cost = [], 0.0
    for _ in range(fk.randint(6, 18)):
        expected = fk.randint(40, 1200)
        actual = expected + fk.pick([0, 0, 0, -2, 3, -15, 12, -30])
        var = actual - expected
        cost += abs(var) * fk.uniform(2, 90)
        status = "REVIEW"
        if abs(var) < 5:
            status = "OK"
        elif abs(var) > 20:
            status = "CRITICAL"
        rows.append(
            [
                fk.code("SKU-####"),
                fk.code("?-##"),
                str(expected),
                str(actual),
                f"{var:+d}" if var else "0",
                status,
            ]
        )
    accuracy = 100 - fk.uniform(0.3, 4)
    blocks = [
        Heading("Inventory Reconciliation Report", 1),
        KeyValues(
            [
                ("Report ID", fk.code("INV-20##-####")),
                ("Warehouse", f"Distribution Center {fk.pick(REGIONS)}"),
                ("Report Date", fk.fmt_date(fk.date(), "iso", lang="en")),
                ("Prepared By", fk.person("en")),
            ]
        ),
        Table(
            ["Product Code", "Location", "Expected", "Actual", "Variance", "Status"],
            rows,
            align=["L", "L", "R", "R", "R", "L"],
        ),
        Heading("Variance Analysis", 2),
        KeyValues(
            [
                ("Total Variance Cost", fk.fmt_money(cost, "USD", sign=True)),
                ("Critical Items", str(sum(r[5] == "CRITICAL" for r in rows))),
                ("Overall Accuracy", f"{accuracy:.1f}%"),
            ]
        ),
        Para(
            "Variances above the tolerance threshold were recounted. "
            "Remaining differences are attributed to receiving errors and "
            "unrecorded damage. Cycle counts for the affected locations "
            "will be increased next month."
        ),
    ]
    return Doc(
        "report",
        "en",
        "inventory",
        "Inventory reconciliation",
        blocks,
        random_style(fk, table_style=fk.pick(["plain", "lines"])),
    )


TEMPLATES = [
    ("quarterly", quarterly, ("en", "fr", "de", "nl", "es")),
    ("incident", incident, ("en", "fr", "de", "nl", "es")),
    ("project_status", project_status, ("en", "fr", "de", "nl", "es")),
    ("annual", annual, ("en",)),
    ("research", research, ("en",)),
    ("audit", audit, ("en",)),
    ("statistical", statistical, ("en",)),
    ("policy_summary", policy_summary, ("en",)),
    ("inventory", inventory, ("en",)),
]
