"""What the workspace's side panel shows for a chat beyond chat's own parts.

An app above chat adds a part of its own (handover: the chat's referrals that still need a
step, each with the steps it offers now) by answering `parts` with HTML (handover/apps.py);
chat imports none of them. The way chat/ended_page.py does it for the visitor's page.
"""

from django.dispatch import Signal

from chat.models import Conversation

# Sent with `conversation` (in the workspace of `request.user`) and `request` (the forms in
# a part need its CSRF token); a receiver answers with HTML to show, or "".
parts = Signal()


def parts_for(request, conversation):
    answers = parts.send(sender=Conversation, conversation=conversation, request=request)
    return [html for _receiver, html in answers if html]
