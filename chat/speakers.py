"""Who spoke: the one label for a message's sender, for every page that shows messages
(the live chat, the client's history and download, the supervisor's look)."""

from django.utils.translation import gettext_lazy as _

from chat.models import Message

OWN = _("Jij")
LABELS = {
    Message.Sender.VISITOR: _("Bezoeker"),
    Message.Sender.COUNSELLOR: _("Hulpverlener"),
    Message.Sender.SYSTEM: _("Hulppunt Onder Controle"),
    Message.Sender.GUEST: _("Professional van een partner"),
}


def labels(viewer=None, visitor_name=""):
    """Sender -> label, as `viewer` reads the conversation: their own part in it
    ("visitor", "counsellor", "guest", as chat.conversations.role_in says) is "Jij"; None
    for a reader who takes no part (a supervisor's look). `visitor_name` is what a
    counsellor or guest calls the visitor (their shown name, "Cliënt")."""
    table = {sender: str(label) for sender, label in LABELS.items()}
    if visitor_name:
        table[Message.Sender.VISITOR] = str(visitor_name)
    if viewer in table:
        table[viewer] = str(OWN)
    return table


def label_for(message, viewer=None, visitor_name=""):
    return labels(viewer, visitor_name)[message.sender]
