"""Who spoke: the one label for a message's sender, for every page that shows messages
(the live chat, the client's history and download, the supervisor's look).

The visitor and a guest read "Hulpverlener" for every counsellor, also for a supervisor
who joined openly (chat/observers.py), and never a name. Staff read the name of a
counsellor's message written by someone other than the chat's counsellor (`for_staff`:
the event's `by`), and a whisper as "Fluistering van <name>" (its partial in
templates/chat/includes/message.html)."""

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
    if viewer:
        # Also for an observer, who writes as a counsellor only after joining.
        table[viewer] = str(OWN)
    return table


def staff_name(message, counsellor_id):
    """The name staff read for a counsellor's message not written by the conversation's
    counsellor (a supervisor who joined, a colleague before a transfer), or ""."""
    if message.sender != Message.Sender.COUNSELLOR or message.author_id in (None, counsellor_id):
        return ""
    return getattr(message.author, "username", "") or ""


def for_staff(message, counsellor_id=None):
    """The message's event for the counsellor's and observers' sockets only."""
    event = message.as_event()
    name = staff_name(message, counsellor_id)
    if name:
        event["by"] = name
    return event


def label_for(message, viewer=None, visitor_name=""):
    return labels(viewer, visitor_name)[message.sender]
