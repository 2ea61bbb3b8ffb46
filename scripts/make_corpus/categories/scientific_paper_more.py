"""More scientific paper layouts: a mathematics preprint, a computing conference
paper with classification codes, and an article in French, German or Spanish.
"""

from __future__ import annotations

from ..blocks import Bullets, Columns, Doc, Heading, Para, Table
from ..fake import Faker
from ._common import random_style

MATH_TOPICS = [
    ("compact Riemannian manifolds", "the first eigenvalue of the Laplacian"),
    ("finite groups of Lie type", "the number of conjugacy classes"),
    ("random regular graphs", "the spectral gap"),
    ("elliptic curves over finite fields", "the distribution of Frobenius traces"),
    ("convex bodies in high dimension", "the isotropic constant"),
    ("Banach spaces with unconditional bases", "the approximation property"),
]
MSC = ["05C80", "11G05", "20C33", "35P15", "46B15", "52A23", "60B20", "58J50"]


def _alpha_key(fk: Faker) -> tuple[str, str]:
    """Return a citation key such as ``[KL19]`` and the matching reference."""
    names = [fk.last_name(fk.pick(["en", "de", "fr", "pl", "it"])) for _ in range(2)]
    year = fk.randint(1975, 2024)
    key = "".join(name[0] for name in names) + f"{year % 100:02d}"
    journal = fk.pick(
        [
            "Ann. of Math.",
            "Invent. Math.",
            "J. Amer. Math. Soc.",
            "Duke Math. J.",
            "Compos. Math.",
            "Israel J. Math.",
        ]
    )
    reference = (
        f"[{key}] {names[0][0]}. {names[0]} and {names[1][0]}. {names[1]}, "
        f"{fk.pick(['On', 'Sharp bounds for', 'A remark on', 'Rigidity of'])} "
        f"{fk.pick(MATH_TOPICS)[0]}, {journal} {fk.randint(40, 220)} ({year}), "
        f"no. {fk.randint(1, 6)}, {fk.randint(1, 400)}–{fk.randint(401, 900)}."
    )
    return key, reference


def math_preprint(fk: Faker) -> Doc:
    """Build a theorem-and-proof preprint with alphabetic citation keys."""
    space, quantity = fk.pick(MATH_TOPICS)
    refs = sorted(_alpha_key(fk) for _ in range(fk.randint(6, 18)))
    cite = lambda: f"[{fk.pick(refs)[0]}]"  # noqa: E731
    authors = [fk.person(fk.pick(["en", "de", "fr", "pl", "it"])) for _ in range(2)]
    exponent = fk.pick(["1/2", "2/3", "n/(n+2)", "log n"])
    blocks = [
        Para(
            f"arXiv:{fk.randint(1501, 2512)}.{fk.digits(5)}v{fk.randint(1, 4)} "
            f"[math.{fk.pick(['DG', 'GR', 'CO', 'NT', 'FA', 'MG', 'PR'])}]",
            size=7,
        ),
        Para(
            f"{fk.pick(['Sharp', 'Uniform', 'New'])} bounds on {quantity} of "
            f"{space}".upper(),
            bold=True,
            align="C",
        ),
        Para(" AND ".join(a.upper() for a in authors), align="C"),
        Para(
            f"Abstract. We prove that {quantity} of {space} is bounded above by "
            f"a constant times {exponent}, which is optimal up to the constant. "
            f"This answers a question raised in {cite()} and improves the bound "
            f"of {cite()}.",
            align="J",
            size=9,
        ),
        Heading("1. Introduction", 2),
        Para(
            f"The study of {quantity} for {space} goes back to {cite()}. Let X be "
            f"such a space of dimension n ≥ 2 and write λ(X) for {quantity}. "
            f"It is known {cite()} that λ(X) ≤ C n for an absolute constant C."
        ),
        Para(
            "Theorem 1.1. There is an absolute constant c > 0 such that "
            f"λ(X) ≤ c · {exponent} for every X as above.",
            italic=True,
        ),
        Para(
            f"The proof combines a concentration argument with the comparison "
            f"principle of {cite()}. In Section 2 we fix notation, Section 3 "
            "contains the main estimate and Section 4 discusses sharpness."
        ),
        Heading("2. Preliminaries", 2),
        Para(
            "Definition 2.1. A family (X_k) is admissible if sup_k diam(X_k) < ∞ "
            "and the volumes are bounded below."
        ),
        Para(
            "Lemma 2.2. For every admissible family and every ε > 0 there is "
            "k₀ such that ‖f_k − f‖ < ε for k ≥ k₀.",
            italic=True,
        ),
        Para(
            f"Proof. This follows from the compactness result of {cite()} "
            "applied to the normalised functions f_k/‖f_k‖. ∎"
        ),
        Heading("3. Proof of Theorem 1.1", 2),
        Para(
            "By Lemma 2.2 we may assume that X is admissible. Integrating the "
            "inequality (3.1) against the test function φ and using Hölder's "
            "inequality, we obtain ∫ |∇φ|² ≤ c ∫ φ², and the claim follows. ∎"
        ),
        Para(
            "Remark 3.1. The constant c can be taken to be 4, but we make no "
            "attempt to optimise it."
        ),
        Heading("4. Sharpness", 2),
        Para(
            f"Corollary 4.1. The exponent in Theorem 1.1 cannot be improved, as "
            f"the examples of {cite()} show.",
            italic=True,
        ),
    ]
    if fk.chance(0.6):
        blocks.append(
            Para(
                f"Acknowledgements. The first author was supported by grant "
                f"{fk.code('??? ######')}.",
                size=8,
            )
        )
    blocks.append(
        Para(
            f"2020 Mathematics Subject Classification. {', '.join(fk.sample(MSC, 2))}.",
            size=8,
        )
    )
    blocks.append(Heading("References", 2))
    blocks += [Para(reference, size=8) for _, reference in refs]
    return Doc(
        "scientific_paper",
        "en",
        "math_preprint",
        f"Bounds on {quantity}",
        blocks,
        random_style(fk, font=fk.pick(["DejaVuSerif", "DejaVuSerifCondensed"])),
    )


CCS = [
    "Computing methodologies → Machine learning",
    "Software and its engineering → Compilers",
    "Information systems → Data management systems",
    "Human-centered computing → Empirical studies in HCI",
    "Security and privacy → Intrusion detection systems",
    "Networks → Network measurement",
]
SYSTEMS = [
    ("query optimiser", "join ordering", "TPC-H"),
    ("garbage collector", "pause times", "DaCapo"),
    ("intrusion detector", "false alarms", "CIC-IDS2017"),
    ("touch keyboard", "typing speed", "a 24-participant lab study"),
    ("congestion controller", "tail latency", "a 40-node testbed"),
]


def conference_paper(fk: Faker) -> Doc:
    """Build a computing conference paper with CCS concepts and numbered citations."""
    system, target, bench = fk.pick(SYSTEMS)
    name = fk.pick(["Falcon", "Tern", "Quill", "Mosaic", "Lattice", "Ember"])
    authors = [
        fk.person(fk.pick(["en", "en", "de", "fr", "es", "nl"]))
        for _ in range(fk.randint(2, 5))
    ]
    year = fk.randint(2016, 2025)
    gain = fk.randint(12, 65)
    refs = [
        f"[{i}] {fk.person('en')} and {fk.person('en')}. {year - fk.randint(1, 9)}. "
        f"{fk.pick(['Adaptive', 'Scalable', 'Robust', 'Learned'])} "
        f"{system}s for {target}. In Proceedings of the "
        f"{fk.pick(['ACM SIGMOD', 'USENIX ATC', 'ACM CHI', 'IEEE S&P', 'NSDI'])} "
        f"Conference. {fk.randint(1, 900)}–{fk.randint(901, 999)}."
        for i in range(1, fk.randint(10, 28))
    ]
    body = [
        Heading("1 INTRODUCTION", 2),
        Para(
            f"Modern workloads put pressure on {target} [{fk.randint(1, 9)}]. "
            f"Existing {system}s [{fk.randint(1, 9)}, {fk.randint(1, 9)}] tune for "
            f"the average case. We present {name}, a {system} that reduces "
            f"{target} by {gain}% on {bench}."
        ),
        Para("In summary, this paper makes the following contributions:"),
        Bullets(
            [
                f"a characterisation of {target} on {bench} (§2);",
                f"the design of {name} (§3);",
                "an evaluation against three baselines (§4).",
            ]
        ),
        Heading("2 BACKGROUND AND MOTIVATION", 2),
        Para(
            f"Figure 1 shows the distribution of {target} for the baseline. "
            "The long tail is caused by a small number of expensive operations."
        ),
        Heading(f"3 DESIGN OF {name.upper()}", 2),
        Para(
            f"{name} keeps a cost model per operation and schedules expensive "
            "operations when the system is idle. Algorithm 1 gives the details."
        ),
        Heading("4 EVALUATION", 2),
        Para(
            f"We run all experiments on {bench}. Table 2 reports the median and "
            "the 99th percentile over five runs."
        ),
        Table(
            ["System", "Median", "p99", "Δ"],
            [
                [
                    "Baseline",
                    f"{fk.uniform(10, 40):.1f}",
                    f"{fk.uniform(80, 200):.1f}",
                    "–",
                ],
                [
                    f"Prior work [{fk.randint(1, 9)}]",
                    f"{fk.uniform(8, 30):.1f}",
                    f"{fk.uniform(60, 150):.1f}",
                    f"−{fk.randint(5, 20)}%",
                ],
                [
                    name,
                    f"{fk.uniform(6, 25):.1f}",
                    f"{fk.uniform(30, 90):.1f}",
                    f"−{gain}%",
                ],
            ],
            align=["L", "R", "R", "R"],
        ),
        Para(f"Table 2: {target.capitalize()} on {bench}.", italic=True, size=8),
        Heading("5 RELATED WORK", 2),
        Para(
            f"Our cost model is inspired by [{fk.randint(1, 9)}]; unlike "
            f"[{fk.randint(1, 9)}], {name} needs no offline training."
        ),
        Heading("6 CONCLUSION", 2),
        Para(
            f"{name} shows that {target} can be cut substantially without "
            "hurting the average case."
        ),
        Heading("REFERENCES", 2),
    ] + [Para(r, size=7.5) for r in refs]
    blocks = [
        Para(
            f"{name}: Taming {target.title()} in {system.title()}s", bold=True, size=15
        ),
        Para(", ".join(authors)),
        Para(
            f"{fk.pick(['University of Lakeview', 'Westbrook University'])}, "
            f"{fk.email(authors[0])}",
            size=8,
        ),
        Heading("ABSTRACT", 2),
        Para(
            f"Many {system}s suffer from high {target}. We "
            f"present {name}, which predicts expensive operations and defers "
            f"them. On {bench}, {name} reduces {target} by {gain}% with no loss "
            "in throughput.",
            align="J",
        ),
        Para("CCS CONCEPTS\n• " + "; • ".join(fk.sample(CCS, 2)), size=8),
        Para(f"KEYWORDS\n{system}, {target}, scheduling, measurement", size=8),
        Para(
            f"ACM Reference Format:\n{', '.join(authors)}. {year}. {name}. In "
            f"Proceedings of the {fk.randint(10, 40)}th Conference. ACM, New York, "
            f"NY, USA, {fk.randint(10, 14)} pages. https://doi.org/10.1145/"
            f"{fk.digits(7)}.{fk.digits(7)}",
            size=7,
        ),
    ]
    blocks += [Columns(body)] if fk.chance(0.6) else body
    return Doc(
        "scientific_paper",
        "en",
        "conference_paper",
        name,
        blocks,
        random_style(fk, size=fk.pick([8.5, 9]), table_style="lines"),
    )


FOREIGN = {
    "fr": {
        "title": "{topic} : une étude de terrain sur {n} sites",
        "field": "écologie",
        "abstract": "Résumé",
        "keywords": "Mots-clés",
        "sections": [
            "Introduction",
            "Matériel et méthodes",
            "Résultats",
            "Discussion",
            "Conclusion",
            "Bibliographie",
        ],
        "topics": [
            "l'érosion des sols agricoles",
            "la qualité de l'air urbain",
            "la diversité des pollinisateurs",
        ],
        "text": [
            "Nous étudions {topic} à partir de {n} sites de mesure suivis entre "
            "{y0} et {y1}.",
            "Les travaux antérieurs ({cite}) reposent sur de petits échantillons.",
            "Les données ont été analysées par un modèle linéaire mixte ; le seuil "
            "de significativité est fixé à p < 0,05.",
            "L'effet observé est de {e} % (IC à 95 % : {lo}–{hi}), ce qui confirme "
            "l'hypothèse initiale.",
            "Ces résultats doivent être confirmés sur d'autres régions.",
        ],
        "table": ["Site", "Moyenne", "Écart-type"],
        "caption": "Tableau 1 : Valeurs mesurées par site.",
    },
    "de": {
        "title": "{topic}: eine Feldstudie an {n} Standorten",
        "field": "Ökologie",
        "abstract": "Zusammenfassung",
        "keywords": "Schlüsselwörter",
        "sections": [
            "Einleitung",
            "Material und Methoden",
            "Ergebnisse",
            "Diskussion",
            "Fazit",
            "Literatur",
        ],
        "topics": [
            "die Bodenerosion auf Ackerflächen",
            "die Luftqualität in Städten",
            "die Vielfalt der Bestäuber",
        ],
        "text": [
            "Wir untersuchen {topic} an {n} Messstandorten, die von {y0} bis {y1} "
            "beobachtet wurden.",
            "Frühere Arbeiten ({cite}) stützen sich auf kleine Stichproben.",
            "Die Daten wurden mit einem linearen gemischten Modell ausgewertet; "
            "als signifikant gilt p < 0,05.",
            "Der beobachtete Effekt beträgt {e} % (95-%-KI: {lo}–{hi}) und bestätigt "
            "die Ausgangshypothese.",
            "Die Ergebnisse sollten in weiteren Regionen überprüft werden.",
        ],
        "table": ["Standort", "Mittelwert", "Standardabweichung"],
        "caption": "Tabelle 1: Messwerte je Standort.",
    },
    "es": {
        "title": "{topic}: un estudio de campo en {n} sitios",
        "field": "ecología",
        "abstract": "Resumen",
        "keywords": "Palabras clave",
        "sections": [
            "Introducción",
            "Materiales y métodos",
            "Resultados",
            "Discusión",
            "Conclusiones",
            "Referencias",
        ],
        "topics": [
            "la erosión de suelos agrícolas",
            "la calidad del aire urbano",
            "la diversidad de polinizadores",
        ],
        "text": [
            "Estudiamos {topic} en {n} puntos de muestreo observados entre {y0} y "
            "{y1}.",
            "Los trabajos previos ({cite}) se basan en muestras pequeñas.",
            "Los datos se analizaron con un modelo lineal mixto; se consideró "
            "significativo p < 0,05.",
            "El efecto observado es del {e} % (IC 95 %: {lo}–{hi}), lo que confirma "
            "la hipótesis inicial.",
            "Estos resultados deben confirmarse en otras regiones.",
        ],
        "table": ["Sitio", "Media", "Desviación típica"],
        "caption": "Tabla 1: Valores medidos por sitio.",
    },
}


JOURNALS = ["Rev. Sci. Environ.", "Z. Umweltforsch.", "An. Biol. Apl."]


def regional_article(fk: Faker) -> Doc:
    """Build a field-study article in French, German or Spanish with an
    English abstract after the local one, as many regional journals print."""
    f = FOREIGN[fk.lang]
    topic = fk.pick(f["topics"])
    authors = [fk.person() for _ in range(fk.randint(2, 4))]
    y0 = fk.randint(2005, 2015)
    refs = [
        f"{fk.last_name()}, {fk.first_name()[0]}. ({fk.randint(1990, 2024)}). "
        f"{topic.capitalize()}. {fk.pick(JOURNALS)} "
        f"{fk.randint(3, 80)}, {fk.randint(1, 300)}–{fk.randint(301, 600)}."
        for _ in range(fk.randint(6, 16))
    ]
    cite = f"{fk.last_name()} et al., {fk.randint(1995, 2023)}"
    values = {
        "topic": topic,
        "n": fk.randint(8, 120),
        "y0": y0,
        "y1": y0 + fk.randint(3, 9),
        "cite": cite,
        "e": fk.randint(5, 40),
        "lo": fk.randint(1, 4),
        "hi": fk.randint(41, 60),
    }
    text = [line.format(**values) for line in f["text"]]
    s = f["sections"]
    blocks = [
        Heading(
            f["title"].format(topic=topic[0].upper() + topic[1:], n=values["n"]), 1
        ),
        Para(", ".join(authors)),
        Para(f"{fk.city()} · {fk.email(authors[0])}", size=8),
        Heading(f["abstract"], 3),
        Para(f"{text[0]} {text[3]}", italic=True, align="J"),
        Heading("Abstract", 3),
        Para(
            f"We study field data from {values['n']} sites. The observed effect "
            f"is {values['e']}%, which supports the initial hypothesis.",
            italic=True,
            align="J",
        ),
        Para(f"{f['keywords']}: {topic}, {f['field']}", size=8),
        Heading(f"1 {s[0]}", 2),
        Para(f"{text[0]} {text[1]}"),
        Heading(f"2 {s[1]}", 2),
        Para(text[2]),
        Heading(f"3 {s[2]}", 2),
        Para(text[3]),
        Table(
            f["table"],
            [
                [
                    f"{fk.city()}",
                    f"{fk.uniform(1, 50):.1f}",
                    f"{fk.uniform(0.1, 9):.2f}",
                ]
                for _ in range(fk.randint(3, 6))
            ],
            align=["L", "R", "R"],
        ),
        Para(f["caption"], italic=True, size=8),
        Heading(f"4 {s[3]}", 2),
        Para(f"{text[4][:-1]} ({cite})."),
        Heading(f"5 {s[4]}", 2),
        Para(text[3]),
        Heading(s[5], 2),
    ] + [Para(r, size=8) for r in refs]
    return Doc(
        "scientific_paper",
        fk.lang,
        "regional_article",
        topic,
        blocks,
        random_style(fk, font=fk.pick(["DejaVuSerif", "DejaVuSans"])),
    )
