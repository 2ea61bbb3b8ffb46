"""Frequent words of the languages docflow judges text in, shipped offline.

Each list contains function words and very common content words, lower case,
written for docflow from general knowledge of each language. Together they
cover a large share of the running words of ordinary prose, which is what
the garbage-text check and the language guess need; they are not
dictionaries. Lists are space separated so the module stays small to read.
"""

from __future__ import annotations

__all__ = ["FREQUENT_WORDS"]

_EN = """
the of and to a in is it that for on was with as be by at this are from or an
not have has had but which they you he she we i his her their our its will would
can could should may must been were there here all any each more most other some
such no nor only own same so than too very just also into over under about after
before between through during without within upon out up down off again further
then once when where why how what who whom these those do does did doing being
one two three first new per date total amount page number name address phone
email please thank dear sincerely regards yours following below above us me my
your them him if because while both few until against same time year years day
days month invoice payment order account report section table figure agreement
party parties shall hereby herein company service services customer client
information use used using may include including provide provided within terms
make made work well see like get people way part general data system based
between results result case number price tax paid due balance net gross
"""

_FR = """
le la les de des du un une et en est que qui dans pour par sur au aux ce cette
ces il elle ils elles nous vous je tu on ne pas plus se sa son ses leur leurs
avec sans sous mais ou donc ni car comme été être avoir fait faire a ont sont
était tout tous toute toutes autre autres même aussi bien très peu entre vers
chez dont où si lors après avant depuis pendant contre selon ainsi alors
encore déjà toujours jamais rien personne chaque quelque quelques notre nos
votre vos mon ma mes ton ta tes lui leur y cela ceci ça celui celle ceux
date montant total facture paiement commande client société contrat article
page nom adresse téléphone merci madame monsieur veuillez agréer cordialement
prix taxe tva net brut compte rapport année jour mois services partie parties
conditions présent présente selon sera seront peut doit
"""

_DE = """
der die das und in den von zu mit ist im dem nicht ein eine als auch es an
werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über
einen so zum war haben nur oder aber vor zur bis mehr durch man sein wurde sei
ich du wir ihr uns euch mich dich sich ihn ihm ihnen kein keine diese dieser
dieses jeder jede jedes alle allem allen aller bereits sowie gegen ohne unter
zwischen während wenn weil ob denn doch schon sehr hier dort dann also wo was
wer wie warum datum betrag gesamt summe rechnung zahlung bestellung kunde
firma vertrag seite name adresse telefon vielen dank sehr geehrte damen herren
mit freundlichen grüßen preis steuer mwst netto brutto konto bericht jahr tag
monat leistung leistungen bitte gemäß sowie können kann muss soll
"""

_NL = """
de het een en van in is dat op te zijn voor met die niet aan er om ook als
bij of door naar maar dan uit nog wel kan worden wordt werd tot over heeft
hebben was waren zal zou geen meer al deze dit die onze ons hun haar zijn hij
zij wij ik je jij u uw mijn mij hem hen wat wie waar hoe waarom omdat want
dus toch nu hier daar alle alles elk elke iets niets veel weinig zeer heel
na voor tussen tijdens zonder onder boven tegen sinds datum bedrag totaal
factuur betaling bestelling klant bedrijf overeenkomst pagina naam adres
telefoon dank hartelijk geachte heer mevrouw met vriendelijke groet prijs
btw netto bruto rekening verslag jaar dag maand diensten volgens moet kunnen
"""

_PL = """
i w na z do się nie to że jest o od po jak a ale tak za co przez dla jego jej
ich ten ta te tego tej tym tych który która które którego było być będzie są
jest został została zostało może można tylko także również już jeszcze bardzo
oraz lub albo czy gdy kiedy gdzie dlaczego jeśli jednak przy pod nad przed
między bez według wszystkie wszystko każdy każda każde nasz nasza nasze wasz
pan pani państwo ja ty on ona ono my wy oni one mnie mi go mu nam wam im
data kwota suma razem faktura płatność zamówienie klient firma umowa strona
nazwa adres telefon dziękuję szanowny szanowna pozdrawiam cena podatek vat
netto brutto konto raport rok dzień miesiąc usługi usługa zgodnie należy
"""

_ES = """
el la los las de del un una unos unas y en que es se no por con para al lo
como más pero sus su le les ya o fue ha han son está están este esta estos
estas ese esa eso también muy sin sobre entre cuando donde porque si todo
todos toda todas otro otra otros otras mismo misma hay ser estar tiene tienen
hacer puede pueden desde hasta durante según contra bajo ante tras nos nuestro
nuestra usted ustedes yo tú él ella ellos ellas mi mis me te fecha importe
total factura pago pedido cliente empresa contrato página nombre dirección
teléfono gracias estimado estimada atentamente saludos precio impuesto iva
neto bruto cuenta informe año día mes servicios parte partes deberá
"""

_IT = """
il lo la i gli le di del della dei delle degli da dal dalla in nel nella con
su per tra fra un uno una e ed è che non si come più ma anche sono era erano
essere avere ha hanno questo questa questi queste quello quella quelli loro
suo sua suoi sue nostro nostra vostro vostra mio mia io tu lui lei noi voi
ci vi ne se quando dove perché cosa chi tutto tutti tutta tutte ogni altro
altra altri molto poco già ancora sempre mai solo data importo totale
fattura pagamento ordine cliente società contratto pagina nome indirizzo
telefono grazie gentile egregio cordiali saluti prezzo imposta iva netto
lordo conto rapporto anno giorno mese servizi parte parti secondo deve
"""

#: Language code (ISO 639-1) to its frequent words.
FREQUENT_WORDS: dict[str, frozenset[str]] = {
    code: frozenset(words.split())
    for code, words in {
        "en": _EN,
        "fr": _FR,
        "de": _DE,
        "nl": _NL,
        "pl": _PL,
        "es": _ES,
        "it": _IT,
    }.items()
}
