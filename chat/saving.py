"""The offer to keep an ended anonymous chat in a new account ("Bewaar dit gesprek").

It lasts minutes, not as long as the session: on a shared device the next person at the
browser must not be able to make an account of their own and find the transcript in it.
"""

import time

SESSION_KEY = "saveable_conversation_id"
UNTIL_KEY = "saveable_until"
# Long enough to read the end page, make an account and write its passphrase down.
OFFER_SECONDS = 10 * 60


def offer(session, conversation):
    session[SESSION_KEY] = str(conversation.pk)
    session[UNTIL_KEY] = time.time() + OFFER_SECONDS


def offered(session):
    """The id of the conversation on offer, or None. An offer that ran out is withdrawn."""
    conversation_id = session.get(SESSION_KEY)
    if conversation_id is None:
        return None
    if time.time() <= session.get(UNTIL_KEY, 0):
        return conversation_id
    withdraw(session)
    return None


def take(session):
    """The id on offer, once: the offer ends either way."""
    conversation_id = offered(session)
    withdraw(session)
    return conversation_id


def withdraw(session):
    session.pop(SESSION_KEY, None)
    session.pop(UNTIL_KEY, None)
