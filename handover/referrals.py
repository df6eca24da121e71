"""Referrals: the warm handover, one verb per step (docs/handover.md).

Every verb checks again who may take the step and whether the referral's state allows it
(under a row lock, so two clicks or two people never both move it), writes the audit log
in the same transaction, and tells the client's chat only after commit.

With consent:    draft → consent_asked → (declined | in_review) → approved → sent
                 → acknowledged → closed; returned → draft or in_review again.
Without consent: draft → in_review (with a written justification along the meldcode
                 steps) → approved by someone else → sent → ...
"""

import datetime
import hashlib
import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as noop

from audit import entries
from audit.entries import Action
from chat import conversations, events, guests
from chat.models import Conversation, Message
from handover.models import FINAL_STATES, Partner, Referral, ReferralInvitation

State = Referral.State
Shared = Referral.Shared
Route = Referral.ContactRoute

IDENTIFYING = {Shared.NAME, Shared.CONTACT}
ROUTES_NEEDING_CONTACT = {Route.PARTNER_CALLS, Route.PARTNER_WRITES}

# The meldcode's five steps (domain brief §5.1): a referral without consent needs an
# answer to each before a supervisor can see it.
MELDCODE_STEPS = [
    ("signals", "1. Welke signalen heb je gezien en vastgelegd?"),
    ("consulted", "2. Met wie heb je overlegd (collega, Veilig Thuis)?"),
    ("conversation", "3. Heb je met de cliënt gesproken? Zo niet: waarom niet?"),
    ("weighing", "4. Weging: waarom is er acute of structurele onveiligheid?"),
    ("decision", "5. Besluit: waarom zonder toestemming, en wat deel je precies?"),
]

# Which step leads from which states (docs/handover.md has the same table).
TRANSITIONS = {
    "ask_consent": ({State.DRAFT}, State.CONSENT_ASKED),
    "accept": ({State.CONSENT_ASKED}, State.IN_REVIEW),
    "decline": ({State.CONSENT_ASKED}, State.DECLINED),
    "submit": ({State.DRAFT}, State.IN_REVIEW),
    "approve": ({State.IN_REVIEW}, State.APPROVED),
    "return": ({State.IN_REVIEW}, State.RETURNED),
    "revise": ({State.RETURNED}, State.DRAFT),
    "resubmit": ({State.RETURNED}, State.IN_REVIEW),
    "mark_sent": ({State.APPROVED}, State.SENT),
    "acknowledge": ({State.SENT}, State.ACKNOWLEDGED),
    "close": ({State.SENT, State.ACKNOWLEDGED}, State.CLOSED),
    "withdraw": ({State.IN_REVIEW, State.RETURNED, State.APPROVED}, State.WITHDRAWN),
    "cancel": (
        {State.DRAFT, State.CONSENT_ASKED, State.IN_REVIEW, State.RETURNED, State.APPROVED},
        State.CANCELLED,
    ),
}
# Once consent is given, the partner's professional may be invited into the live chat,
# and takes part only while the referral stays in these states (_end_guests).
CONSENTED = {State.IN_REVIEW, State.APPROVED, State.SENT, State.ACKNOWLEDGED}


class ReferralError(Exception):
    """A step that the rules refuse; the message says why, for staff."""


class WrongState(ReferralError):
    """This step is not possible in the referral's current state."""


class IdentifyingDataForAnonymous(ReferralError):
    """An anonymous visitor cannot be referred with data that identifies them."""


class JustificationMissing(ReferralError):
    """The meldcode path needs every step answered, the kind of unsafety, and whether the
    client was told (and why not)."""


class FourEyes(ReferralError):
    """The person who drafted a referral can never also review it."""


class CommentsRequired(ReferralError):
    """Returning a referral needs a comment saying what to change."""


class CardChanged(ReferralError):
    """The client answered a consent card that is no longer the current one."""


class ContactDetailsMissing(ReferralError):
    """The partner is to call or write, but the client gave no way to reach them."""


class InvalidDraft(ReferralError):
    """The draft contradicts itself (a contact route without contact details to share)."""


# --- Who may ---------------------------------------------------------------------------------


def _is_reviewer(user):
    return user.is_authenticated and user.is_supervisor


def _require_drafter(referral, user):
    if not user.is_authenticated or referral.drafted_by_id != user.pk:
        raise PermissionDenied


def _require_drafter_or_reviewer(referral, user):
    if not (_is_reviewer(user) or (user.is_authenticated and referral.drafted_by_id == user.pk)):
        raise PermissionDenied


def _require_holder(conversation, user):
    """Counsellors draft only for conversations they hold (or held, when it ended)."""
    if not user.is_authenticated or not user.is_staff_member:
        raise PermissionDenied
    if conversation is None or conversation.counsellor_id != user.pk:
        raise PermissionDenied


def conversation_to_draft_for(user, conversation_id):
    """The conversation a counsellor may draft a referral for: one they hold, or held when
    it ended, its closing form included. Not chat's get_conversation_for, which ends a
    counsellor's part at the closing form: drafting shows nothing of what was said."""
    try:
        conversation = Conversation.objects.get(pk=conversation_id)
    except (Conversation.DoesNotExist, ValueError, TypeError):
        raise PermissionDenied from None
    _require_holder(conversation, user)
    return conversation


def is_client_of(referral, user, session):
    """The client the referral is about: their account, or this anonymous browser session
    while it takes part in the conversation (chat.conversations.role_in)."""
    if user.is_authenticated and user.is_client and referral.client_id == user.pk:
        return True
    if referral.conversation is None:
        return False
    role = conversations.role_in(referral.conversation, user, session)
    return role == Message.Sender.VISITOR


def _require_client(referral, user, session):
    if referral.without_consent or not is_client_of(referral, user, session):
        raise PermissionDenied


def get_for_staff(user, referral_id):
    """The referral if this staff member may see it; PermissionDenied otherwise."""
    try:
        return Referral.objects.select_related("partner", "conversation").get(
            pk=referral_id, **({} if _is_reviewer(user) else {"drafted_by": user})
        )
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise PermissionDenied from None


def get_for_client(user, session, referral_id):
    try:
        referral = Referral.objects.select_related("partner", "conversation").get(pk=referral_id)
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise PermissionDenied from None
    _require_client(referral, user, session)
    return referral


# --- Moving between states ---------------------------------------------------------------


def _locked(referral, verb):
    """The referral's row, locked for this transaction, if `verb` may leave its state."""
    locked = Referral.objects.select_related("partner", "conversation").select_for_update(
        of=("self",)
    )
    locked = locked.get(pk=referral.pk)
    sources, _target = TRANSITIONS[verb]
    if locked.state not in sources:
        raise WrongState(
            _("Dat kan niet meer: de verwijzing is nu %(state)s.")
            % {"state": locked.get_state_display()}
        )
    return locked


def _move(locked, verb, actor, action, detail=""):
    _sources, target = TRANSITIONS[verb]
    if locked.state in CONSENTED and target not in CONSENTED:
        _end_guests(locked, actor)
    locked.state = target
    if target in FINAL_STATES:
        locked.finished_at = timezone.now()
    locked.save()
    entries.record(
        actor,
        action,
        conversation=locked.conversation_id,
        referral=locked,
        detail=f"state={target}" + (f" {detail}" if detail else ""),
    )
    _tell_client(locked)
    return locked


def _tell_client(referral):
    """The client's chat re-reads its consent cards (static/js/referral-card.js)."""
    if referral.conversation_id is None or referral.without_consent:
        return
    events.send_on_commit(
        events.Audience.visitor(referral.conversation),
        {"type": "referral", "referral": str(referral.pk), "state": referral.state},
    )


# --- Drafting --------------------------------------------------------------------------------


def _check_content(*, client, partner, shared, contact_route, without_consent):
    if not partner.accepts_referrals:
        raise InvalidDraft(_("Naar deze partner kun je niet verwijzen."))
    shared = [code for code in Shared.values if code in set(shared) | {Shared.SUMMARY}]
    identifying = IDENTIFYING & set(shared) or contact_route in ROUTES_NEEDING_CONTACT
    if client is None and identifying:
        # An anonymous visitor: no data that could find them (domain brief §5.3, G1).
        raise IdentifyingDataForAnonymous(
            _(
                "Deze bezoeker chat anoniem: deel geen naam of contactgegevens. Bied een "
                "account aan, of geef de eigen contactroute van de partner."
            )
        )
    if not without_consent:
        if contact_route not in Route.values:
            raise InvalidDraft(_("Kies hoe de partner contact opneemt."))
        if contact_route in ROUTES_NEEDING_CONTACT and Shared.CONTACT not in shared:
            raise InvalidDraft(
                _("Als de partner belt of mailt, moet het contactgegeven gedeeld worden.")
            )
    return shared


def draft(
    conversation,
    counsellor,
    *,
    partner,
    purpose,
    summary,
    shared,
    contact_route="",
    without_consent=False,
    concern="",
    children_involved=False,
    justification=None,
    client_informed=None,
    not_informed_reason="",
):
    """A counsellor starts a referral for a conversation they hold. Nothing leaves yet."""
    _require_holder(conversation, counsellor)
    client = conversation.client
    shared = _check_content(
        client=client,
        partner=partner,
        shared=shared,
        contact_route=contact_route,
        without_consent=without_consent,
    )
    with transaction.atomic():
        referral = Referral.objects.create(
            conversation=conversation,
            client=client,
            partner=partner,
            purpose=purpose,
            without_consent=without_consent,
            drafted_by=counsellor,
            summary=summary.strip(),
            shared=shared,
            contact_route="" if without_consent else contact_route,
            concern=concern if without_consent else "",
            children_involved=children_involved,
            justification=json.dumps(justification or {}) if without_consent else "",
            client_informed=client_informed if without_consent else None,
            not_informed_reason=not_informed_reason if without_consent else "",
        )
        entries.record(
            counsellor,
            Action.REFERRAL_DRAFTED,
            conversation=conversation,
            referral=referral,
            detail=f"partner={partner.slug}{' without_consent' if without_consent else ''}",
        )
    return referral


EDITABLE = [
    "partner",
    "purpose",
    "summary",
    "shared",
    "contact_route",
    "concern",
    "children_involved",
    "justification",
    "client_informed",
    "not_informed_reason",
]


def edit(referral, counsellor, **changes):
    """Change a draft; only its author, only while it is a draft."""
    _require_drafter(referral, counsellor)
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.state != State.DRAFT:
            raise WrongState(_("Alleen een concept kun je wijzigen."))
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise TypeError(f"cannot edit {sorted(unknown)}")
        if "justification" in changes:
            changes["justification"] = json.dumps(changes["justification"] or {})
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.shared = _check_content(
            client=locked.client,
            partner=locked.partner,
            shared=locked.shared,
            contact_route=locked.contact_route,
            without_consent=locked.without_consent,
        )
        locked.save()
        entries.record(
            counsellor,
            Action.REFERRAL_CHANGED,
            conversation=locked.conversation_id,
            referral=locked,
            detail="fields=" + ",".join(sorted(changes))[:180],
        )
    return locked


def justification_of(referral):
    try:
        answers = json.loads(referral.justification or "{}")
    except ValueError:
        answers = {}
    return [(key, label, answers.get(key, "")) for key, label in MELDCODE_STEPS]


def _check_justification(referral):
    missing = [label for _key, label, answer in justification_of(referral) if not answer.strip()]
    if missing or referral.concern not in Referral.Concern.values:
        raise JustificationMissing(
            _("Zonder toestemming: vul elke stap van de meldcode in en kies de soort onveiligheid.")
        )
    if referral.client_informed is None:
        raise JustificationMissing(_("Zeg of de cliënt het weet."))
    if referral.client_informed is False and not referral.not_informed_reason.strip():
        raise JustificationMissing(_("Zeg waarom de cliënt het niet weet."))


# --- Consent ---------------------------------------------------------------------------------

# How the contact goes, in the client's words on the card.
ROUTE_SENTENCES = {
    Route.PARTNER_CALLS: noop("%(partner)s belt je op het nummer dat jij hieronder geeft."),
    Route.PARTNER_WRITES: noop("%(partner)s mailt je op het adres dat jij hieronder geeft."),
    Route.CLIENT_CONTACTS: noop("Jij neemt zelf contact op met %(partner)s, als het jou uitkomt."),
    Route.IN_CHAT: noop("Iemand van %(partner)s komt erbij in deze chat. Je ziet wanneer."),
}


def _card(referral):
    """The consent card as the client will read it: who gets what, and why."""
    partner = referral.partner
    route = referral.contact_route
    card = {
        "partner": partner.name,
        "partner_does": partner.summary,
        "purpose": capfirst(str(Referral.Purpose(referral.purpose).label)),
        "summary": referral.summary,
        "shares": referral.shared_labels(),
        "contact": _(ROUTE_SENTENCES[route]) % {"partner": partner.name} if route else "",
        "asks_contact": route in ROUTES_NEEDING_CONTACT,
        "asks_name": route in ROUTES_NEEDING_CONTACT and Shared.NAME in referral.shared,
        "anonymous": referral.client_id is None,
        "own_route": partner.phone or partner.website or partner.chat,
        "asked_at": timezone.now().isoformat(timespec="seconds"),
    }
    return json.dumps(card, ensure_ascii=False, sort_keys=True)


def card_of(referral):
    """The card shown (a dict), with `digest` so an answer is tied to exactly this text."""
    card = json.loads(referral.consent_snapshot or "{}")
    card["digest"] = digest(referral.consent_snapshot)
    card["id"] = str(referral.pk)
    card["state"] = referral.state
    return card


def digest(snapshot):
    return hashlib.sha256((snapshot or "").encode()).hexdigest()


def ask_consent(referral, counsellor):
    """Show the consent card in the client's chat. The text is frozen as it is shown."""
    _require_drafter(referral, counsellor)
    with transaction.atomic():
        locked = _locked(referral, "ask_consent")
        if locked.without_consent:
            raise WrongState(_("Zonder toestemming: bied de verwijzing ter beoordeling aan."))
        conversation = locked.conversation
        _require_holder(conversation, counsellor)
        if not conversation.is_open:
            raise WrongState(_("Het gesprek is afgelopen: toestemming vraag je in de chat."))
        locked.consent_snapshot = _card(locked)
        locked.consent_at = None
        return _move(locked, "ask_consent", counsellor, Action.REFERRAL_CONSENT_ASKED)


def _contact_json(contact):
    contact = {k: (contact or {}).get(k, "").strip()[:200] for k in ("name", "contact", "times")}
    return json.dumps(contact, ensure_ascii=False) if any(contact.values()) else ""


def accept(referral, user, session, *, shown_digest, contact=None):
    """The client says yes in the chat: recorded with the time and the card as shown.
    A consented referral then waits for a supervisor."""
    _require_client(referral, user, session)
    with transaction.atomic():
        locked = _locked(referral, "accept")
        if shown_digest != digest(locked.consent_snapshot):
            raise CardChanged
        given = {k: v for k, v in (contact or {}).items() if v and str(v).strip()}
        if given and locked.client_id is None:
            raise IdentifyingDataForAnonymous
        needs_contact = locked.contact_route in ROUTES_NEEDING_CONTACT
        if needs_contact and not given.get("contact"):
            raise ContactDetailsMissing
        # Only what the card asked for is kept.
        asked = {"contact", "times"} if needs_contact else set()
        if needs_contact and Shared.NAME in locked.shared:
            asked.add("name")
        details = _contact_json({k: v for k, v in given.items() if k in asked})
        locked.contact_details = details
        locked.consent_at = timezone.now()
        return _move(locked, "accept", _client_actor(user), Action.REFERRAL_CONSENT_GIVEN)


def decline(referral, user, session, *, shown_digest):
    """The client says no: nothing is shared, and the chat goes on."""
    _require_client(referral, user, session)
    with transaction.atomic():
        locked = _locked(referral, "decline")
        if shown_digest != digest(locked.consent_snapshot):
            raise CardChanged
        locked.consent_at = timezone.now()
        return _move(locked, "decline", _client_actor(user), Action.REFERRAL_CONSENT_DECLINED)


def withdraw(referral, user, session):
    """The client takes their consent back; possible until the referral is sent. The
    contact details they gave go at once."""
    _require_client(referral, user, session)
    with transaction.atomic():
        locked = _locked(referral, "withdraw")
        locked.contact_details = ""
        return _move(locked, "withdraw", _client_actor(user), Action.REFERRAL_CONSENT_WITHDRAWN)


def _client_actor(user):
    # An anonymous visitor is logged as nobody; an account by its pseudonymous id.
    return user if user.is_authenticated else None


# --- Review and after ------------------------------------------------------------------------


def submit(referral, counsellor):
    """The meldcode path: a referral without consent goes to a supervisor only with a
    written justification along the meldcode steps."""
    _require_drafter(referral, counsellor)
    with transaction.atomic():
        locked = _locked(referral, "submit")
        if not locked.without_consent:
            raise WrongState(_("Vraag eerst toestemming aan de cliënt."))
        _check_justification(locked)
        return _move(locked, "submit", counsellor, Action.REFERRAL_SUBMITTED, "without_consent")


def _review(referral, supervisor, verb, action, comments):
    if not _is_reviewer(supervisor):
        raise PermissionDenied
    with transaction.atomic():
        locked = _locked(referral, verb)
        if locked.drafted_by_id == supervisor.pk:
            raise FourEyes(_("Je kunt je eigen verwijzing niet beoordelen."))
        if locked.without_consent and verb == "approve":
            _check_justification(locked)
        locked.reviewed_by = supervisor
        locked.reviewed_at = timezone.now()
        locked.review_comments = comments.strip()
        return _move(locked, verb, supervisor, action)


def approve(referral, supervisor, comments=""):
    """Four eyes: a supervisor who did not draft it lets the referral go."""
    return _review(referral, supervisor, "approve", Action.REFERRAL_APPROVED, comments)


def return_for_changes(referral, supervisor, comments):
    if not comments.strip():
        raise CommentsRequired(_("Schrijf erbij wat er anders moet."))
    return _review(referral, supervisor, "return", Action.REFERRAL_RETURNED, comments)


def revise(referral, counsellor):
    """Back to a draft after a return. Anything the client agreed to must be asked again."""
    _require_drafter(referral, counsellor)
    with transaction.atomic():
        locked = _locked(referral, "revise")
        locked.consent_snapshot = ""
        locked.consent_at = None
        locked.contact_details = ""
        return _move(locked, "revise", counsellor, Action.REFERRAL_CHANGED, "revise")


def resubmit(referral, counsellor):
    """Offer a returned referral again unchanged (the comment needed no change to it)."""
    _require_drafter(referral, counsellor)
    with transaction.atomic():
        locked = _locked(referral, "resubmit")
        if locked.without_consent:
            _check_justification(locked)
        return _move(locked, "resubmit", counsellor, Action.REFERRAL_SUBMITTED, "resubmit")


def mark_sent(referral, user, method):
    """The handover has happened: by phone, secure mail, in person or in the chat."""
    _require_drafter_or_reviewer(referral, user)
    if method not in Referral.SendMethod.values:
        raise ReferralError(_("Kies hoe de verwijzing is verstuurd."))
    with transaction.atomic():
        locked = _locked(referral, "mark_sent")
        locked.sent_by = user
        locked.sent_at = timezone.now()
        locked.sent_method = method
        return _move(locked, "mark_sent", user, Action.REFERRAL_SENT, f"method={method}")


def acknowledge(referral, user):
    _require_drafter_or_reviewer(referral, user)
    with transaction.atomic():
        locked = _locked(referral, "acknowledge")
        locked.acknowledged_at = timezone.now()
        return _move(locked, "acknowledge", user, Action.REFERRAL_ACKNOWLEDGED)


def close(referral, user):
    _require_drafter_or_reviewer(referral, user)
    with transaction.atomic():
        locked = _locked(referral, "close")
        return _move(locked, "close", user, Action.REFERRAL_CLOSED)


def cancel(referral, user):
    """Staff stop a referral before it is sent; a consent card still open disappears."""
    _require_drafter_or_reviewer(referral, user)
    with transaction.atomic():
        locked = _locked(referral, "cancel")
        locked.contact_details = ""
        return _move(locked, "cancel", user, Action.REFERRAL_CANCELLED)


def note_viewed(referral, user, printed=False):
    entries.record(
        user,
        Action.REFERRAL_PRINTED if printed else Action.REFERRAL_VIEWED,
        conversation=referral.conversation_id,
        referral=referral,
    )


# --- The three-way handover ----------------------------------------------------------------


def invite_partner(referral, counsellor):
    """With the client's consent, a single-use link for the partner's professional to join
    the live chat (chat/guests.py). Returns (invitation, token); show the token once.

    The state is read again under the referral's lock, and the link is tied to the
    referral in the same transaction: a withdrawal waits for this step and then ends the
    new link too, or this step waits for the withdrawal and refuses."""
    _require_drafter(referral, counsellor)
    with transaction.atomic():
        locked = Referral.objects.select_related("partner", "conversation").select_for_update(
            of=("self",)
        )
        locked = locked.get(pk=referral.pk)
        conversation = locked.conversation
        _require_holder(conversation, counsellor)
        if (
            locked.without_consent
            or locked.contact_route != Route.IN_CHAT
            or locked.state not in CONSENTED
        ):
            raise WrongState(
                _(
                    "Een professional uitnodigen kan alleen met toestemming voor een gesprek "
                    "in de chat."
                )
            )
        invitation, token = guests.invite(
            conversation, locked.partner.name, counsellor, referral_id=locked.pk
        )
        ReferralInvitation.objects.create(referral=locked, invitation=invitation)
    return invitation, token


def guests_of(referral):
    """The invitations made for this referral, for its page."""
    return guests.invitations_of(referral.conversation).filter(
        pk__in=referral.invitations.values("invitation_id")
    )


def _end_guests(referral, actor):
    """The referral leaves the consented states: whoever joined on its consent leaves the
    chat now, and its links not yet used stop working (chat/guests.py revoke). Inside the
    step's transaction, under the referral's lock."""
    guests.revoke(referral.invitations.values_list("invitation_id", flat=True), actor)


def forget_client(client):
    """The client deleted their account: what they gave goes now. A referral not yet sent
    counts as withdrawn (or declined, if they never answered); the record itself stays for
    its retention period, without a link to anyone."""
    with transaction.atomic():
        for referral in Referral.objects.select_for_update().filter(client=client):
            referral.contact_details = ""
            action = None
            if referral.without_consent:
                pass
            elif referral.state == State.CONSENT_ASKED:
                referral.state, action = State.DECLINED, Action.REFERRAL_CONSENT_DECLINED
            elif referral.state in TRANSITIONS["withdraw"][0]:
                referral.state, action = State.WITHDRAWN, Action.REFERRAL_CONSENT_WITHDRAWN
            if action is not None:
                referral.finished_at = timezone.now()
                _end_guests(referral, None)
            referral.save()
            if action is not None:
                entries.record(
                    None,
                    action,
                    conversation=referral.conversation_id,
                    referral=referral,
                    detail=f"state={referral.state} account_deleted",
                )


# --- Lists and retention -------------------------------------------------------------------


def partners_for_referral():
    return Partner.objects.filter(accepts_referrals=True).order_by("name")


def purge_expired(now=None):
    """Hard-delete referrals REFERRAL_RETENTION_DAYS after they finished, and unfinished
    ones that long after their last change. The audit log keeps who did what, no content."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.REFERRAL_RETENTION_DAYS)
    expired = Referral.objects.filter(
        Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, updated_at__lt=cutoff)
    )
    return expired.delete()[0]
