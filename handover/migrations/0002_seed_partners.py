"""Seed the partner organisations that the public pages and the help guide point to.

Facts come from the domain brief (§2). Nothing marked [U] there is stated as fact here;
opening hours marked [S] are left out or pointed to the partner's own site. Check every
number on the partner's own site before launch and keep them up to date in the admin.
"""

from django.db import migrations

PARTNERS = [
    {
        "slug": "112",
        "name": "Alarmnummer 112",
        "name_en": "Emergency number 112",
        "kind": "emergency",
        "summary": (
            "Bel 112 als elke seconde telt. Bijvoorbeeld als iemands leven in gevaar is, "
            "als er op dit moment een misdrijf gebeurt of als er brand is."
        ),
        "summary_en": (
            "Call 112 when every second counts. For example when someone's life is in danger, "
            "when a crime is happening right now or when there is a fire."
        ),
        "phone": "112",
        "hours": "dag en nacht",
        "hours_en": "day and night",
        "cost": "gratis",
        "cost_en": "free",
        "anonymous": "unknown",
        "emergency_order": 1,
    },
    {
        "slug": "113",
        "name": "113 Zelfmoordpreventie",
        "name_en": "113 Suicide Prevention",
        "kind": "helpline",
        "summary": (
            "Denk je aan zelfdoding? Of maak je je zorgen dat iemand anders dat doet? "
            "Bij 113 kun je daarover praten. Je kunt bellen of chatten."
        ),
        "summary_en": (
            "Are you thinking about suicide? Or are you worried that someone else is? "
            "You can talk about it with 113, by phone or by chat."
        ),
        "phone": "0800-0113",
        "phone_extra": "113",
        "chat": "113.nl",
        "hours": "dag en nacht",
        "hours_en": "day and night",
        "cost": "gratis",
        "cost_en": "free",
        "anonymous": "yes",
        "emergency_order": 2,
    },
    {
        "slug": "veilig-thuis",
        "name": "Veilig Thuis",
        "name_en": "Veilig Thuis (Safe at Home)",
        "kind": "safety",
        "summary": (
            "Voor advies, steun of een melding over huiselijk geweld en kindermishandeling. "
            "Je kunt hier terecht als slachtoffer, omstander, familielid of professional. "
            "De chat is anoniem, daarom kun je via de chat geen officiële melding doen."
        ),
        "summary_en": (
            "For advice, support or a report about domestic violence and child abuse. "
            "Victims, bystanders, relatives and professionals can all get in touch. "
            "The chat is anonymous, so you cannot make an official report through it."
        ),
        "phone": "0800-2000",
        "chat": "veiligthuis.nl",
        "hours": "telefoon: dag en nacht",
        "hours_en": "phone: day and night",
        "cost": "gratis",
        "cost_en": "free",
        "anonymous": "possible",
        "referral_route": (
            "Telefonisch via 0800-2000 (een melding kan niet via de chat). "
            "Meldrecht (art. 5.2.6 Wmo 2015): een professional mag informatie aan Veilig Thuis "
            "geven, ook zonder toestemming van de cliënt; het is een recht, geen plicht. "
            "Na een melding maakt Veilig Thuis binnen 5 werkdagen een veiligheidsbeoordeling."
        ),
        "emergency_order": 3,
    },
    {
        "slug": "kindertelefoon",
        "name": "De Kindertelefoon",
        "name_en": "De Kindertelefoon (children's helpline)",
        "kind": "helpline",
        "summary": (
            "Voor kinderen en jongeren van 8 tot 18 jaar. Je kunt bellen of chatten over alles "
            "wat je dwarszit. Je hoeft je naam niet te zeggen."
        ),
        "summary_en": (
            "For children and young people aged 8 to 18. You can call or chat about anything "
            "that bothers you. You don't have to give your name."
        ),
        "phone": "0800-0432",
        "chat": "kindertelefoon.nl",
        "hours": "elke dag; de tijden staan op kindertelefoon.nl",
        "hours_en": "every day; times are on kindertelefoon.nl",
        "cost": "gratis",
        "cost_en": "free",
        "anonymous": "yes",
        "emergency_order": 4,
    },
    {
        "slug": "politie",
        "name": "Politie (geen spoed)",
        "name_en": "Police (non-emergency)",
        "kind": "police",
        "summary": (
            "Voor alles zonder spoed, zoals informatie, een melding of een afspraak voor "
            "aangifte; heb je wel spoed, bel dan 112. "
            "Met een melding laat je de politie weten wat er gebeurt, meestal zonder dat er een "
            "onderzoek start. "
            "Met een aangifte vraag je de politie om onderzoek te doen, en die kun je niet meer "
            "intrekken."
        ),
        "summary_en": (
            "For anything that is not urgent, such as information, a report or an appointment "
            "to report a crime (aangifte); if it is urgent, call 112. "
            "A report (melding) tells the police what is going on, usually without starting an "
            "investigation. "
            "A criminal complaint (aangifte) asks the police to investigate, and you cannot "
            "withdraw it."
        ),
        "phone": "0900-8844",
        "cost": "betaald 0900-nummer",
        "cost_en": "paid 0900 number",
        "anonymous": "no",
    },
    {
        "slug": "slachtofferhulp",
        "name": "Slachtofferhulp Nederland",
        "name_en": "Victim Support Netherlands",
        "kind": "victim_support",
        "summary": (
            "Slachtofferhulp helpt slachtoffers, getuigen en familie na een misdrijf. "
            "Je krijgt steun bij je gevoelens, bij praktische zaken en bij juridische vragen, "
            "ook bij een aangifte of een strafzaak."
        ),
        "summary_en": (
            "Victim Support helps victims, witnesses and relatives after a crime. "
            "You get emotional, practical and legal support, including help with reporting a "
            "crime and with a criminal case."
        ),
        "phone": "0900-0101",
        "website": "slachtofferhulp.nl",
        "cost": "lokaal tarief",
        "cost_en": "local rate",
        "anonymous": "unknown",
        "referral_route": (
            "Professionals bellen 0900-0101, keuze 3, en alleen met toestemming van het "
            "slachtoffer. Slachtofferhulp belt daarna zelf het slachtoffer. "
            "Geen toestemming? Wijs het slachtoffer dan op slachtofferhulp.nl, zodat die zich "
            "zelf kan aanmelden."
        ),
    },
    {
        "slug": "csg",
        "name": "Centrum Seksueel Geweld",
        "name_en": "Sexual Assault Centre (CSG)",
        "kind": "care",
        "summary": (
            "Hulp na seksueel geweld: medische zorg, onderzoek naar sporen en steun voor je "
            "gevoelens. Het centrum werkt samen met de politie, de GGD, Veilig Thuis en "
            "Slachtofferhulp."
        ),
        "summary_en": (
            "Help after sexual violence: medical care, forensic examination and psychological "
            "support. The centre works with the police, the GGD (public health service), "
            "Veilig Thuis and Victim Support."
        ),
        "phone": "0800-0188",
        "cost": "gratis",
        "cost_en": "free",
        "anonymous": "unknown",
    },
    {
        "slug": "meld-misdaad-anoniem",
        "name": "Meld Misdaad Anoniem",
        "name_en": "Crime Stoppers NL (Meld Misdaad Anoniem)",
        "kind": "other",
        "summary": (
            "Weet je iets over een misdrijf? Hier kun je dat doorgeven zonder je naam te noemen."
        ),
        "summary_en": (
            "Do you know something about a crime? Here you can pass it on without giving your name."
        ),
        "phone": "0800-7000",
        "cost": "gratis",
        "cost_en": "free",
        "anonymous": "yes",
    },
    {
        "slug": "fier",
        "name": "Fier",
        "name_en": "",
        "kind": "care",
        "summary": (
            "Fier is een expertisecentrum voor geweld in afhankelijkheidsrelaties. "
            "Fier is de organisatie achter Hulppunt Onder Controle."
        ),
        "summary_en": (
            "Fier is an expert centre for violence in relationships of dependency. "
            "Fier runs Hulppunt Onder Controle."
        ),
        "phone": "058-2157084",
        "website": "fier.nl",
        "contact_facts": "Algemeen e-mailadres: info@fier.nl",
    },
    {
        "slug": "kinderbescherming",
        "name": "Raad voor de Kinderbescherming",
        "name_en": "Child Protection Board (Raad voor de Kinderbescherming)",
        "kind": "safety",
        "summary": (
            "De Raad onderzoekt of een kind veilig is, als Veilig Thuis of de gemeente daarom "
            "vraagt. Je kunt zelf geen contact opnemen met de Raad."
        ),
        "summary_en": (
            "The Board investigates whether a child is safe, when Veilig Thuis or the "
            "municipality asks it to. The public cannot contact the Board directly."
        ),
        "referral_route": "H-O-C → Veilig Thuis → RvdK",
        "is_public": False,
    },
    {
        "slug": "politie-ndv",
        "name": "Politie – Netwerk Divers Vakmanschap",
        "name_en": "Police – Netwerk Divers Vakmanschap (diversity network)",
        "kind": "police",
        "summary": (
            "Een netwerk binnen de politie van agenten met kennis van achtergronden, geloven "
            "en leefstijlen. Zij geven hun collega's advies. "
            "Nog navragen bij de politie: of het netwerk ook kennis heeft van dwingende groepen."
        ),
        "summary_en": (
            "A network inside the police of officers with knowledge of backgrounds, religions "
            "and ways of life. They advise their colleagues. "
            "Still to confirm with the police: whether the network also has expertise on "
            "coercive groups."
        ),
        "referral_route": (
            "Via de politie; er is geen openbaar nummer. "
            "Niet bevestigd: dat er agenten zijn met kennis van dwingende groepen en gesloten "
            "gemeenschappen. Eerst navragen bij de politie."
        ),
        "is_public": False,
    },
]


def seed_partners(apps, schema_editor):
    Partner = apps.get_model("handover", "Partner")
    for data in PARTNERS:
        Partner.objects.create(**data)


def remove_partners(apps, schema_editor):
    Partner = apps.get_model("handover", "Partner")
    Partner.objects.filter(slug__in=[p["slug"] for p in PARTNERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("handover", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_partners, remove_partners),
    ]
