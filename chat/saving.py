"""The offer to keep an ended anonymous chat in a new account ("Bewaar dit gesprek").

It lasts minutes, not as long as the session: on a shared device the next person at the
browser must not be able to make an account of their own and find the transcript in it.
"""

import time

from accounts.session_keys import SAVEABLE, SAVEABLE_UNTIL

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


def withdraw(session):
    session.pop(SAVEABLE, None)
    session.pop(SAVEABLE_UNTIL, None)
