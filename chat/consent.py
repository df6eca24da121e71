"""The consent a visitor gives before a conversation starts (docs/security.md).

Each conversation records the version it was given under, never who gave it. Change the
version whenever the text changes.
"""

from django.utils.translation import gettext_lazy as _

VERSION = "2026-11-28"

TEXT = _(
    "Ik weet dat Hulppunt Onder Controle dit gesprek versleuteld bewaart, zodat ik en de "
    "hulpverleners het kunnen teruglezen, en het daarna wist. Ik geef toestemming om wat ik "
    "vertel over bijvoorbeeld geloof, geweld of gezondheid daarvoor te gebruiken."
)
