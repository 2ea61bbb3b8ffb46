"""Letters: business, official, complaint, reference, cover, personal."""

from __future__ import annotations

from ..blocks import Doc, Heading, Para, Space
from ..fake import Faker
from ._common import ALL_LANGS, random_style

FRAME = {
    "en": {
        "subject": "Re:",
        "dear": [
            "Dear {title} {last},",
            "Dear {first},",
            "Dear Sir or Madam,",
            "To whom it may concern:",
        ],
        "close": [
            "Sincerely,",
            "Yours faithfully,",
            "Kind regards,",
            "Yours sincerely,",
            "Best regards,",
            "Respectfully,",
        ],
        "titles": ["Mr.", "Ms.", "Dr.", "Mrs."],
        "encl": "Enclosure",
        "cc": "cc:",
        "ref": "Our ref.",
        "yref": "Your ref.",
    },
    "fr": {
        "subject": "Objet :",
        "dear": [
            "Madame, Monsieur,",
            "Monsieur {last},",
            "Madame {last},",
            "Chère Madame,",
        ],
        "close": [
            "Je vous prie d'agréer, Madame, Monsieur, l'expression de mes "
            "salutations distinguées.",
            "Veuillez recevoir, Madame, Monsieur, mes sincères salutations.",
            "Bien cordialement,",
        ],
        "titles": ["M.", "Mme"],
        "encl": "P.J.",
        "cc": "Copie :",
        "ref": "N/Réf.",
        "yref": "V/Réf.",
    },
    "de": {
        "subject": "Betreff:",
        "dear": [
            "Sehr geehrte Damen und Herren,",
            "Sehr geehrter Herr {last},",
            "Sehr geehrte Frau {last},",
        ],
        "close": ["Mit freundlichen Grüßen", "Freundliche Grüße", "Mit besten Grüßen"],
        "titles": ["Herrn", "Frau"],
        "encl": "Anlage",
        "cc": "Kopie an:",
        "ref": "Unser Zeichen",
        "yref": "Ihr Zeichen",
    },
    "nl": {
        "subject": "Betreft:",
        "dear": [
            "Geachte heer {last},",
            "Geachte mevrouw {last},",
            "Geachte heer/mevrouw,",
        ],
        "close": ["Met vriendelijke groet,", "Hoogachtend,"],
        "titles": ["De heer", "Mevrouw"],
        "encl": "Bijlage",
        "cc": "Cc:",
        "ref": "Ons kenmerk",
        "yref": "Uw kenmerk",
    },
    "pl": {
        "subject": "Dotyczy:",
        "dear": ["Szanowni Państwo,", "Szanowny Panie,", "Szanowna Pani,"],
        "close": ["Z poważaniem,", "Z wyrazami szacunku,"],
        "titles": ["Pan", "Pani"],
        "encl": "Załącznik",
        "cc": "Do wiadomości:",
        "ref": "Znak sprawy",
        "yref": "Wasz znak",
    },
    "es": {
        "subject": "Asunto:",
        "dear": ["Estimados señores:", "Estimado Sr. {last}:", "Estimada Sra. {last}:"],
        "close": ["Atentamente,", "Un cordial saludo,", "Reciba un saludo cordial,"],
        "titles": ["Sr.", "Sra."],
        "encl": "Adjunto",
        "cc": "c.c.:",
        "ref": "Nuestra ref.",
        "yref": "Su ref.",
    },
    "it": {
        "subject": "Oggetto:",
        "dear": [
            "Gentile Cliente,",
            "Spettabile Ditta,",
            "Egregio Sig. {last},",
            "Gentile Sig.ra {last},",
        ],
        "close": ["Distinti saluti,", "Cordiali saluti,", "Con osservanza,"],
        "titles": ["Sig.", "Sig.ra"],
        "encl": "Allegato",
        "cc": "p.c.",
        "ref": "Ns. rif.",
        "yref": "Vs. rif.",
    },
}

# Purpose -> (subject, paragraphs). Paragraphs may use {date}, {company},
# {ref}, {amount}, {product} placeholders.
PURPOSES = {
    "en": {
        "complaint": (
            "Complaint regarding order {ref}",
            [
                "I am writing to express my dissatisfaction with the {product} I "
                "purchased from {company} on {date}.",
                "On delivery the item was damaged, and despite two telephone calls to "
                "your customer service department the matter has not been resolved.",
                "I would therefore ask you to either replace the item or refund the "
                "full purchase price of {amount} within fourteen days of this letter.",
                "I have enclosed a copy of the receipt and photographs of the damage "
                "for your reference.",
                "If I do not hear from you by then, I will have no choice but to refer "
                "the matter to the consumer protection office.",
            ],
        ),
        "price_change": (
            "Changes to our terms and pricing",
            [
                "Thank you for being a valued customer of {company}.",
                "We are writing to let you know that from {date} the monthly fee for "
                "your service will change. Rising energy and staff costs mean that we "
                "can no longer hold our prices at their current level.",
                "The new fee will be {amount}. You do not need to do anything; the new "
                "amount will be collected automatically.",
                "If you do not wish to continue under the new terms, you may cancel "
                "your agreement free of charge within 30 days of receiving this "
                "letter.",
                "Should you have any questions, our team is happy to help.",
            ],
        ),
        "reference": (
            "Letter of recommendation for {name}",
            [
                "It is my pleasure to recommend {name}, who worked under my "
                "supervision at {company} from {date} until last month.",
                "During this time {name} consistently demonstrated excellent "
                "analytical skills, reliability and a genuine willingness to help "
                "colleagues.",
                "I have no hesitation in recommending {name} for a position in your "
                "organisation and am confident that they will be an asset to your "
                "team.",
                "Please do not hesitate to contact me if you require any further "
                "information.",
            ],
        ),
        "resignation": (
            "Resignation",
            [
                "Please accept this letter as formal notice of my resignation from my "
                "position at {company}. My last working day will be {date}, in line "
                "with the notice period in my contract.",
                "I am grateful for the opportunities I have been given and for the "
                "support of the team over the past years.",
                "I will do everything I can to ensure a smooth handover of my "
                "responsibilities before I leave.",
            ],
        ),
        "cover": (
            "Application for the position of {job}",
            [
                "I am writing to apply for the position of {job} advertised on your "
                "website. With several years of experience in a similar role, I "
                "believe I would make a strong contribution to {company}.",
                "In my current position I lead a small team and am responsible for "
                "planning, budgeting and reporting to senior management.",
                "I have enclosed my résumé, which gives further details of my "
                "qualifications, and I would welcome the opportunity to discuss my "
                "application with you in an interview.",
                "Thank you for considering my application.",
            ],
        ),
        "official": (
            "Notice of decision, case {ref}",
            [
                "We have reviewed your application received on {date}.",
                "After careful consideration of the documents submitted, we are "
                "pleased to inform you that your application has been approved. The "
                "approval is valid for a period of twelve months.",
                "You have the right to appeal this decision within one month of the "
                "date of this letter. An appeal must be made in writing and state the "
                "reasons on which it is based.",
                "Please quote the reference number above in all correspondence.",
                "This letter was issued electronically and is valid without a "
                "signature.",
            ],
        ),
        "payment_reminder": (
            "Reminder: outstanding balance",
            [
                "According to our records, the amount of {amount} for invoice {ref} "
                "dated {date} remains unpaid.",
                "We assume this is an oversight and kindly ask you to settle the "
                "outstanding balance within the next ten days.",
                "If you have already made the payment, please disregard this letter.",
                "Should you have difficulties paying, please contact us so that we can "
                "agree on a payment plan.",
            ],
        ),
        "takedown": (
            "Request for removal of content",
            [
                "We are writing on behalf of the {company} in connection with content "
                "published on your platform.",
                "The content listed below infringes the rights of our client and is "
                "being distributed without authorisation. We request that you remove "
                "or disable access to it without delay.",
                "We have a good faith belief that the use of the material in the "
                "manner complained of is not authorised by the owner, its agent, or "
                "the law.",
                "The information in this notice is accurate, and we are authorised to "
                "act on behalf of the owner.",
                "Please confirm in writing once the content has been removed.",
            ],
        ),
    },
    "fr": {
        "reclamation": (
            "Réclamation concernant la commande {ref}",
            [
                "Par la présente, je souhaite vous faire part de mon mécontentement "
                "concernant l'article commandé le {date} auprès de {company}.",
                "Lors de la livraison, le colis était endommagé et le produit ne "
                "fonctionne pas. Malgré plusieurs relances auprès de votre service "
                "client, aucune solution ne m'a été proposée.",
                "Je vous demande donc de procéder au remboursement de la somme de "
                "{amount} ou à l'échange du produit dans un délai de quinze jours.",
                "À défaut de réponse de votre part, je me verrai contraint de saisir "
                "le médiateur de la consommation.",
            ],
        ),
        "resiliation": (
            "Résiliation de mon contrat n° {ref}",
            [
                "Je vous informe par la présente de ma décision de résilier le contrat "
                "cité en objet, conformément aux conditions générales.",
                "Je vous remercie de bien vouloir prendre en compte cette résiliation "
                "à compter du {date} et de me faire parvenir une confirmation écrite.",
                "Je vous prie également de cesser tout prélèvement à partir de cette "
                "date.",
            ],
        ),
        "administration": (
            "Votre demande du {date}",
            [
                "Nous accusons réception de votre demande et des pièces justificatives "
                "transmises.",
                "Après examen de votre dossier, nous avons le plaisir de vous informer "
                "que votre demande a reçu un avis favorable.",
                "Vous disposez d'un délai de deux mois à compter de la notification de "
                "la présente décision pour former un recours gracieux.",
                "Nos services restent à votre disposition pour tout renseignement "
                "complémentaire.",
            ],
        ),
        "candidature": (
            "Candidature au poste de {job}",
            [
                "Votre offre d'emploi pour le poste de {job} a retenu toute mon "
                "attention.",
                "Fort d'une expérience de plusieurs années dans ce domaine, je suis "
                "convaincu de pouvoir contribuer au développement de {company}.",
                "Je me tiens à votre disposition pour un entretien afin de vous "
                "exposer plus en détail mes motivations.",
            ],
        ),
        "relance": (
            "Relance : facture impayée n° {ref}",
            [
                "Sauf erreur de notre part, la facture n° {ref} du {date} d'un montant "
                "de {amount} demeure impayée à ce jour.",
                "Nous vous remercions de bien vouloir procéder à son règlement dans "
                "les meilleurs délais.",
                "Si votre paiement a été effectué entre-temps, veuillez ne pas tenir "
                "compte de ce courrier.",
            ],
        ),
    },
    "de": {
        "beschwerde": (
            "Reklamation Ihrer Lieferung vom {date}",
            [
                "hiermit reklamiere ich die am {date} gelieferte Ware aus meiner "
                "Bestellung {ref}.",
                "Das Gerät weist bereits bei der ersten Inbetriebnahme erhebliche "
                "Mängel auf. Eine Nutzung ist nicht möglich.",
                "Ich bitte Sie daher, mir innerhalb von 14 Tagen ein mangelfreies "
                "Ersatzgerät zu liefern oder den Kaufpreis von {amount} zu erstatten.",
                "Eine Kopie der Rechnung sowie Fotos des Schadens liegen diesem "
                "Schreiben bei.",
            ],
        ),
        "kuendigung": (
            "Kündigung des Vertrages Nr. {ref}",
            [
                "hiermit kündige ich den oben genannten Vertrag fristgerecht zum "
                "nächstmöglichen Zeitpunkt, hilfsweise zum {date}.",
                "Bitte bestätigen Sie mir den Eingang dieser Kündigung sowie das "
                "Vertragsende schriftlich.",
                "Die Ihnen erteilte Einzugsermächtigung widerrufe ich zum "
                "Vertragsende.",
            ],
        ),
        "bescheid": (
            "Ihr Antrag vom {date}, Az. {ref}",
            [
                "wir haben Ihren Antrag geprüft und freuen uns, Ihnen mitteilen zu "
                "können, dass diesem entsprochen wird.",
                "Die Genehmigung gilt für die Dauer von zwölf Monaten ab dem Datum "
                "dieses Schreibens.",
                "Rechtsbehelfsbelehrung: Gegen diesen Bescheid kann innerhalb eines "
                "Monats nach Bekanntgabe Widerspruch erhoben werden.",
                "Dieses Schreiben wurde maschinell erstellt und ist ohne Unterschrift "
                "gültig.",
            ],
        ),
        "bewerbung": (
            "Bewerbung als {job}",
            [
                "mit großem Interesse habe ich Ihre Stellenanzeige gelesen und bewerbe "
                "mich hiermit um die Position als {job}.",
                "In meiner derzeitigen Tätigkeit bei {company} verantworte ich die "
                "Planung und Steuerung mehrerer Projekte.",
                "Über eine Einladung zu einem persönlichen Gespräch freue ich mich "
                "sehr.",
            ],
        ),
        "mahnung": (
            "Zahlungserinnerung",
            [
                "sicher haben Sie in der Hektik des Alltags übersehen, dass unsere "
                "Rechnung Nr. {ref} vom {date} über {amount} noch offen ist.",
                "Wir bitten Sie, den Betrag innerhalb der nächsten sieben Tage zu "
                "überweisen.",
                "Sollten Sie die Zahlung bereits veranlasst haben, betrachten Sie "
                "dieses Schreiben bitte als gegenstandslos.",
            ],
        ),
    },
    "nl": {
        "klacht": (
            "Klacht over bestelling {ref}",
            [
                "Op {date} heb ik bij {company} een product besteld dat beschadigd "
                "werd geleverd.",
                "Ik verzoek u het product binnen veertien dagen te vervangen of het "
                "aankoopbedrag van {amount} terug te betalen.",
                "Een kopie van de factuur en foto's van de schade treft u bijgaand "
                "aan.",
            ],
        ),
        "opzegging": (
            "Opzegging abonnement {ref}",
            [
                "Hierbij zeg ik mijn abonnement op per {date}.",
                "Graag ontvang ik een schriftelijke bevestiging van de opzegging en de "
                "einddatum.",
                "Wilt u de automatische incasso na de einddatum stopzetten?",
            ],
        ),
        "besluit": (
            "Besluit op uw aanvraag van {date}",
            [
                "Wij hebben uw aanvraag ontvangen en beoordeeld.",
                "Wij hebben besloten uw aanvraag toe te kennen. De vergunning is "
                "twaalf maanden geldig.",
                "Bent u het niet eens met dit besluit? Dan kunt u binnen zes weken "
                "bezwaar maken.",
            ],
        ),
    },
    "pl": {
        "reklamacja": (
            "Reklamacja zamówienia {ref}",
            [
                "W dniu {date} zakupiłem w firmie {company} towar, który okazał się "
                "wadliwy.",
                "Na podstawie przepisów o rękojmi żądam wymiany towaru na nowy lub "
                "zwrotu kwoty {amount}.",
                "W załączeniu przesyłam kopię paragonu oraz zdjęcia uszkodzeń.",
            ],
        ),
        "wypowiedzenie": (
            "Wypowiedzenie umowy nr {ref}",
            [
                "Niniejszym wypowiadam umowę z zachowaniem okresu wypowiedzenia, "
                "ze skutkiem na dzień {date}.",
                "Proszę o pisemne potwierdzenie otrzymania wypowiedzenia.",
                "Jednocześnie odwołuję zgodę na obciążanie mojego rachunku.",
            ],
        ),
        "decyzja": (
            "Odpowiedź na wniosek z dnia {date}",
            [
                "Uprzejmie informujemy, że Państwa wniosek został rozpatrzony "
                "pozytywnie.",
                "Od niniejszej decyzji przysługuje odwołanie w terminie 14 dni od "
                "dnia jej doręczenia.",
                "W razie pytań prosimy o kontakt z naszym biurem.",
            ],
        ),
    },
    "es": {
        "reclamacion": (
            "Reclamación del pedido {ref}",
            [
                "Por medio de la presente les comunico que el producto adquirido el "
                "{date} en {company} llegó dañado.",
                "Solicito la sustitución del producto o el reembolso de {amount} en "
                "un plazo de quince días.",
                "Adjunto copia de la factura y fotografías de los daños.",
            ],
        ),
        "baja": (
            "Solicitud de baja del contrato {ref}",
            [
                "Les comunico mi deseo de dar de baja el contrato indicado con efectos "
                "a partir del {date}.",
                "Ruego me envíen confirmación por escrito de la baja.",
                "Asimismo, solicito que no se carguen más recibos en mi cuenta.",
            ],
        ),
        "resolucion": (
            "Resolución de su solicitud de {date}",
            [
                "Una vez examinada la documentación aportada, le comunicamos que su "
                "solicitud ha sido estimada.",
                "Contra la presente resolución podrá interponer recurso en el plazo de "
                "un mes.",
                "Para cualquier consulta, puede dirigirse a nuestras oficinas.",
            ],
        ),
    },
    "it": {
        "reclamo": (
            "Reclamo relativo all'ordine {ref}",
            [
                "Con la presente desidero segnalare che il prodotto acquistato il "
                "{date} presso {company} è arrivato danneggiato.",
                "Chiedo pertanto la sostituzione del prodotto o il rimborso di "
                "{amount} entro quindici giorni.",
                "In allegato la copia della fattura e alcune fotografie del danno.",
            ],
        ),
        "disdetta": (
            "Disdetta del contratto n. {ref}",
            [
                "Con la presente comunico la disdetta del contratto in oggetto con "
                "decorrenza dal {date}.",
                "Vi prego di inviarmi conferma scritta della cessazione.",
                "Revoco inoltre l'autorizzazione all'addebito diretto sul mio conto.",
            ],
        ),
        "comunicazione": (
            "Esito della domanda del {date}",
            [
                "Con riferimento alla Sua domanda, siamo lieti di comunicarLe che la "
                "stessa è stata accolta.",
                "Avverso il presente provvedimento è ammesso ricorso entro sessanta "
                "giorni.",
                "Per ulteriori informazioni può rivolgersi ai nostri uffici.",
            ],
        ),
    },
}
JOBS = [
    "Project Manager",
    "Marketing Coordinator",
    "Software Engineer",
    "Accountant",
    "Office Manager",
    "Data Analyst",
    "Sales Representative",
]
PRODUCTS = [
    "washing machine",
    "laptop",
    "sofa",
    "coffee machine",
    "bicycle",
    "television",
    "vacuum cleaner",
]


def _fill(fk: Faker, text: str, ctx: dict) -> str:
    return text.format(**ctx)


def _context(fk: Faker) -> dict:
    return {
        "date": fk.fmt_date(fk.date(), "long"),
        "company": fk.company(),
        "ref": fk.code(fk.pick(["#####", "??-####", "####/##"])),
        "amount": fk.fmt_money(fk.money(40, 2400), fk.currency()),
        "product": fk.pick(PRODUCTS),
        "job": fk.pick(JOBS),
        "name": fk.person(),
    }


def _letter_blocks(
    fk: Faker,
    sender: list[str],
    recipient: list[str],
    signer: tuple[str, str],
    purpose: str | None = None,
) -> tuple:
    f = FRAME[fk.lang]
    ctx = _context(fk)
    purpose = purpose or fk.pick(list(PURPOSES[fk.lang]))
    subject, paragraphs = PURPOSES[fk.lang][purpose]
    body = (
        [paragraphs[0]]
        + fk.sample(
            paragraphs[1:-1],
            fk.randint(max(1, len(paragraphs) - 3), len(paragraphs) - 2),
        )
        + [paragraphs[-1]]
    )
    last = fk.last_name()
    dear = fk.pick(f["dear"]).format(
        title=fk.pick(f["titles"]), last=last, first=fk.first_name()
    )
    city = fk.city()
    when = fk.fmt_date(fk.date(), "long")
    dated = f"{city}, {when}" if fk.lang != "en" else when
    blocks = [Para("\n".join(sender), align=fk.pick(["L", "R"]))]
    if fk.chance(0.4):
        blocks.append(
            Para(
                f"{f['ref']}: {fk.code('??/###')}    {f['yref']}: {fk.code('####')}",
                size=8,
            )
        )
    blocks += [
        Space(4),
        Para("\n".join(recipient)),
        Space(3),
        Para(
            dated,
            align="R"
            if fk.lang in ("de", "fr", "it", "pl") and fk.chance(0.7)
            else "L",
        ),
        Para(f"{f['subject']} {_fill(fk, subject, ctx)}", bold=True),
        Para(dear),
    ]
    blocks += [Para(_fill(fk, p, ctx), align=fk.pick(["L", "J"])) for p in body]
    blocks += [Para(fk.pick(f["close"])), Space(8), Para(signer[0])]
    if signer[1]:
        blocks.append(Para(signer[1], italic=True))
    if fk.chance(0.3):
        blocks.append(Para(f"{f['encl']}: 1"))
    if fk.chance(0.2):
        blocks.append(Para(f"{f['cc']} {fk.person()}"))
    return blocks, _fill(fk, subject, ctx)


def business(fk: Faker) -> Doc:
    company = fk.company()
    sender = [company, *fk.address(), fk.phone()]
    if fk.chance(0.5):
        sender.append(fk.email("info", company))
    recipient = [fk.pick(FRAME[fk.lang]["titles"]) + " " + fk.person(), *fk.address()]
    signer = (fk.person(), fk.pick(SIGNER_ROLES[fk.lang]))
    blocks, subject = _letter_blocks(fk, sender, recipient, signer)
    return Doc("letter", fk.lang, "business", subject, blocks, random_style(fk))


SIGNER_ROLES = {
    "en": [
        "Customer Service Manager",
        "Director",
        "Head of Accounts",
        "Managing Director",
        "Office Manager",
        "",
    ],
    "fr": ["Directeur général", "Responsable du service client", "Gérante", ""],
    "de": ["Geschäftsführer", "Leiterin Kundenservice", "Buchhaltung", "i.A.", ""],
    "nl": ["Directeur", "Afdeling klantenservice", ""],
    "pl": ["Prezes Zarządu", "Dział obsługi klienta", ""],
    "es": ["Director general", "Departamento de atención al cliente", ""],
    "it": ["Amministratore delegato", "Ufficio clienti", ""],
}


def consumer(fk: Faker) -> Doc:
    person = fk.person()
    sender = [person, *fk.address()]
    recipient = [
        fk.company(),
        "Customer Service"
        if fk.lang == "en"
        else fk.pick(
            [
                "Service clients",
                "Kundenservice",
                "Klantenservice",
                "Dział obsługi klienta",
                "Atención al cliente",
                "Servizio clienti",
            ]
        ),
        *fk.address(),
    ]
    blocks, subject = _letter_blocks(fk, sender, recipient, (person, ""))
    return Doc("letter", fk.lang, "consumer", subject, blocks, random_style(fk))


def official(fk: Faker) -> Doc:
    agency = {
        "en": [
            "Department of Housing",
            "Office of the City Clerk",
            "Revenue Service, Regional Office",
            "Ministry of Transport",
        ],
        "fr": [
            "Préfecture de la Gironde",
            "Mairie de Lyon – Service état civil",
            "Caisse d'allocations familiales",
        ],
        "de": [
            "Landratsamt Nordkreis",
            "Bezirksamt Mitte – Bürgeramt",
            "Finanzamt Süd",
        ],
        "nl": ["Gemeente Utrecht", "Belastingdienst"],
        "pl": ["Urząd Miasta Krakowa", "Urząd Skarbowy"],
        "es": ["Ayuntamiento de Valencia", "Agencia Tributaria"],
        "it": ["Comune di Bologna", "Agenzia delle Entrate"],
    }[fk.lang]
    name = fk.pick(agency)
    sender = [name, *fk.address()]
    recipient = [fk.person(), *fk.address()]
    purpose = {
        "en": "official",
        "fr": "administration",
        "de": "bescheid",
        "nl": "besluit",
        "pl": "decyzja",
        "es": "resolucion",
        "it": "comunicazione",
    }[fk.lang]
    blocks, subject = _letter_blocks(
        fk,
        sender,
        recipient,
        (fk.person(), fk.pick(["", "Case officer", "i.A."])),
        purpose,
    )
    return Doc(
        "letter",
        fk.lang,
        "official",
        subject,
        blocks,
        random_style(fk, font=fk.pick(["DejaVuSans", "DejaVuSerif"])),
    )


def legal_notice(fk: Faker) -> Doc:
    """Build a takedown or legal request written as Markdown-friendly paragraphs."""
    authority = fk.pick(
        [
            "Office of the Attorney General",
            "National Media Regulator",
            "Copyright Enforcement Unit",
            "Ministry of Public Security, Cyber Division",
        ]
    )
    date = fk.date()
    ctx = _context(fk) | {"company": authority}
    subject, paragraphs = PURPOSES["en"]["takedown"]
    blocks = [
        Heading(f"{authority}", 2),
        Para(fk.fmt_date(date, "long")),
        Para(f"To: Legal Department, {fk.company('en')}"),
        Para(f"Subject: {subject}", bold=True),
        Para("Dear Sir or Madam,"),
    ]
    blocks += [Para(p.format(**ctx)) for p in paragraphs[:3]]
    urls = [
        f"https://{fk.pick(['example.com', 'example.org'])}/"
        f"{fk.slug(fk.last_name())}/{fk.slug(fk.first_name())}-{fk.digits(3)}"
        for _ in range(fk.randint(1, 6))
    ]
    from ..blocks import Bullets

    blocks += [Bullets(urls)] + [Para(p.format(**ctx)) for p in paragraphs[3:]]
    blocks += [
        Para("Sincerely,"),
        Para(fk.person()),
        Para(
            fk.pick(["Legal Counsel", "Director", "Senior Investigator"]), italic=True
        ),
    ]
    return Doc("letter", "en", "legal_notice", subject, blocks, random_style(fk))


def personal(fk: Faker) -> Doc:
    name = fk.first_name()
    events = [
        "the move went well and the new flat finally feels like home",
        "the garden is full of tomatoes this summer",
        "work has been busy but I managed a week by the sea",
        "the children have started at their new school",
        "I have taken up painting again after all these years",
    ]
    para = [
        f"Dear {name},",
        "Thank you so much for your lovely letter. It was "
        "wonderful to hear from you after such a long time.",
        f"Here everything is fine: {fk.pick(events)}, and {fk.pick(events)}.",
        "We would love to see you when you are next in town. Do let me know "
        "your plans, and give my best wishes to everyone.",
        fk.pick(["With love,", "Warmest wishes,", "All the best,", "Fondly,"]),
        fk.first_name(),
    ]
    when = fk.fmt_date(fk.date(), "long", lang="en")
    blocks = [Para(f"{fk.address('en')[1]}\n{when}", align="R")]
    blocks += [Para(p) for p in para]
    return Doc(
        "letter",
        "en",
        "personal",
        f"Letter to {name}",
        blocks,
        random_style(fk, font="DejaVuSerif"),
    )


SHORT_NOTES = [
    (
        "To Whom it May Concern:",
        [
            "This letter confirms that {n1} boxes of supplies and {n2} chairs were "
            "delivered to our site on {date}. The delivery was complete and in good "
            "condition.",
            "This is to certify that {name} has been employed by our company since "
            "{date} as a full-time member of staff.",
            "Please accept this letter as confirmation that the account in the name of "
            "{name} was closed on {date} with a zero balance.",
            "We confirm receipt of your payment of {amount} on {date}. Thank you.",
        ],
    ),
    (
        "Dear Neighbour,",
        [
            "We will be having work done on our roof from {date} for about two weeks. "
            "We apologise in advance for any noise and will make sure the driveway "
            "stays clear.",
            "Our family is hosting a small garden party on {date}. You are warmly "
            "invited to join us from 4 p.m.",
        ],
    ),
]


def short_note(fk: Faker) -> Doc:
    """Build a short confirmation or notice letter of a few lines."""
    greeting, bodies = fk.pick(SHORT_NOTES)
    ctx = _context(fk) | {"n1": fk.randint(5, 900), "n2": fk.randint(2, 60)}
    blocks = [
        Para(fk.fmt_date(fk.date(), "long", lang="en")),
        Para(greeting),
        Para(fk.pick(bodies).format(**ctx)),
    ]
    if fk.chance(0.4):
        blocks.append(
            Para(
                "Should you require further information, please contact "
                "me at the address above."
            )
        )
    blocks += [
        Para(fk.pick(["Best Regards,", "Sincerely,", "Yours truly,"])),
        Para(fk.pick([fk.first_name("en"), fk.person("en")])),
    ]
    if fk.chance(0.5):
        blocks.insert(
            0, Para("\n".join([fk.company("en"), *fk.address("en")]), bold=False)
        )
    return Doc("letter", "en", "short_note", greeting, blocks, random_style(fk))


TEMPLATES = [
    ("business", business, ALL_LANGS),
    ("consumer", consumer, ALL_LANGS),
    ("official", official, ALL_LANGS),
    ("legal_notice", legal_notice, ("en",)),
    ("personal", personal, ("en",)),
    ("short_note", short_note, ("en",)),
]
