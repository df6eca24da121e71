"""What the visitor's ended-chat page shows beyond chat's own part.

An app above chat adds a part of its own (handover: where the chat's referrals stand) by
answering `parts` with HTML (handover/apps.py); chat imports none of them.
"""

from django.dispatch import Signal

from chat.models import Conversation

# Sent with `conversation` (ended, and this browser session's) and `can_save` (the chat is
# on offer to keep in a new account); a receiver answers with HTML to show, or "".
parts = Signal()


def parts_for(conversation, can_save):
    answers = parts.send(sender=Conversation, conversation=conversation, can_save=can_save)
    return [html for _receiver, html in answers if html]
