"""The offer to keep an ended anonymous chat in a new account ("Bewaar dit gesprek").

It lasts minutes, not as long as the session: on a shared device the next person at the
browser must not be able to make an account of their own and find the transcript in it.
"""

import time

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from accounts.models import User
from accounts.session_keys import SAVEABLE, SAVEABLE_UNTIL
from chat.models import Block, Conversation

# Sent inside the transaction that moves a conversation into an account, with
# `conversation` and `client`: an app above chat (handover's referrals) moves what belongs
# to the conversation in that same transaction (handover/apps.py), since chat imports it not.
kept = Signal()

# Long enough to read the end page, make an account and write its passphrase down.
OFFER_SECONDS = 10 * 60


def offer(session, conversation):
    session[SAVEABLE] = str(conversation.pk)
    session[SAVEABLE_UNTIL] = time.time() + OFFER_SECONDS


def offered(session):
    """The id of the conversation on offer, or None. An offer that ran out is withdrawn."""
    conversation_id = session.get(SAVEABLE)
    if conversation_id is None:
        return None
    if time.time() <= session.get(SAVEABLE_UNTIL, 0):
        return conversation_id
    withdraw(session)
    return None


def take(session):
    """The id on offer, once: the offer ends either way."""
    conversation_id = offered(session)
    withdraw(session)
    return conversation_id


def keep(session, client):
    """Move the conversation on offer into `client`'s new account, with everything that
    belonged to the anonymous visitor of it, in one transaction: a block of that visitor
    now holds the account too, and the receivers of `kept` move their part (the
    referrals). One that already belongs to someone stays where it is. True if it moved."""
    conversation_id = take(session)
    if conversation_id is None:
        return False
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update()
            .filter(
                pk=conversation_id,
                client__isnull=True,
                state__in=Conversation.FINISHED_STATES,
            )
            .first()
        )
        if conversation is None:
            return False
        conversation.client = client
        # An account's conversations are blocked and recognised by the account.
        conversation.visitor_pseudonym = ""
        conversation.save(update_fields=["client", "visitor_pseudonym"])
        Block.objects.filter(conversation=conversation, client__isnull=True).update(client=client)
        if client.first_conversation_at is None:
            User.objects.filter(pk=client.pk).update(first_conversation_at=timezone.now())
        kept.send(sender=Conversation, conversation=conversation, client=client)
    return True


def withdraw(session):
    session.pop(SAVEABLE, None)
    session.pop(SAVEABLE_UNTIL, None)
