"""A starter set of canned responses ("snelle antwoorden") in Dutch and English, so a fresh
install is usable on day one: a greeting, a safety check, what anonymity means, pointers to
112, 113 and Veilig Thuis, and the closing words.

Facts from the domain brief (§2, §5.3, §8) and the emergency numbers every page shows
(templates/includes/emergency_numbers.html, the partners seeded in handover 0002). The
texts are frozen here, as written on the day; staff change or delete them afterwards at
/medewerkers/snelle-antwoorden/.

Forwards adds each text that is not there yet (same title and language), so running it
again adds nothing. Backwards removes only the starter texts nobody changed (title, text and
language exactly as here); a text staff edited, and every text staff wrote, stays.
"""

from django.db import migrations

STARTER_SET = [
    # (language, position, title, body)
    (
        "nl",
        10,
        "Begroeting",
        "Hoi, fijn dat je er bent. Je praat met een hulpverlener van Hulppunt Onder Controle. "
        "Je kunt hier vertellen wat je meemaakt in of met een groep of gesloten gemeenschap, "
        "ook als je nog twijfelt. Je hoeft je naam niet te geven en je bepaalt zelf wat je "
        "vertelt. Waar wil je het over hebben?",
    ),
    (
        "nl",
        20,
        "Ben je nu veilig?",
        "Voordat we verdergaan: ben je nu veilig? En kan iemand meelezen op je scherm of je "
        "telefoon? Moet je snel weg, klik dan op ‘Snel weg’ of druk drie keer op Shift.",
    ),
    (
        "nl",
        30,
        "Anoniem chatten",
        "Je chat hier anoniem. We zien je naam, je IP-adres en je telefoonnummer niet, en we "
        "vragen er ook niet naar. Wat je vertelt, blijft bij ons. Alleen als iemand, "
        "bijvoorbeeld een kind, in ernstig gevaar is, kunnen we hulp inschakelen. Als het "
        "veilig kan, vertellen we je dat eerst.",
    ),
    (
        "nl",
        40,
        "Direct gevaar: 112",
        "Ben jij of is iemand anders nu in direct gevaar? Bel dan meteen 112. Daarna kun je "
        "gewoon terugkomen in deze chat.",
    ),
    (
        "nl",
        50,
        "Gedachten aan zelfdoding: 113",
        "Denk je aan zelfdoding, of maak je je daar zorgen over bij iemand anders? Dat is "
        "heel zwaar, en je mag het hier vertellen. Je kunt ook dag en nacht gratis en anoniem "
        "praten met 113 Zelfmoordpreventie: bel 113 of 0800-0113, of chat via 113.nl.",
    ),
    (
        "nl",
        60,
        "Veilig Thuis: 0800-2000",
        "Maak je je zorgen over huiselijk geweld of over een kind? Veilig Thuis geeft advies "
        "en steun, ook aan familie en omstanders. Bel gratis, dag en nacht: 0800-2000. Een "
        "officiële melding kan niet via hun chat, wel via de telefoon.",
    ),
    (
        "nl",
        90,
        "Afsluiten",
        "Dank je wel dat je met ons wilde praten. Je kunt altijd terugkomen, ook als je later "
        "nog vragen hebt. Heb je na deze chat meteen hulp nodig? Bel 112 bij gevaar, of dag "
        "en nacht gratis Veilig Thuis (0800-2000) of 113 (0800-0113). Zorg goed voor jezelf.",
    ),
    (
        "en",
        10,
        "Greeting",
        "Hi, I'm glad you're here. You're talking to a counsellor at Hulppunt Onder Controle. "
        "You can tell us what you are going through in or with a group or closed community, "
        "even if you're not sure yet. You don't have to give your name, and you decide what "
        "you share. What would you like to talk about?",
    ),
    (
        "en",
        20,
        "Are you safe right now?",
        "Before we go on: are you safe right now? And could anyone read along on your screen "
        "or phone? If you need to leave quickly, click ‘Exit now’ or press Shift three times.",
    ),
    (
        "en",
        30,
        "Chatting anonymously",
        "You are chatting anonymously here. We don't see your name, IP address or phone "
        "number, and we won't ask for them. What you tell us stays with us. Only if someone, "
        "a child for example, is in serious danger may we call in help. If it is safe to do "
        "so, we will tell you first.",
    ),
    (
        "en",
        40,
        "Danger now: 112",
        "Are you or is someone else in immediate danger? Call 112 straight away. You can come "
        "back to this chat afterwards.",
    ),
    (
        "en",
        50,
        "Thoughts of suicide: 113",
        "Are you thinking about suicide, or worried that someone else is? That is very hard, "
        "and you can talk about it here. You can also talk to 113 Suicide Prevention, free "
        "and anonymous, day and night: call 113 or 0800-0113, or chat at 113.nl.",
    ),
    (
        "en",
        60,
        "Veilig Thuis: 0800-2000",
        "Are you worried about domestic violence or about a child? Veilig Thuis (Safe at "
        "Home) gives advice and support, also to relatives and bystanders. Call free, day and "
        "night: 0800-2000. An official report cannot be made through their chat, but it can "
        "by phone.",
    ),
    (
        "en",
        90,
        "Closing",
        "Thank you for talking with us. You can always come back, also if you have questions "
        "later. Need help straight away after this chat? Call 112 in an emergency, or Veilig "
        "Thuis (0800-2000) or 113 (0800-0113), free, day and night. Take good care of "
        "yourself.",
    ),
]


def add_starter_set(apps, schema_editor):
    CannedResponse = apps.get_model("chat", "CannedResponse")
    for language, position, title, body in STARTER_SET:
        if not CannedResponse.objects.filter(language=language, title=title).exists():
            CannedResponse.objects.create(
                language=language, position=position, title=title, body=body
            )


def remove_untouched_starters(apps, schema_editor):
    CannedResponse = apps.get_model("chat", "CannedResponse")
    for language, _position, title, body in STARTER_SET:
        CannedResponse.objects.filter(language=language, title=title, body=body).delete()


class Migration(migrations.Migration):
    dependencies = [("chat", "0011_canned_response_language")]

    operations = [migrations.RunPython(add_starter_set, remove_untouched_starters)]
