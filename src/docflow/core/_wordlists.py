"""Frequent words of the languages docflow judges text in, shipped offline.

Each list contains function words and very common content words, lower case,
written for docflow from general knowledge of each language. Together they
cover a large share of the running words of ordinary prose, which is what
the garbage-text check and the language guess need; they are not
dictionaries. Lists are space separated so the module stays small to read.
"""

from __future__ import annotations

__all__ = ["FREQUENT_WORDS", "OTHER_FREQUENT_WORDS"]

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

# Languages docflow only recognises and does not judge text in, so that the
# classifier can name them as untrained (``OTHER_FREQUENT_WORDS``).
_PT = """
o os as um uma uns umas do da dos das em no na nos nas pelo pela pelos pelas
sem sobre até desde não sim mas ou é são foi ser estar está estão tem têm
ter há seu sua seus suas meu minha nosso nossa você vocês ele ela eles elas
isso isto este esta esse essa aquele aquela muito mais também já ainda quando
onde como porque então assim ao aos à às pagamento fatura valor obrigado
atenciosamente prezado prezada empresa serviço serviços página endereço preço
imposto relatório ano dia mês pode deve seguinte conforme através
prazo dias pagamentos fornecedor cliente clientes feito feita incluído
incluída vista entrega mercadorias pode podem fazer foram seja sejam está
estava tinha tem então onde quem qual quais cada outro outra outros outras
mesmo mesma nenhum nenhuma algum alguma todos todas tudo nada sempre nunca
agora hoje ontem amanhã depois antes durante contra segundo após obrigada
"""

_SV = """
och att det som en ett är på för med till av inte den har jag de var om så
men från vi eller kan ska vid också när hur här där alla detta denna dessa
efter under mellan utan mot sedan bara mycket nu då vara varit blir blev
måste skulle hade sig sin sitt sina hans hennes deras vår våra faktura
betalning belopp summa datum kund tack hälsningar vänliga företag avtal sida
namn adress pris moms konto rapport år dag månad enligt
leverantören varorna kunden inom dagar betalningen göras kommit fakturan
återbetalbar eftersom därför dock bara aldrig alltid idag imorgon igår varje
ingen inget några något många mer mindre
"""

_DA = """
og at det som en et er på for med til af ikke den har jeg de var om så men
fra vi eller kan skal ved også når hvor her der alle dette denne disse efter
under mellem uden mod siden kun meget nu da være været bliver blev må skulle
havde sig sin sit sine hans hendes deres vores jeres faktura betaling beløb
dato kunde tak venlig hilsen firma aftale side navn adresse pris moms konto
rapport år dag måned ifølge kære inden spørgsmål beløbet ydelser hermed hvad
hvordan nogen noget sådan
leverandøren varerne kunden inden dage betalingen ske modtaget fakturaen
opkrævet fordi derfor dog kun aldrig altid idag imorgen igår hver ingen
intet nogle mange mere mindre
"""

_NB = """
og at det som en et er på for med til av ikke den har jeg de var om så men
fra vi eller kan skal ved også når hvor her der alle dette denne disse etter
under mellom uten mot siden bare mye nå da være vært blir ble må skulle
hadde seg sin sitt sine hans hennes deres vår våre faktura betaling beløp
dato kunde takk vennlig hilsen firma avtale side navn adresse pris mva konto
rapport år dag måned ifølge kjære innen spørsmål beløpet tjenester
tjenestene hva hvordan noen noe slik
leverandøren varene kunden innen dager betalingen mottatt påminnelse fordi
derfor likevel bare aldri alltid idag imorgen igår hver ingen ingenting noen
mange mer mindre
"""

_FI = """
ja on ei se että oli hän ovat olla kun tai mutta jos niin myös sekä kuin
joka jotka mikä mitä tämä tämän nämä siitä sen sitä hänen heidän meidän
teidän minä sinä me te he ole olen olet olemme ollut ovat vain jo vielä nyt
sitten kanssa ilman mukaan kautta jälkeen ennen aikana lasku maksu summa
yhteensä päivämäärä asiakas kiitos ystävällisin terveisin yritys sopimus
sivu nimi osoite puhelin hinta vero alv tili raportti vuosi päivä kuukausi
toimittaja toimittaa tavarat asiakkaalle päivän kuluessa maksu suoritettava
lasku saapunut mahdollista koska siksi kuitenkin aina koskaan tänään
huomenna eilen jokainen kaikki mitään jotain paljon enemmän vähemmän
"""

_TR = """
ve bir bu da de için ile olarak olan gibi daha çok en ama veya ya ki ne
değil var yok her şey bu şu o ben sen biz siz onlar bana sana ona bize size
onun bunun şunun kadar sonra önce göre üzere arasında içinde tarafından
olan olduğu olması fatura ödeme tutar toplam tarih müşteri teşekkür
saygılarımızla sayın şirket sözleşme sayfa adı adres telefon fiyat vergi
kdv hesap rapor yıl gün ay lütfen
tedarikçi malları gün içinde müşteriye teslim eder ödeme geldikten yapılır
tutar değişmez çünkü bu yüzden ancak sadece hiç her zaman bugün yarın dün
hepsi bazı birçok daha az
"""

_CS = """
a v na se je že s z do o k ve to jako za by pro jsou který která které
ale nebo také jen už ještě když kde jak proto tak není být byl byla bylo
jsme jste jsem máme má mají mít tento tato toto tyto jeho její jejich náš
váš podle mezi před po bez při faktura platba částka celkem datum zákazník
děkujeme pozdravem vážený vážená společnost smlouva strana jméno adresa
telefon cena daň dph účet zpráva rok den měsíc prosím pokud máte nás vás
fakturu služby splatnost celková příloze dotazy jakékoli děkuji
dodavatel zboží zákazníkovi dnů strany jinak není nebo které který jejich
mezi bude budou může musí byly jeho jsou tedy proto však také tak aby než
pouze všechny všech každý žádný dnes zítra včera kdy kde proč faktury platby
splatná obdržení
"""

_RO = """
și în la de cu pe un o care că nu se este sunt a fost fi din pentru prin
sau dar mai ca ce cum când unde dacă acest această aceste acești acel acea
lui ei lor meu mea nostru noastră vostru după înainte între fără până
despre factura plată suma total data client mulțumim stimate stimată
societatea contract pagina nume adresa telefon preț taxa tva cont raport
an zi lună vă rugăm
furnizorul clientului clienților zile termen plata face primirea facturii
facturi după sunt fost este vor poate trebuie acum astăzi mâine ieri toate
toți fiecare niciun nicio anumit așa încât deoarece însă totuși decât numai
foarte mult puțin marfa livrează
"""

_HU = """
a az és hogy nem is egy van volt de meg csak már még mint ha vagy mert
ezt azt ez az ő mi ti ők nekem neki nekünk nekik velem vele után előtt
között nélkül alatt felett szerint által lesz lett kell lehet minden
számla fizetés összeg összesen dátum ügyfél köszönjük tisztelettel tisztelt
cég szerződés oldal név cím telefon ár adó áfa számla jelentés év nap hónap
kérjük
szállító napon belül árut ügyfélnek fizetés számla megérkezése esedékes
téríthető vissza mert ezért azonban csak soha mindig ma holnap tegnap minden
néhány sok több kevesebb
"""

_RU = """
и в не на что с по как это он она они мы вы я но из за к у от для о же
то все так его её их было был была были быть есть нет да или если только
уже ещё когда где после до между без при также этот эта эти который
которая которые счёт счет оплата сумма итого дата клиент спасибо уважением
уважаемый уважаемая компания договор страница имя адрес телефон цена налог
ндс отчёт отчет год день месяц пожалуйста
товар товары клиенту клиента течение дней дня получения счёта счета подлежит
возврату производится оплаты поставщик доставляет может должен должна должны
будет будут было сегодня завтра вчера каждый любой никакой всегда никогда
теперь потом сейчас очень более менее этого этому этой того тому чем
"""

_UK = """
і й в у не на що з по як це він вона вони ми ви я але із за до від для
про же то все так його її їх було був була були бути є немає так або якщо
тільки вже ще коли де після між без при також цей ця ці який яка які
рахунок оплата сума разом дата клієнт дякуємо повагою шановний шановна
компанія договір сторінка ім'я адреса телефон ціна податок пдв звіт рік
день місяць будь ласка
товар товари клієнту клієнта протягом днів дня отримання рахунку підлягає
поверненню здійснюється оплати постачальник доставляє може повинен повинна
повинні буде будуть було сьогодні завтра вчора кожен будь-який ніколи завжди
тепер потім зараз дуже більш менш цього цьому цієї того тому ніж
"""

_BG = """
и в не на че с по как това той тя те ние вие аз но от за към у до при
със съм си е са беше бяха бъде има няма или ако само вече още когато където
след преди между без също този тази тези който която които фактура плащане
сума общо дата клиент благодарим уважение уважаеми уважаема фирма договор
страница име адрес телефон цена данък ддс сметка отчет година ден месец
моля
стоката стоки клиента клиентът срок дни дена получаване фактурата плащането
доставчикът доставя извършва връща може трябва ще бъдат беше днес утре вчера
всеки всички никога винаги сега после много повече по-малко това този тази
тези защото обаче само
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

_JUDGED = frozenset().union(*FREQUENT_WORDS.values())

#: Frequent words of languages docflow recognises but does not judge text in,
#: less every word of the lists above. Sharing a word would lower the score of
#: a judged language, so the guesses for those stay as they were.
# NOTE: so in a short Portuguese text, words such as "de", "por" and "total"
# count only for judged languages, and the guess is often None or Spanish.
# The classifier's check for untrained languages then misses the text.
OTHER_FREQUENT_WORDS: dict[str, frozenset[str]] = {
    code: frozenset(words.split()) - _JUDGED
    for code, words in {
        "pt": _PT,
        "sv": _SV,
        "da": _DA,
        "nb": _NB,
        "fi": _FI,
        "tr": _TR,
        "cs": _CS,
        "ro": _RO,
        "hu": _HU,
        "ru": _RU,
        "uk": _UK,
        "bg": _BG,
    }.items()
}
