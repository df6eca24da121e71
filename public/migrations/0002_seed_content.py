"""Seed the self-check statements and the help guide (hulpwijzer).

Based on the domain brief §4.2/§4.3 (self-check) and §3.2/§3.3 (help guide), in our own
words. Phone numbers, hours, cost and anonymity of the channels come from the Partner
rows (handover 0002), so the end texts do not repeat them (except 112).
"""

from django.db import migrations

# (text, text_en, source, is_safety, signal_is_no)
SELF_ITEMS = [
    (
        "Mag je hardop twijfelen of vragen stellen over de leiding of de leer, zonder dat je "
        "daarvoor straf of een preek krijgt of wordt buitengesloten?",
        "Can you say out loud that you have doubts or questions about the leaders or the "
        "teachings, without being punished, lectured or shut out?",
        "T, C",
        False,
        True,
    ),
    (
        "Heeft één leider, of een klein groepje, altijd het laatste woord, zonder dat iemand "
        "hen controleert?",
        "Does one leader, or a small circle, always have the final say, with nobody to check them?",
        "L, C",
        False,
        False,
    ),
    (
        "Wordt er vaak gezegd dat mensen buiten de groep slecht, gevaarlijk of 'verloren' zijn?",
        "Are you often told that people outside the group are bad, dangerous or 'lost'?",
        "E, C, NL",
        False,
        False,
    ),
    (
        "Beslist de groep met wie je omgaat, trouwt of samenwoont, waar je werkt of leert, of "
        "wat je draagt of eet?",
        "Does the group decide who you spend time with, marry or live with, where you work or "
        "study, or what you wear or eat?",
        "B, C",
        False,
        False,
    ),
    (
        "Moet je toestemming vragen voor gewone dingen, zoals bij iemand op bezoek gaan, op "
        "reis gaan of geld uitgeven?",
        "Do you need permission for ordinary things, such as visiting someone, travelling or "
        "spending money?",
        "B",
        False,
        False,
    ),
    (
        "Kost de groep je zoveel tijd dat je te weinig rust, slaap of eten krijgt?",
        "Does the group take up so much of your time that you get too little rest, sleep or food?",
        "B, NL",
        False,
        False,
    ),
    (
        "Mag je geen nieuws, kritische boeken of websites lezen, of niet praten met oud-leden? "
        "Of raadt de groep je dat sterk af?",
        "Are you not allowed to read the news, critical books or websites, or to talk with "
        "former members? Or does the group strongly advise you against it?",
        "I",
        False,
        False,
    ),
    (
        "Controleert iemand je berichten, je telefoon of je gesprekken? Of wordt er over jou "
        "'gerapporteerd'?",
        "Does someone check your messages, your phone or your conversations? Or do people "
        "'report' on you?",
        "I",
        False,
        False,
    ),
    (
        "Leer je dat twijfel zwak of zondig is? En dat je twijfels moet wegdrukken met gebed, "
        "zingen, meditatie of hard werken?",
        "Are you taught that doubt is weak or sinful? And that you should push doubts away "
        "with prayer, singing, meditation or hard work?",
        "T, C",
        False,
        False,
    ),
    (
        "Gebruikt de groep eigen woorden, waardoor het lastig is om met mensen van buiten te "
        "praten?",
        "Does the group use its own words, which make it hard to talk with people outside it?",
        "T",
        False,
        False,
    ),
    (
        "Voel je je vaak schuldig of beschaamd, of heb je het gevoel dat je nooit goed genoeg "
        "bent?",
        "Do you often feel guilty or ashamed, or feel that you are never good enough?",
        "E, C",
        False,
        False,
    ),
    (
        "Ben je bang voor wat er gebeurt als je weggaat? Bijvoorbeeld straf, ziekte, een "
        "ongeluk, de hel of je familie kwijtraken.",
        "Are you afraid of what will happen if you leave? For example punishment, illness, an "
        "accident, hell or losing your family.",
        "E, PowNed",
        False,
        False,
    ),
    (
        "Word je onder druk gezet om geld, spaargeld, een erfenis, een uitkering of je pgb af "
        "te geven? Of werk je veel zonder eerlijk loon?",
        "Are you pressured to hand over money, savings, an inheritance, benefits or your "
        "personal care budget (pgb)? Or do you work a lot without fair pay?",
        "C, NL",
        False,
        False,
    ),
    (
        "Heb je minder of geen contact meer met familie of vrienden buiten de groep, omdat de "
        "groep dat wil?",
        "Do you have less or no contact with family or friends outside the group, because the "
        "group wants it that way?",
        "C, NL",
        False,
        False,
    ),
    (
        "Worden mensen die weggaan genegeerd, zwartgemaakt of 'doodverklaard'?",
        "Are people who leave ignored, badmouthed or declared 'dead'?",
        "NL, WODC",
        False,
        False,
    ),
    (
        "Word je geslagen, opgesloten of bedreigd? Of word je gedwongen tot seks of seksuele "
        "handelingen?",
        "Are you hit, locked up or threatened? Or are you forced into sex or sexual acts?",
        "M",
        True,
        False,
    ),
    (
        "Raadt de groep een arts, medicijnen of andere nodige zorg af voor jou of je kinderen? "
        "Of wordt die zorg geweigerd?",
        "Does the group advise against a doctor, medicine or other care that you or your "
        "children need? Or is that care refused?",
        "M",
        True,
        False,
    ),
    (
        "Heeft iemand anders je identiteitsbewijs, bankpas, telefoon of sleutels, zodat je ze "
        "niet zelf in handen hebt?",
        "Does someone else keep your ID, bank card, phone or keys, so that you don't have them "
        "yourself?",
        "M",
        True,
        False,
    ),
    (
        "Zou het gevaarlijk zijn voor jou of je kinderen als je wilt vertrekken?",
        "Would it be dangerous for you or your children if you wanted to leave?",
        "M",
        True,
        False,
    ),
    (
        "Weet de groep persoonlijke geheimen van je, bijvoorbeeld uit een biecht of een "
        "sessie? En ben je bang dat ze die tegen je gebruiken?",
        "Does the group know personal secrets of yours, for example from confession or "
        "sessions? And are you afraid they will use them against you?",
        "E",
        False,
        False,
    ),
]

RELATIVE_ITEMS = [
    (
        "Is je naaste sinds het contact met de groep in korte tijd erg veranderd? Bijvoorbeeld "
        "in taal, kleding, interesses, humor of hoe hij of zij naar dingen kijkt.",
        "Has your loved one changed a lot in a short time since meeting the group? For example "
        "in language, clothing, interests, humour or the way they see things.",
        "NL",
        False,
        False,
    ),
    (
        "Is het contact minder geworden? Of hoor je dat jij slecht of gevaarlijk bent, of dat "
        "je vroeger een slechte ouder was?",
        "Has there been less contact? Or are you told that you are bad or dangerous, or that "
        "you were a bad parent?",
        "NL",
        False,
        False,
    ),
    (
        "Kun je je naaste alleen spreken als er iemand van de groep bij is? Of lijkt het alsof "
        "iemand berichten meeleest?",
        "Can you only talk with your loved one when someone from the group is there? Or does "
        "it seem that someone reads their messages?",
        "I",
        False,
        False,
    ),
    (
        "Geeft je naaste veel geld of spullen aan de groep, of maakt hij of zij schulden?",
        "Does your loved one give a lot of money or belongings to the group, or get into debt?",
        "NL",
        False,
        False,
    ),
    (
        "Werkt je naaste heel veel uren voor de groep, vaak zonder loon en met weinig slaap?",
        "Does your loved one work very long hours for the group, often unpaid and with little "
        "sleep?",
        "NL",
        False,
        False,
    ),
    (
        "Wordt je naaste afgeraden om naar een dokter te gaan of medicijnen te nemen?",
        "Is your loved one told not to see a doctor or take medicine?",
        "M, NL",
        False,
        False,
    ),
    (
        "Vertelt je naaste over één leider met bijzondere gaven, die alles beslist?",
        "Does your loved one talk about one leader with special gifts who decides everything?",
        "L",
        False,
        False,
    ),
    (
        "Kun je niet over kritiek praten, en antwoordt je naaste met vaste zinnen van de groep?",
        "Is it impossible to talk about criticism, and does your loved one answer with set "
        "phrases from the group?",
        "T",
        False,
        False,
    ),
    (
        "Zijn er kinderen bij betrokken die niet of bijna niet naar school, de huisarts of een "
        "club gaan?",
        "Are there children involved who never or hardly ever go to school, the doctor or a club?",
        "§4.4",
        True,
        False,
    ),
    (
        "Ben je bang dat er geweld, opsluiting, bedreiging of seksueel misbruik is?",
        "Are you afraid there is violence, locking up, threats or sexual abuse?",
        "M",
        True,
        False,
    ),
    (
        "Zegt je naaste dat hij of zij niet weg kan of niet weg durft?",
        "Does your loved one say they cannot leave or don't dare to leave?",
        "",
        False,
        False,
    ),
]

YES, NO, DONT_KNOW = ("Ja", "Yes"), ("Nee", "No"), ("Weet ik niet", "I don't know")

# key: (text, text_en, [(label, label_en, target), ...])
QUESTIONS = {
    "q0": (
        "Ben je nu in direct gevaar, of is iemand anders dat?",
        "Are you in immediate danger right now, or is someone else?",
        [(*YES, "e-112"), (*NO, "q1"), (*DONT_KNOW, "q1")],
    ),
    "q1": (
        "Denk je aan zelfdoding, of maak je je daar zorgen over bij iemand?",
        "Are you thinking about suicide, or are you worried that someone else is?",
        [(*YES, "e-113"), (*NO, "q2"), (*DONT_KNOW, "e-113")],
    ),
    "q2": (
        "Voor wie zoek je hulp?",
        "Who are you looking for help for?",
        [
            (
                "Voor mezelf: ik zit in een groep of ik ben eruit gestapt",
                "For myself: I am in a group or I have left one",
                "q3",
            ),
            ("Ik maak me zorgen om iemand anders", "I am worried about someone else", "q4"),
            ("Ik ben professional", "I am a professional", "e-pro"),
        ],
    ),
    "q3": (
        "Ben je jonger dan 18 jaar?",
        "Are you younger than 18?",
        [(*YES, "q3a"), (*NO, "q5"), ("Dat zeg ik liever niet", "I'd rather not say", "q5")],
    ),
    "q3a": (
        "Voel je je thuis of in de groep niet veilig? Bijvoorbeeld omdat je wordt geslagen, "
        "opgesloten of gedwongen, of geen eten of zorg krijgt.",
        "Do you feel unsafe at home or in the group? For example because you are hit, locked "
        "up or forced to do things, or don't get food or care.",
        [(*YES, "e-minor-unsafe"), (*NO, "e-minor-talk"), (*DONT_KNOW, "e-minor-talk")],
    ),
    "q4": (
        "Maak je je ook zorgen over kinderen?",
        "Are you also worried about children?",
        [(*YES, "e-children"), (*NO, "q5"), (*DONT_KNOW, "q5")],
    ),
    "q5": (
        "Wat wil je nu het liefst?",
        "What would you like most right now?",
        [
            ("Praten of advies", "Talk or get advice", "e-chat"),
            ("Eerst zelf lezen", "Read for myself first", "e-info"),
            (
                "Een melding of aangifte bij de politie",
                "Report to the police (melding or aangifte)",
                "e-police",
            ),
            ("Steun als slachtoffer", "Support as a victim", "e-shn"),
            ("Hulp na seksueel geweld", "Help after sexual violence", "e-csg"),
            (
                "Anoniem iets doorgeven over een misdrijf",
                "Pass on information about a crime anonymously",
                "e-mma",
            ),
            (*DONT_KNOW, "e-chat"),
        ],
    ),
}

# key: dict of GuideNode fields, plus "channels": partner slugs in order
ENDS = {
    "e-112": {
        "text": "Bel nu 112",
        "text_en": "Call 112 now",
        "body": (
            "Bel 112 als iemands leven in gevaar is, of als er nu een misdrijf of brand is. "
            "Zeg waar je bent en wat er gebeurt. Dan komt er zo snel mogelijk hulp."
        ),
        "body_en": (
            "Call 112 if someone's life is in danger, or if a crime or fire is happening now. "
            "Say where you are and what is happening. Help will come as fast as possible."
        ),
        "channels": ["112"],
    },
    "e-113": {
        "text": "Praat met 113",
        "text_en": "Talk to 113",
        "body": (
            "Je hoeft hier niet alleen mee rond te lopen. Bij 113 kun je praten over je "
            "gedachten, of over je zorgen om iemand anders. Je kunt bellen of chatten. "
            "Daarna kun je ook met ons chatten over de groep."
        ),
        "body_en": (
            "You don't have to carry this alone. At 113 you can talk about your thoughts, or "
            "about your worries for someone else. You can call or chat. "
            "Afterwards you can also chat with us about the group."
        ),
        "offers_chat": True,
        "channels": ["113"],
    },
    "e-pro": {
        "text": "Overleg met Veilig Thuis",
        "text_en": "Consult Veilig Thuis",
        "body": (
            "Maak je je als professional zorgen over een cliënt of een kind? Bij elke stap van "
            "de meldcode kun je advies vragen aan Veilig Thuis, ook anoniem. "
            "Bel daarvoor; de chat van Veilig Thuis is niet bedoeld voor professionals. "
            "Overleg ook met de aandachtsfunctionaris in je eigen organisatie."
        ),
        "body_en": (
            "Are you a professional who is worried about a client or a child? At every step of "
            "the meldcode (reporting code) you can ask Veilig Thuis for advice, also "
            "anonymously. Please phone; the Veilig Thuis chat is not meant for professionals. "
            "Also consult the safeguarding lead (aandachtsfunctionaris) in your own "
            "organisation."
        ),
        "more_page": "professionals",
        "channels": ["veilig-thuis"],
    },
    "e-minor-unsafe": {
        "text": "Je hoeft dit niet alleen op te lossen",
        "text_en": "You don't have to solve this alone",
        "body": (
            "Goed dat je hier kijkt. Bij Veilig Thuis en De Kindertelefoon kun je vertellen "
            "wat er gebeurt. Zij luisteren naar je en denken met je mee. "
            "Je mag ook met ons chatten. Ben je nu in gevaar? Bel dan 112."
        ),
        "body_en": (
            "It's good that you are looking here. You can tell Veilig Thuis and De "
            "Kindertelefoon what is happening. They will listen to you and think along with "
            "you. You can also chat with us. Are you in danger right now? Then call 112."
        ),
        "offers_chat": True,
        "channels": ["veilig-thuis", "kindertelefoon"],
    },
    "e-minor-talk": {
        "text": "Praat met De Kindertelefoon",
        "text_en": "Talk to De Kindertelefoon",
        "body": (
            "Wil je met iemand praten over de groep, je familie of hoe je je voelt? Dat kan bij "
            "De Kindertelefoon, en je hoeft je naam niet te zeggen. Je kunt ook met ons chatten. "
            "Voel je je toch niet veilig? Dan kun je altijd Veilig Thuis bellen."
        ),
        "body_en": (
            "Do you want to talk with someone about the group, your family or how you feel? "
            "You can do that at De Kindertelefoon, and you don't have to give your name. You "
            "can also chat with us. Do you feel unsafe after all? You can always call Veilig "
            "Thuis."
        ),
        "offers_chat": True,
        "channels": ["kindertelefoon"],
    },
    "e-children": {
        "text": "Vraag advies aan Veilig Thuis",
        "text_en": "Ask Veilig Thuis for advice",
        "body": (
            "Maak je je zorgen over kinderen in of rond de groep? Veilig Thuis geeft advies en "
            "kan ook een melding aannemen. Ook als je twijfelt, kun je advies vragen. "
            "Wil je eerst je verhaal kwijt, of meer weten over de groep? Dan kun je met ons "
            "chatten."
        ),
        "body_en": (
            "Are you worried about children in or around the group? Veilig Thuis gives advice "
            "and can also take a report. You can ask for advice even if you are not sure. "
            "Would you first like to tell your story, or understand more about the group? "
            "Then you can chat with us."
        ),
        "offers_chat": True,
        "more_page": "relatives",
        "channels": ["veilig-thuis"],
    },
    "e-chat": {
        "text": "Praat anoniem met ons",
        "text_en": "Talk to us anonymously",
        "body": (
            "In de chat praat je met een hulpverlener van Fier. Je hoeft je naam niet te geven "
            "en jij bepaalt wat je vertelt. Samen kijken we wat er speelt en wat je nodig hebt. "
            "Wil je eerst rustig nadenken? Doe dan de check."
        ),
        "body_en": (
            "In the chat you talk with a counsellor from Fier. You don't have to give your name "
            "and you decide what you tell. Together we look at what is going on and what you "
            "need. Would you like to think first? Then do the check."
        ),
        "offers_chat": True,
        "offers_selfcheck": True,
        "channels": [],
    },
    "e-info": {
        "text": "Lees eerst rustig verder",
        "text_en": "Read at your own pace first",
        "body": (
            "Je kunt eerst zelf lezen en nadenken. Doe de check om te zien wat je herkent. "
            "Op de pagina over veilig surfen lees je hoe je je bezoek aan deze site verbergt. "
            "Wil je daarna praten? Dan kun je met ons chatten."
        ),
        "body_en": (
            "You can read and think for yourself first. Do the check to see what you "
            "recognise. The page on safe browsing explains how to hide your visit to this "
            "site. Would you like to talk afterwards? Then you can chat with us."
        ),
        "offers_chat": True,
        "offers_selfcheck": True,
        "more_page": "safety",
        "channels": [],
    },
    "e-police": {
        "text": "Naar de politie",
        "text_en": "Going to the police",
        "body": (
            "Met een melding vertel je de politie wat er gebeurt; meestal start er dan geen "
            "onderzoek. Met een aangifte vraag je de politie om onderzoek te doen, en een "
            "aangifte kun je niet meer intrekken. Gaat het om seksueel geweld? Dan heb je eerst "
            "een informatief gesprek met de politie, en daarna krijg je bedenktijd. "
            "Wij kunnen je helpen om de stap te zetten, en als je wilt, leggen we samen met jou "
            "het contact met de politie. Is het dringend? Bel dan 112."
        ),
        "body_en": (
            "With a report (melding) you tell the police what is happening; usually no "
            "investigation starts. With a criminal complaint (aangifte) you ask the police to "
            "investigate, and you cannot withdraw it. Is it about sexual violence? Then you "
            "first have an information meeting with the police, and after that you get time "
            "to think. We can help you take the step, and if you want, we make the contact with "
            "the police together with you. Is it urgent? Then call 112."
        ),
        "offers_chat": True,
        "channels": ["politie", "112"],
    },
    "e-shn": {
        "text": "Steun van Slachtofferhulp",
        "text_en": "Support from Victim Support",
        "body": (
            "Slachtofferhulp helpt je met je gevoelens, met praktische zaken en met juridische "
            "vragen. Je kunt zelf contact opnemen. Wil je liever dat wij het contact regelen? "
            "Dat doen we alleen als jij toestemming geeft. Slachtofferhulp belt jou dan."
        ),
        "body_en": (
            "Victim Support helps you with your feelings, with practical matters and with "
            "legal questions. You can contact them yourself. Would you rather we arrange the "
            "contact? We only do that with your consent. Victim Support will then call you."
        ),
        "offers_chat": True,
        "channels": ["slachtofferhulp"],
    },
    "e-csg": {
        "text": "Hulp na seksueel geweld",
        "text_en": "Help after sexual violence",
        "body": (
            "Het Centrum Seksueel Geweld helpt je met medische zorg, onderzoek naar sporen en "
            "steun voor je gevoelens. Is het kort geleden gebeurd? Bel dan zo snel mogelijk. "
            "Wil je eerst met iemand praten? Dan kun je met ons chatten."
        ),
        "body_en": (
            "The Sexual Assault Centre helps you with medical care, a forensic examination and "
            "support for your feelings. Did it happen recently? Then call as soon as possible. "
            "Would you like to talk with someone first? Then you can chat with us."
        ),
        "offers_chat": True,
        "channels": ["csg"],
    },
    "e-mma": {
        "text": "Anoniem iets doorgeven",
        "text_en": "Pass on information anonymously",
        "body": (
            "Weet je iets over een misdrijf, maar wil je je naam niet geven? Dan kun je het "
            "doorgeven aan Meld Misdaad Anoniem. Wil je eerst overleggen? Dan kun je met ons "
            "chatten."
        ),
        "body_en": (
            "Do you know something about a crime, but don't want to give your name? Then you "
            "can pass it on to Meld Misdaad Anoniem. Would you like to talk it over first? "
            "Then you can chat with us."
        ),
        "offers_chat": True,
        "channels": ["meld-misdaad-anoniem"],
    },
}

NODE_KEYS = [*QUESTIONS, *ENDS]
CHECKLISTS = {"self": SELF_ITEMS, "relative": RELATIVE_ITEMS}


def seed_selfcheck(apps):
    SelfCheckItem = apps.get_model("hoc", "SelfCheckItem")
    for checklist, items in CHECKLISTS.items():
        for position, (text, text_en, source, is_safety, signal_is_no) in enumerate(items, 1):
            SelfCheckItem.objects.create(
                checklist=checklist,
                position=position,
                text=text,
                text_en=text_en,
                source=source,
                is_safety=is_safety,
                signal_is_no=signal_is_no,
            )


def seed_guide(apps):
    GuideNode = apps.get_model("hoc", "GuideNode")
    GuideChoice = apps.get_model("hoc", "GuideChoice")
    GuideChannel = apps.get_model("hoc", "GuideChannel")
    Partner = apps.get_model("handover", "Partner")

    nodes = {}
    for key, (text, text_en, _choices) in QUESTIONS.items():
        nodes[key] = GuideNode.objects.create(
            key=key, kind="question", is_start=key == "q0", text=text, text_en=text_en
        )
    for key, data in ENDS.items():
        fields = {k: v for k, v in data.items() if k != "channels"}
        nodes[key] = GuideNode.objects.create(key=key, kind="end", **fields)

    for key, (_text, _text_en, choices) in QUESTIONS.items():
        for position, (label, label_en, target) in enumerate(choices, 1):
            GuideChoice.objects.create(
                question=nodes[key],
                position=position,
                label=label,
                label_en=label_en,
                target=nodes[target],
            )

    partners = {p.slug: p for p in Partner.objects.all()}
    for key, data in ENDS.items():
        for position, slug in enumerate(data["channels"], 1):
            GuideChannel.objects.create(node=nodes[key], partner=partners[slug], position=position)


def seed(apps, schema_editor):
    seed_selfcheck(apps)
    seed_guide(apps)


def unseed(apps, schema_editor):
    SelfCheckItem = apps.get_model("hoc", "SelfCheckItem")
    GuideNode = apps.get_model("hoc", "GuideNode")
    GuideChoice = apps.get_model("hoc", "GuideChoice")
    GuideChannel = apps.get_model("hoc", "GuideChannel")

    GuideChannel.objects.filter(node__key__in=NODE_KEYS).delete()
    GuideChoice.objects.filter(question__key__in=NODE_KEYS).delete()
    GuideChoice.objects.filter(target__key__in=NODE_KEYS).delete()
    GuideNode.objects.filter(key__in=NODE_KEYS).delete()
    for checklist, items in CHECKLISTS.items():
        SelfCheckItem.objects.filter(checklist=checklist, position__lte=len(items)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hoc", "0001_initial"),
        ("handover", "0002_seed_partners"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
