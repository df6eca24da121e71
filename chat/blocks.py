"""Keeping an abusive visitor out for a while, without learning who they are.

A client with an account is blocked per account. An anonymous visitor is blocked per
browser session: the session holds a random token, and conversations keep only a keyed
pseudonym of it, which means nothing outside this server and is deleted with them.
Clearing the browser gets round such a block; that is the price of not knowing people.

A second layer, best effort: for a short while (ADDRESS_BLOCK_MINUTES) a block also covers
the keyed, daily-rotating pseudonym of the address the chat was started from, so logging
out or clearing cookies does not bring the visitor straight back. It lives in the cache
only, never in the database, and may keep out someone else on the same address (a school,
a shelter, a mobile network) for that while; the blocked page gives them the numbers.
"""

import datetime
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from audit import entries
from chat import conversations, queue
from chat.models import Block
from common.refusals import NotAllowed

SESSION_TOKEN = "visitor_token"  # noqa: S105 (a session key name, not a secret)
DURATIONS = {
    "1d": datetime.timedelta(days=1),
    "7d": datetime.timedelta(days=7),
    "30d": datetime.timedelta(days=30),
}


class EmptyReason(Exception):
    pass


def pseudonym_for_session(session, create=True):
    """The keyed pseudonym of this browser session, or "" when it has none yet."""
    token = session.get(SESSION_TOKEN)
    if token is None:
        if not create:
            return ""
        token = secrets.token_urlsafe(16)
        session[SESSION_TOKEN] = token
    return salted_hmac("hoc.chat.blocks.visitor", token, algorithm="sha256").hexdigest()


def _address_key(address):
    return f"block:address:{address}"


def _block_address_key(block):
    return f"block:address-of:{block.pk}"


def is_blocked(user, session, address="", now=None):
    """`address`: the request's address pseudonym (accounts.pseudonyms.client_pseudonym)."""
    if address:
        until, _ = cache.get(_address_key(address), (0, None))
        if until > time.time():
            return True
    now = now or timezone.now()
    subject = Q()
    if user is not None and user.is_authenticated and user.is_client:
        subject |= Q(client=user)
    pseudonym = pseudonym_for_session(session, create=False)
    if pseudonym:
        subject |= Q(visitor_pseudonym=pseudonym)
    if not subject:
        return False
    return Block.objects.in_force(now).filter(subject).exists()


def block_visitor(conversation, counsellor, *, duration, reason):
    """Block the visitor of this conversation and end it. A supervisor reviews it later."""
    if conversation.counsellor_id != counsellor.pk:
        raise NotAllowed
    reason = reason.strip()
    if not reason:
        raise EmptyReason
    until = timezone.now() + DURATIONS[duration]
    with transaction.atomic():
        block = Block.objects.create(
            client_id=conversation.client_id,
            visitor_pseudonym="" if conversation.client_id else conversation.visitor_pseudonym,
            conversation=conversation,
            until=until,
            reason=reason,
            created_by=counsellor,
        )
        if conversation.is_open:
            conversations.end_conversation(conversation, by="counsellor", actor=counsellor)
        entries.record(
            counsellor,
            entries.Action.VISITOR_BLOCKED,
            conversation=conversation,
            detail=f"duration={duration}",
        )
        address = queue.source_address(conversation)
        if address:
            seconds = min(settings.ADDRESS_BLOCK_MINUTES * 60, DURATIONS[duration].total_seconds())
            transaction.on_commit(lambda: _block_address(block, address, seconds))
    return block


def _block_address(block, address, seconds):
    if seconds <= 0:
        return
    # The end time is in the value, so the block ends on time whatever the cache does with
    # its TTL; the TTL only clears it away. The block's id lets lifting it lift only its own.
    until = time.time() + seconds
    cache.set(_address_key(address), (until, str(block.pk)), int(seconds) + 1)
    cache.set(_block_address_key(block), address, int(seconds) + 1)


def can_block(conversation):
    """An anonymous visitor from before pseudonyms existed cannot be blocked."""
    return bool(conversation.client_id or conversation.visitor_pseudonym)


def review(block, supervisor, *, lift):
    """A supervisor upholds the block or lifts it at once."""
    if not supervisor.is_supervisor:
        raise NotAllowed
    now = timezone.now()
    with transaction.atomic():
        Block.objects.filter(pk=block.pk).update(
            reviewed_by=supervisor, reviewed_at=now, lifted_at=now if lift else None
        )
        entries.record(
            supervisor,
            entries.Action.BLOCK_REVIEWED,
            conversation=block.conversation_id,
            detail="lifted" if lift else "upheld",
        )
        if lift:
            transaction.on_commit(lambda: _lift_address(block))


def _lift_address(block):
    address = cache.get(_block_address_key(block))
    if not address:
        return
    _, by = cache.get(_address_key(address), (0, None))
    if by == str(block.pk):
        cache.delete(_address_key(address))
    cache.delete(_block_address_key(block))


def purge_expired(now=None):
    """Blocks go CONVERSATION_RETENTION_DAYS after they ran out."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.CONVERSATION_RETENTION_DAYS)
    return Block.objects.filter(until__lt=cutoff).delete()[0]
