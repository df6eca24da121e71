"""The three-way handover: a partner's professional joins a live chat as a guest.

The counsellor invites (handover checks the client's consent first); the guest redeems a
single-use link that expires, and from then on takes part through this browser session.
The guest sees only what is said after joining (`joined_seq`), is announced to the client
by a system message, and can be removed, which closes the guest's socket at once.
"""

import contextlib
import datetime
import hashlib
import secrets
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import session_keys
from audit import entries
from audit.entries import Action
from chat import conversations, events
from chat.models import GuestInvitation, Message
from common.refusals import NotAllowed

LINK_LIFETIME = datetime.timedelta(minutes=30)


class LinkNotValid(Exception):
    """Unknown, used before, expired, withdrawn, or the chat has ended: one answer for all."""


def _hash(token):
    # The token has 256 random bits: a plain hash is enough to keep it out of the database.
    return hashlib.sha256(token.encode()).hexdigest()


def invite(conversation, partner_name, counsellor, referral_id=None):
    """A new single-use link for the conversation's counsellor to pass on. Returns
    (invitation, token); only the token's hash is kept, so show the token now."""
    if not conversation.is_open or conversation.counsellor_id != counsellor.pk:
        raise NotAllowed
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = GuestInvitation.objects.create(
            conversation=conversation,
            partner_name=partner_name[:120],
            token_hash=_hash(token),
            invited_by=counsellor,
            expires_at=timezone.now() + LINK_LIFETIME,
        )
        entries.record(
            counsellor,
            Action.GUEST_INVITED,
            conversation=conversation,
            referral=referral_id,
            detail=f"invitation={invitation.pk}",
        )
    return invitation, token


def find_by_token(token):
    """The invitation a link points to, if it can still be used; LinkNotValid otherwise."""
    invitation = (
        GuestInvitation.objects.select_related("conversation")
        .filter(token_hash=_hash(token or ""))
        .first()
    )
    if (
        invitation is None
        or invitation.used_at is not None
        or invitation.removed_at is not None
        or invitation.expires_at <= timezone.now()
        or not invitation.conversation.is_open
    ):
        raise LinkNotValid
    return invitation


def redeem(token, session):
    """The professional joins: the link is used up (a conditional UPDATE, so it works only
    once even when clicked twice at the same moment), the client is told, and from here
    on this session may read and write what comes next."""
    invitation = find_by_token(token)
    conversation = invitation.conversation
    with transaction.atomic():
        now = timezone.now()
        claimed = GuestInvitation.objects.filter(
            pk=invitation.pk, used_at__isnull=True, removed_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not claimed:
            raise LinkNotValid
        notice = _("Er doet nu iemand van %(partner)s mee aan het gesprek.") % {
            "partner": invitation.partner_name
        }
        try:
            message, _created = conversations.post_message(
                conversation, Message.Sender.SYSTEM, notice, uuid.uuid4()
            )
        except conversations.ConversationClosed:
            raise LinkNotValid from None
        # The join notice is the first thing the guest sees; nothing before it.
        GuestInvitation.objects.filter(pk=invitation.pk).update(joined_seq=message.seq - 1)
        entries.record(
            None,
            Action.GUEST_JOINED,
            conversation=conversation,
            detail=f"invitation={invitation.pk}",
        )
    session[session_keys.GUEST_INVITATION] = str(invitation.pk)
    invitation.refresh_from_db()
    return invitation


def invitation_in(session, conversation=None):
    """The guest invitation this session joined with, while the guest is still present."""
    invitations = GuestInvitation.objects.held_by(session)
    if conversation is not None:
        invitations = invitations.filter(conversation=conversation)
    return invitations.first()


def visible_after(conversation, session):
    """The guest reads only messages with a higher seq than this."""
    invitation = invitation_in(session, conversation)
    if invitation is None or invitation.joined_seq is None:
        raise NotAllowed
    return invitation.joined_seq


def present(conversation):
    return GuestInvitation.objects.present().filter(conversation=conversation)


def remove(invitation, by, session=None):
    """The counsellor removes the guest, or the guest leaves (by=None, their own session).
    The client is told; the guest's socket closes."""
    invitation = GuestInvitation.objects.select_related("conversation").get(pk=invitation.pk)
    if by is None:
        if invitation_in(session, invitation.conversation) != invitation:
            raise NotAllowed
    elif invitation.conversation.counsellor_id != by.pk:
        raise NotAllowed
    with transaction.atomic():
        removed = _end(invitation, by, "" if by else " left")
    if removed and by is None and session is not None:
        session.pop(session_keys.GUEST_INVITATION, None)
    return removed


def revoke(invitation_ids, by):
    """The consent these invitations rest on has ended (handover/referrals.py, which has
    checked who may take that step): a guest in the chat goes as if removed, and a link
    not yet used stops working. Call inside the transaction that ends the consent, so a
    redeem racing it either sees the link revoked or is itself ended here."""
    ended = GuestInvitation.objects.select_related("conversation").filter(
        pk__in=list(invitation_ids), removed_at__isnull=True
    )
    return sum(_end(invitation, by, " consent_ended") for invitation in ended)


def _end(invitation, by, why):
    """Inside a transaction: the invitation ends once (a conditional UPDATE), the client
    reads that the guest has gone, and the guest's socket is told to close."""
    conversation = invitation.conversation
    removed = GuestInvitation.objects.filter(pk=invitation.pk, removed_at__isnull=True).update(
        removed_at=timezone.now(), removed_by=by
    )
    if not removed:
        return False
    # Read again: a redeem that committed after this invitation was loaded has used it.
    used = GuestInvitation.objects.filter(pk=invitation.pk, used_at__isnull=False).exists()
    if used and conversation.is_open:
        notice = _("De medewerker van %(partner)s doet niet meer mee aan het gesprek.") % {
            "partner": invitation.partner_name
        }
        with contextlib.suppress(conversations.ConversationClosed):
            conversations.post_message(conversation, Message.Sender.SYSTEM, notice, uuid.uuid4())
    entries.record(
        by,
        Action.GUEST_REMOVED,
        conversation=conversation,
        detail=f"invitation={invitation.pk}{why}",
    )
    events.signal_on_commit(
        conversation.group_name, {"type": "guest.removed", "invitation": str(invitation.pk)}
    )
    return True


def invitations_of(conversation):
    return GuestInvitation.objects.filter(conversation=conversation).order_by("created_at")
