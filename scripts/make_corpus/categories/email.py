"""E-mails with RFC 822 headers: work threads, support, newsletters, alerts."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

from ..blocks import Bullets, Doc, Heading, Mono, Para, Rule, Table
from ..fake import Faker
from ._common import ALL_LANGS

WORK = {
    "en": {
        "hi": [
            "Hi {first},",
            "Hello {first},",
            "Dear {first},",
            "{first},",
            "Hi all,",
            "Good morning,",
        ],
        "bye": [
            "Thanks,",
            "Best,",
            "Kind regards,",
            "Cheers,",
            "Best regards,",
            "Thanks in advance,",
        ],
        "topics": [
            (
                "Q{q} budget review",
                [
                    "Could you send me the updated figures for the Q{q} budget review "
                    "before Thursday? Finance needs them for the board pack.",
                    "I have gone through the draft and left a few comments in the "
                    "shared folder. The travel line looks high compared with last "
                    "quarter.",
                    "Let me know if it would be easier to go through it on a quick "
                    "call tomorrow afternoon.",
                ],
            ),
            (
                "Meeting moved to {day}",
                [
                    "Just a heads-up that our weekly sync has moved to {day} at 10:30 "
                    "because of the client workshop.",
                    "The agenda stays the same. Please add any topics to the document "
                    "by end of day.",
                    "Apologies for the short notice.",
                ],
            ),
            (
                "Re: contract renewal with {company}",
                [
                    "Thanks for forwarding this. I spoke with their account manager "
                    "this morning and they are open to a two-year renewal at the "
                    "current rate.",
                    "Legal still needs to review the new liability clause, so I "
                    "suggest we hold off signing until next week.",
                    "I'll circulate a summary once we have their comments.",
                ],
            ),
            (
                "Server maintenance this weekend",
                [
                    "We will be patching the production database servers on Saturday "
                    "between 22:00 and 02:00.",
                    "Expect short interruptions to the reporting dashboard during "
                    "that window. No action is needed on your side.",
                    "Reply to this e-mail if the timing clashes with anything "
                    "critical.",
                ],
            ),
            (
                "Onboarding for {first2}",
                [
                    "{first2} joins the team on Monday. Could you make sure the laptop "
                    "and accounts are ready by then?",
                    "I have booked the meeting room for an introduction at 9:30 and "
                    "lunch with the team afterwards.",
                    "Thanks for helping make the first week a good one.",
                ],
            ),
            (
                "Invoice {ref} query",
                [
                    "We received invoice {ref} yesterday, but the amount does not "
                    "match the purchase order.",
                    "Could you check whether the discount we agreed in March has been "
                    "applied?",
                    "Once we have a corrected copy we will process payment "
                    "immediately.",
                ],
            ),
            (
                "Family day on {day}",
                [
                    "We are organising a family day at the park on {day}. Bring your "
                    "partners and kids!",
                    "There will be a barbecue, games for the children and a small "
                    "raffle. Please let me know by Friday how many of you are "
                    "coming.",
                    "Looking forward to seeing everyone there.",
                ],
            ),
        ],
    },
    "fr": {
        "hi": [
            "Bonjour {first},",
            "Bonjour à tous,",
            "Chère {first},",
            "Cher {first},",
            "Madame, Monsieur,",
        ],
        "bye": [
            "Cordialement,",
            "Bien à vous,",
            "Bonne journée,",
            "Merci d'avance,",
            "Belle journée,",
        ],
        "topics": [
            (
                "Réunion de suivi du projet",
                [
                    "Je vous propose de faire un point sur l'avancement du projet "
                    "{day} à 14h en salle 3.",
                    "Merci de préparer un court bilan de vos tâches et des éventuels "
                    "points bloquants.",
                    "N'hésitez pas à me dire si ce créneau ne vous convient pas.",
                ],
            ),
            (
                "Devis demandé",
                [
                    "Suite à notre échange téléphonique, vous trouverez ci-joint le "
                    "devis pour la prestation demandée.",
                    "Le devis est valable un mois. Nous pouvons démarrer dès réception "
                    "du bon pour accord.",
                    "Je reste à votre disposition pour toute question.",
                ],
            ),
            (
                "Absence {day}",
                [
                    "Je serai absente {day} pour raisons personnelles.",
                    "En cas d'urgence, merci de contacter {first2} qui assure "
                    "l'intérim.",
                    "Je traiterai vos messages à mon retour.",
                ],
            ),
            (
                "Facture {ref}",
                [
                    "Nous n'avons pas encore reçu le règlement de la facture {ref}.",
                    "Pourriez-vous vérifier auprès de votre service comptable ?",
                    "Merci par avance pour votre retour.",
                ],
            ),
        ],
    },
    "de": {
        "hi": [
            "Hallo {first},",
            "Liebe Kolleginnen und Kollegen,",
            "Sehr geehrte Damen und Herren,",
            "Guten Morgen {first},",
            "Sehr geehrter Herr {last},",
        ],
        "bye": [
            "Viele Grüße",
            "Beste Grüße",
            "Mit freundlichen Grüßen",
            "LG",
            "Danke und Gruß",
        ],
        "topics": [
            (
                "Terminverschiebung Projektbesprechung",
                [
                    "die für Donnerstag geplante Projektbesprechung muss leider auf "
                    "{day} verschoben werden.",
                    "Die Tagesordnung bleibt unverändert. Bitte bringt eure aktuellen "
                    "Zahlen mit.",
                    "Danke für euer Verständnis.",
                ],
            ),
            (
                "Angebot Nr. {ref}",
                [
                    "vielen Dank für Ihre Anfrage. Anbei erhalten Sie unser Angebot.",
                    "Das Angebot ist 30 Tage gültig. Bei Fragen stehe ich Ihnen gerne "
                    "zur Verfügung.",
                    "Wir freuen uns auf Ihre Rückmeldung.",
                ],
            ),
            (
                "Urlaubsvertretung",
                [
                    "ich bin vom {day} an zwei Wochen im Urlaub.",
                    "In dringenden Fällen wendet euch bitte an {first2}.",
                    "Die offenen Tickets habe ich im System übergeben.",
                ],
            ),
            (
                "Rückfrage zur Rechnung {ref}",
                [
                    "bei der Prüfung der Rechnung {ref} ist uns aufgefallen, dass die "
                    "Mengen nicht mit dem Lieferschein übereinstimmen.",
                    "Könnten Sie das bitte prüfen und uns eine korrigierte Rechnung "
                    "senden?",
                    "Vielen Dank im Voraus.",
                ],
            ),
        ],
    },
    "nl": {
        "hi": ["Hoi {first},", "Beste {first},", "Goedemorgen,"],
        "bye": ["Groet,", "Met vriendelijke groet,", "Groetjes,"],
        "topics": [
            (
                "Overleg verplaatst",
                [
                    "Het overleg van donderdag is verplaatst naar {day}.",
                    "De agenda blijft gelijk. Laat even weten als je niet kunt.",
                    "Bedankt!",
                ],
            ),
            (
                "Offerte {ref}",
                [
                    "Hierbij stuur ik je de offerte zoals besproken.",
                    "De offerte is dertig dagen geldig.",
                    "Ik hoor graag of je akkoord bent.",
                ],
            ),
        ],
    },
    "pl": {
        "hi": ["Dzień dobry,", "Cześć {first},", "Szanowni Państwo,"],
        "bye": ["Pozdrawiam,", "Z poważaniem,", "Miłego dnia,"],
        "topics": [
            (
                "Zmiana terminu spotkania",
                [
                    "Uprzejmie informuję, że spotkanie zostało przeniesione na {day}.",
                    "Porządek obrad pozostaje bez zmian.",
                    "Proszę o potwierdzenie obecności.",
                ],
            ),
            (
                "Faktura {ref}",
                [
                    "W załączeniu przesyłam fakturę {ref} za usługi z ubiegłego "
                    "miesiąca.",
                    "Termin płatności to 14 dni.",
                    "W razie pytań pozostaję do dyspozycji.",
                ],
            ),
        ],
    },
    "es": {
        "hi": ["Hola {first},", "Buenos días,", "Estimado {first}:"],
        "bye": ["Saludos,", "Un saludo,", "Atentamente,", "Gracias,"],
        "topics": [
            (
                "Cambio de fecha de la reunión",
                [
                    "Os escribo para informaros de que la reunión se traslada al "
                    "{day}.",
                    "El orden del día no cambia.",
                    "Confirmadme asistencia, por favor.",
                ],
            ),
            (
                "Presupuesto {ref}",
                [
                    "Adjunto el presupuesto que nos solicitó.",
                    "Tiene una validez de treinta días.",
                    "Quedo a la espera de sus noticias.",
                ],
            ),
        ],
    },
    "it": {
        "hi": ["Ciao {first},", "Buongiorno,", "Gentile {first},", "Gentili colleghi,"],
        "bye": ["Saluti,", "Cordiali saluti,", "A presto,", "Grazie mille,"],
        "topics": [
            (
                "Riunione spostata a {day}",
                [
                    "vi informo che la riunione di giovedì è stata spostata a {day}.",
                    "L'ordine del giorno resta invariato.",
                    "Fatemi sapere se avete problemi con il nuovo orario.",
                ],
            ),
            (
                "Preventivo {ref}",
                [
                    "come concordato telefonicamente, le invio in allegato il "
                    "preventivo richiesto.",
                    "L'offerta è valida trenta giorni.",
                    "Resto a disposizione per qualsiasi chiarimento.",
                ],
            ),
            (
                "Festa aziendale",
                [
                    "quest'anno la festa aziendale si terrà {day} nel giardino della "
                    "sede.",
                    "Ci saranno musica, buffet e giochi per i bambini.",
                    "Vi chiedo di confermare la partecipazione entro venerdì.",
                ],
            ),
        ],
    },
}
DAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi"],
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"],
    "nl": ["maandag", "dinsdag", "woensdag", "vrijdag"],
    "pl": ["poniedziałek", "wtorek", "środę", "piątek"],
    "es": ["lunes", "martes", "miércoles", "viernes"],
    "it": ["lunedì", "martedì", "mercoledì", "venerdì"],
}
REPLY_INTRO = {
    "en": "On {date}, {name} <{addr}> wrote:",
    "fr": "Le {date}, {name} <{addr}> a écrit :",
    "de": "Am {date} schrieb {name} <{addr}>:",
    "nl": "Op {date} schreef {name} <{addr}>:",
    "pl": "W dniu {date} {name} <{addr}> napisał(a):",
    "es": "El {date}, {name} <{addr}> escribió:",
    "it": "Il giorno {date} {name} <{addr}> ha scritto:",
}
MAILERS = [
    "Microsoft Outlook 16.0",
    "Apple Mail (2.3731)",
    "Thunderbird 115.6.0",
    "Roundcube Webmail/1.6.5",
    "",
]


def _when(fk: Faker) -> dt.datetime:
    day = fk.date(2019, 2025)
    tz = dt.timezone(dt.timedelta(hours=fk.pick([-5, -4, 0, 1, 2])))
    return dt.datetime(
        day.year,
        day.month,
        day.day,
        fk.randint(7, 19),
        fk.randint(0, 59),
        fk.randint(0, 59),
        tzinfo=tz,
    )


def _headers(
    fk: Faker,
    sender: str,
    s_addr: str,
    to: list[tuple[str, str]],
    subject: str,
    when: dt.datetime,
    extra: dict | None = None,
) -> dict:
    headers = {
        "From": f"{sender} <{s_addr}>",
        "To": ", ".join(f"{n} <{a}>" if n else a for n, a in to),
        "Subject": subject,
        "Date": format_datetime(when),
        "Message-ID": f"<{fk.code('????####.####')}@{s_addr.split('@')[1]}>",
    }
    if fk.chance(0.25):
        name = fk.person()
        headers["Cc"] = f"{name} <{fk.email(name)}>"
    mailer = fk.pick(MAILERS)
    if mailer:
        headers["X-Mailer"] = mailer
    headers.update(extra or {})
    return headers


def work(fk: Faker) -> Doc:
    w = WORK[fk.lang]
    company = fk.company()
    sender, recipient = fk.person(), fk.person()
    s_addr = fk.email(sender, company)
    r_addr = fk.email(recipient, company)
    subject, paras = fk.pick(w["topics"])
    ctx = {
        "q": fk.randint(1, 4),
        "day": fk.pick(DAYS[fk.lang]),
        "company": fk.company(),
        "first2": fk.first_name(),
        "ref": fk.code("####"),
        "first": recipient.split()[0],
        "last": recipient.split()[-1],
    }
    subject = subject.format(**ctx)
    reply = fk.chance(0.35)
    when = _when(fk)
    extra = {}
    if reply:
        subject = ("AW: " if fk.lang == "de" else "Re: ") + subject
        extra["In-Reply-To"] = f"<{fk.code('????####')}@{r_addr.split('@')[1]}>"
    blocks = [Para(fk.pick(w["hi"]).format(**ctx))]
    blocks += [Para(p.format(**ctx)) for p in paras[: fk.randint(2, len(paras))]]
    blocks += [Para(fk.pick(w["bye"])), Para(sender.split()[0])]
    if fk.chance(0.6):
        blocks.append(
            Mono(
                [
                    "-- ",
                    sender,
                    fk.pick(
                        [
                            "Project Manager",
                            "Buyer",
                            "Account Executive",
                            "IT Operations",
                            "HR",
                        ]
                    ),
                    company,
                    fk.phone(),
                ]
            )
        )
    if reply:
        earlier = when - dt.timedelta(hours=fk.randint(1, 50))
        intro = REPLY_INTRO[fk.lang].format(
            date=format_datetime(earlier), name=recipient, addr=r_addr
        )
        quoted = [intro] + [
            "> " + line
            for line in [
                fk.pick(w["hi"]).format(**(ctx | {"first": sender.split()[0]})),
                "",
                *[p.format(**ctx) for p in fk.sample(paras, 1)],
                "",
                recipient.split()[0],
            ]
        ]
        blocks.append(Mono(quoted))
    headers = _headers(fk, sender, s_addr, [(recipient, r_addr)], subject, when, extra)
    doc = Doc("email", fk.lang, "work", subject, blocks, headers=headers)
    if fk.chance(0.25):
        doc.attachments.append(_attachment(fk))
    return doc


def _attachment(fk: Faker) -> tuple[str, str, bytes]:
    """Return a small calendar, CSV or text attachment."""
    kind = fk.pick(["ics", "csv", "txt"])
    if kind == "ics":
        start = fk.date()
        body = (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
            f"DTSTART:{start:%Y%m%d}T{fk.randint(8, 16):02d}0000Z\r\n"
            f"SUMMARY:{fk.pick(['Project sync', 'Review', 'Planning'])}\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        return "invite.ics", "text/calendar", body.encode()
    if kind == "csv":
        rows = ["item,quantity,amount"]
        for _ in range(fk.randint(3, 10)):
            code = f"{fk.pick(['A', 'B', 'C'])}{fk.digits(3)}"
            rows.append(f"{code},{fk.randint(1, 50)},{fk.money(5, 900)}")
        return "figures.csv", "text/csv", ("\n".join(rows) + "\n").encode()
    return "notes.txt", "text/plain", b"Notes from the call.\n"


def support(fk: Faker) -> Doc:
    product = fk.pick(["Cloudnest", "Taskly", "Pixelhub", "Shopora", "Tracklane"])
    customer = fk.person("en")
    agent = fk.first_name("en")
    ticket = fk.digits(6)
    problem = fk.pick(
        [
            "Cannot log in",
            "Refund request",
            "Billing question",
            "Export not working",
            "Account locked",
        ]
    )
    subject = f"[{product} Support] Re: {problem} (Ticket #{ticket})"
    blocks = [
        Para(f"Hi {customer.split()[0]},"),
        Para(
            f"Thanks for contacting {product} Support. I'm sorry to hear "
            "about the trouble you've been having."
        ),
        Para(
            fk.pick(
                [
                    "I've reset your two-factor settings. You should now be able to "
                    "sign in with your password and set up a new authenticator.",
                    "I've issued a refund to your original payment method. Please "
                    "allow 5-10 business days for it to appear on your statement.",
                    "Our engineers have identified the issue with CSV exports and a "
                    "fix will be deployed later this week.",
                    "Your plan renews on the 1st of each month. You can download all "
                    "past invoices from Settings > Billing.",
                ]
            )
        ),
        Para(
            "If there's anything else I can help with, just reply to this "
            "email and the conversation will continue in the same ticket."
        ),
        Para(f"Best,\n{agent}\n{product} Customer Support"),
        Rule(),
        Para(
            f"Ticket #{ticket} · How would you rate my reply? Great / Okay / Not good",
            size=8,
        ),
    ]
    headers = _headers(
        fk,
        f"{agent} ({product} Support)",
        f"support@{product.lower()}.example",
        [(customer, fk.email(customer))],
        subject,
        _when(fk),
        {"Reply-To": f"support+{ticket}@{product.lower()}.example"},
    )
    return Doc("email", "en", "support", subject, blocks, headers=headers)


def newsletter(fk: Faker) -> Doc:
    brand = fk.pick(
        [
            "Greenleaf Gardening",
            "Urban Cyclist",
            "The Data Digest",
            "Trailhead Outdoors",
            "Bookworm Monthly",
        ]
    )
    month = fk.date()
    issue = fk.pick(["This month", "New arrivals", "Spring sale", "Issue #{n}"])
    subject = f"{brand}: {issue.format(n=fk.randint(10, 150))}"
    items = fk.sample(
        [
            "Five tips for better sleep before a long ride",
            "Our top picks under $50",
            "Community spotlight: meet our readers",
            "Event recap and photos",
            "What's new in the app",
            "Behind the scenes at our warehouse",
            "Reader survey results",
        ],
        fk.randint(3, 5),
    )
    blocks = [
        Heading(subject, 1),
        Para(f"{fk.fmt_date(month, 'long', lang='en')}", italic=True),
    ]
    for item in items:
        blocks += [
            Heading(item, 2),
            Para(
                fk.pick(
                    [
                        "Read the full story on our blog and let us know what you think.",
                        "Members get early access and free shipping on orders over $40.",
                        "Thanks to everyone who joined us. See you at the next one!",
                        "We asked, you answered. Here are the highlights.",
                    ]
                )
            ),
        ]
    blocks += [
        Rule(),
        Para(
            f"You are receiving this email because you subscribed "
            f"to {brand}. Unsubscribe | Update preferences | View "
            "in browser",
            size=7,
        ),
        Para(", ".join(fk.address("en")), size=7),
    ]
    addr = f"news@{fk.slug(brand.split()[0])}.example"
    reader = fk.person("en")
    headers = _headers(
        fk,
        brand,
        addr,
        [("", fk.email(reader))],
        subject,
        _when(fk),
        {
            "List-Unsubscribe": f"<mailto:unsubscribe@{addr.split('@')[1]}>",
            "Precedence": "bulk",
        },
    )
    return Doc("email", "en", "newsletter", subject, blocks, headers=headers)


def notification(fk: Faker) -> Doc:
    svc = fk.pick(["Shopora", "Parcelio", "Cloudnest", "CityBank Online", "Calendar"])
    user = fk.person("en")
    kind = fk.pick(["shipping", "password", "invite", "security"])
    if kind == "shipping":
        subject = f"Your order #{fk.digits(8)} has shipped"
        body = [
            Para(f"Hi {user.split()[0]},"),
            Para("Good news! Your package is on its way."),
            Table(
                ["Carrier", "Tracking number", "Estimated delivery"],
                [
                    [
                        fk.pick(["UPS", "DHL", "FedEx", "PostNL"]),
                        fk.code("1Z###?##########"),
                        fk.fmt_date(fk.date(), "long", lang="en"),
                    ]
                ],
            ),
            Para("Track your package any time from Your Orders."),
        ]
    elif kind == "password":
        subject = "Reset your password"
        body = [
            Para(f"Hello {user.split()[0]},"),
            Para(
                f"We received a request to reset the password for your {svc} "
                "account. Click the link below to choose a new password. "
                "This link expires in 60 minutes."
            ),
            Para(
                f"https://{svc.lower().replace(' ', '')}.example/reset/"
                f"{fk.code('??##??##??##')}"
            ),
            Para("If you didn't request this, you can safely ignore this email."),
        ]
    elif kind == "invite":
        when = fk.date()
        day = fk.fmt_date(when, "long", lang="en")
        subject = f"Invitation: Quarterly planning @ {day} 2pm - 3pm"
        body = [
            Para(f"{fk.person('en')} has invited you to an event."),
            Table(
                [],
                [
                    ["When", f"{fk.fmt_date(when, 'long', lang='en')} 2pm – 3pm (CET)"],
                    ["Where", fk.pick(["Room 4.12", "Video call"])],
                    ["Guests", ", ".join(fk.person("en") for _ in range(3))],
                ],
            ),
            Para("Going? Yes - Maybe - No"),
            Para(
                "Invitation from the calendar app. You are receiving this "
                "email because you are an attendee on the event.",
                size=7,
            ),
        ]
    else:
        subject = f"Security alert: new sign-in to your {svc} account"
        body = [
            Para(f"Hi {user.split()[0]},"),
            Para(f"Your {svc} account was just signed in to from a new device."),
            Table(
                [],
                [
                    ["Device", fk.pick(["Windows PC", "iPhone", "Mac"])],
                    ["Location", fk.city("en")],
                    ["Time", format_datetime(_when(fk))],
                ],
            ),
            Para(
                "If this was you, you don't need to do anything. If not, "
                "secure your account now."
            ),
        ]
    sender = f"no-reply@{fk.slug(svc)}.example"
    headers = _headers(
        fk,
        svc,
        sender,
        [(user, fk.email(user))],
        subject,
        _when(fk),
        {"Auto-Submitted": "auto-generated"},
    )
    return Doc("email", "en", "notification", subject, body, headers=headers)


def mailing_list(fk: Faker) -> Doc:
    project = fk.pick(["libfoo", "openwidget", "pyquark", "datasail", "rustybox"])
    author = fk.person("en")
    version = f"{fk.randint(0, 4)}.{fk.randint(0, 20)}.{fk.randint(0, 9)}"
    subject = fk.pick(
        [
            f"[{project}-dev] [ANN] {project} {version} released",
            f"[{project}-dev] RFC: drop support for Python 3.8",
            f"[{project}-users] Build failure on ARM64 with {version}",
        ]
    )
    blocks = [
        Para("Hi everyone,"),
        Para(
            fk.pick(
                [
                    f"I'm happy to announce the release of {project} "
                    f"{version}. This release contains bug fixes and a few "
                    "new features.",
                    "I'd like to propose that we stop testing against "
                    "older interpreters in the next minor release.",
                    "After upgrading, the build fails with a linker error. "
                    "Has anyone seen this before?",
                ]
            )
        ),
        Bullets(
            fk.sample(
                [
                    "Fixed a crash when parsing empty input",
                    "Improved performance of the streaming API",
                    "Added type hints to the public interface",
                    "Documentation updates",
                    "CI now runs on Windows",
                    "Deprecated the legacy config format",
                ],
                3,
            )
        ),
        Para("Feedback welcome, either here or on the issue tracker."),
        Para(f"Thanks,\n{author.split()[0]}"),
        Mono(
            [
                "_______________________________________________",
                f"{project}-dev mailing list",
                f"{project}-dev@lists.example.org",
                f"https://lists.example.org/mailman/listinfo/{project}-dev",
            ]
        ),
    ]
    headers = _headers(
        fk,
        author,
        fk.email(author),
        [("", f"{project}-dev@lists.example.org")],
        subject,
        _when(fk),
        {"List-Id": f"<{project}-dev.lists.example.org>"},
    )
    return Doc("email", "en", "mailing_list", subject, blocks, headers=headers)


PERSONAL = {
    "en": (
        "Photos from the weekend",
        [
            "Hi {first},",
            "It was so good to see you "
            "on Saturday! I've put the photos in a shared album, the link is "
            "below.",
            "Let's not wait another year before the next get-together.",
            "Love,",
        ],
    ),
    "fr": (
        "Les photos du week-end",
        [
            "Coucou {first},",
            "Quel plaisir de vous "
            "avoir vus samedi ! Je t'envoie les photos en pièce jointe.",
            "On se refait ça bientôt ?",
            "Bises,",
        ],
    ),
    "de": (
        "Fotos vom Wochenende",
        [
            "Hallo {first},",
            "schön, dass ihr am Samstag "
            "da wart! Die Fotos habe ich dir in ein Album hochgeladen.",
            "Lass uns bald wieder etwas ausmachen.",
            "Liebe Grüße",
        ],
    ),
    "nl": (
        "Foto's van het weekend",
        [
            "Hoi {first},",
            "Wat was het gezellig zaterdag! De foto's staan in het gedeelde album.",
            "Snel weer afspreken?",
            "Groetjes,",
        ],
    ),
    "pl": (
        "Zdjęcia z weekendu",
        [
            "Cześć {first},",
            "Fajnie było się spotkać w sobotę! Zdjęcia wrzuciłam do wspólnego albumu.",
            "Umówmy się znowu niedługo.",
            "Buziaki,",
        ],
    ),
    "es": (
        "Fotos del fin de semana",
        [
            "¡Hola {first}!",
            "¡Qué bien lo pasamos el sábado! Te paso las fotos en el álbum compartido.",
            "A ver si repetimos pronto.",
            "Un abrazo,",
        ],
    ),
    "it": (
        "Foto del weekend",
        [
            "Ciao {first},",
            "che bello vedervi sabato! Ti ho caricato le foto nell'album condiviso.",
            "Ci vediamo presto, spero.",
            "Un abbraccio,",
        ],
    ),
}


def personal(fk: Faker) -> Doc:
    """Build a short personal e-mail between friends or relatives."""
    subject, lines = PERSONAL[fk.lang]
    sender, recipient = fk.person(), fk.person()
    provider = fk.pick(["mail.example", "post.example", "example.net"])
    s_addr = f"{fk.slug(sender.split()[0])}.{fk.slug(sender.split()[-1])}@{provider}"
    r_addr = fk.email(recipient)
    ctx = {"first": recipient.split()[0]}
    blocks = [Para(line.format(**ctx)) for line in lines]
    blocks += [
        Para(f"https://photos.example/album/{fk.code('??##??##')}"),
        Para(sender.split()[0]),
    ]
    if fk.chance(0.3):
        blocks.append(
            Para(
                fk.pick(
                    [
                        "Sent from my phone",
                        "Envoyé de mon téléphone",
                        "Von meinem Smartphone gesendet",
                    ]
                ),
                size=8,
            )
        )
    headers = _headers(fk, sender, s_addr, [(recipient, r_addr)], subject, _when(fk))
    return Doc("email", fk.lang, "personal", subject, blocks, headers=headers)


TEMPLATES = [
    ("work", work, ALL_LANGS),
    ("personal", personal, ALL_LANGS),
    ("support", support, ("en",)),
    ("newsletter", newsletter, ("en",)),
    ("notification", notification, ("en",)),
    ("mailing_list", mailing_list, ("en",)),
]
