"""Keeping an abusive visitor out for a while, without learning who they are.

A client with an account is blocked per account. An anonymous visitor is blocked per
browser session: the session holds a random token, and conversations keep only a keyed
pseudonym of it, which means nothing outside this server and is deleted with them.
Clearing the browser gets round such a block; that is the price of not knowing people.
"""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from audit import entries
from chat import conversations
from chat.models import Block

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


def is_blocked(user, session, now=None):
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
        raise PermissionDenied
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
            conversations.end_conversation(conversation, by="counsellor")
        entries.record(
            counsellor,
            entries.Action.VISITOR_BLOCKED,
            conversation=conversation,
            detail=f"duration={duration}",
        )
    return block


def can_block(conversation):
    """An anonymous visitor from before pseudonyms existed cannot be blocked."""
    return bool(conversation.client_id or conversation.visitor_pseudonym)


def review(block, supervisor, *, lift):
    """A supervisor upholds the block or lifts it at once."""
    if supervisor.role not in ("supervisor", "admin"):
        raise PermissionDenied
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


def purge_expired(now=None):
    """Blocks go CONVERSATION_RETENTION_DAYS after they ran out."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.CONVERSATION_RETENTION_DAYS)
    return Block.objects.filter(until__lt=cutoff).delete()[0]
