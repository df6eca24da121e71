"""Complete the partners for the warm handover (issue [6/7]) from the domain brief (§2, §5).

Which partners can receive a referral, how a referral reaches them, and the contact facts
staff need. Nothing marked [U] in the brief is stated as fact: it says "navragen". Fier's
face-to-face care is added as a partner of its own (not on the website).
"""

from django.db import migrations

ROUTES = {
    "veilig-thuis": {
        "accepts_referrals": True,
        "contact_facts": (
            "Telefoon 0800-2000: dag en nacht, gratis. Professionals bellen, niet chatten. "
            "De chat (veiligthuis.nl) is volledig anoniem en meestal op werkdagen 09:00–17:00 "
            "open; via de chat kan geen officiële melding worden gedaan."
        ),
    },
    "slachtofferhulp": {
        "accepts_referrals": True,
        "contact_facts": (
            "0900-0101 (lokaal tarief), keuze 3 voor professionals. Bij crises ook buiten "
            "kantoortijd bereikbaar. Slachtofferhulp heeft ook e-mail en chat; die kunnen "
            "anoniem (navragen of dat nog zo is)."
        ),
    },
    "politie": {
        "accepts_referrals": True,
        "referral_route": (
            "Alleen met toestemming: het slachtoffer beslist over een aangifte; wij steunen "
            "die beslissing. Leg eerst het verschil uit tussen een melding (meestal geen "
            "onderzoek, 10 jaar bewaard), een aangifte (start een onderzoek, niet in te "
            "trekken) en, bij zedenzaken, het informatief gesprek dat altijd eerst komt. "
            "Telefonisch via 0900-8844, online of op een bureau. Spoed: 112."
        ),
        "contact_facts": "0900-8844 (betaald); werkt die lijn niet, dan 088-6628844.",
    },
    "politie-ndv": {
        "accepts_referrals": True,
        "contact_facts": (
            "Geen openbaar nummer: via 0900-8844 vragen naar een collega van het Netwerk "
            "Divers Vakmanschap. De vaste contactroute nog afspreken met de politie."
        ),
    },
    "csg": {
        "accepts_referrals": True,
        "referral_route": (
            "Telefonisch via 0800-0188. Binnen 7 dagen na seksueel geweld dag en nacht "
            "(medisch en sporenonderzoek); voor oudere zaken tijdens kantooruren. Werkt samen "
            "met politie, GGD, Veilig Thuis en Slachtofferhulp."
        ),
    },
    "fier": {
        "accepts_referrals": True,
        "referral_route": "Algemeen nummer 058-2157084 (dag en nacht, 2020), info@fier.nl.",
    },
}

FIER_CARE = {
    "slug": "fier-hulp",
    "name": "Fier – hulp met een afspraak",
    "name_en": "Fier – face-to-face care",
    "kind": "care",
    "summary": (
        "Hulpverleners van Fier die je persoonlijk spreken, bijvoorbeeld op een afspraak. "
        "Fier heeft ervaring met geweld in afhankelijkheidsrelaties."
    ),
    "summary_en": (
        "Fier counsellors who see you in person, for example at an appointment. Fier has "
        "experience with violence in relationships of dependency."
    ),
    "phone": "058-2157084",
    "website": "fier.nl",
    "anonymous": "no",
    "is_public": False,
    "accepts_referrals": True,
    "referral_route": (
        "Interne overdracht binnen Fier. De vaste route (wie, hoe, welke gegevens) nog "
        "afspreken met Fier."
    ),
    "contact_facts": "Algemeen: 058-2157084, info@fier.nl.",
}


def complete(apps, schema_editor):
    Partner = apps.get_model("handover", "Partner")
    for slug, fields in ROUTES.items():
        Partner.objects.filter(slug=slug).update(**fields)
    if not Partner.objects.filter(slug=FIER_CARE["slug"]).exists():
        Partner.objects.create(**FIER_CARE)


def undo(apps, schema_editor):
    Partner = apps.get_model("handover", "Partner")
    Partner.objects.filter(slug=FIER_CARE["slug"]).delete()
    Partner.objects.update(accepts_referrals=False)


class Migration(migrations.Migration):
    dependencies = [
        ("handover", "0004_referrals"),
    ]

    operations = [
        migrations.RunPython(complete, undo),
    ]
