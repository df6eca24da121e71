import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.fields import EncryptedTextField
from partners.models import Partner


class ReferralQuerySet(models.QuerySet):
    def awaiting_review(self):
        return self.filter(state=Referral.State.IN_REVIEW).order_by("created_at")

    def visible_to(self, user):
        """Supervisors and admins see every referral; a counsellor the ones they drafted."""
        if user.is_supervisor:
            return self
        if user.is_staff_member:
            return self.filter(drafted_by=user)
        return self.none()

    def of_client(self, client):
        """What a client sees in their account: everything once consent was asked."""
        return self.filter(client=client, without_consent=False).exclude(
            state__in=HIDDEN_FROM_CLIENT
        )

    def beside(self, conversation, user):
        """What the workspace's side panel lists beside a chat for `user`: the chat's
        referrals they may see that still need a step in or around the chat (nothing sent
        yet, or a partner's professional still to invite)."""
        return (
            self.visible_to(user)
            .filter(conversation=conversation, state__in=UNSENT_STATES | INVITE_STATES)
            .order_by("created_at")[:10]
        )

    def cards_in(self, conversation):
        """The consent cards of a conversation's chat: every referral its client was asked
        about, each telling where it stands (the answers it offers are
        handover.referrals.allowed_steps)."""
        return self.filter(
            conversation=conversation, without_consent=False, state__in=CARD_STATES
        ).order_by("created_at")


class Referral(models.Model):
    """A warm handover of a client to a partner: with the client's consent, or (meldcode,
    docs/handover.md) without it after a written justification and a second person's check.

    Its own record with its own retention (HOC_REFERRAL_RETENTION_DAYS): it outlives the
    conversation it came from. Every step is in the audit log; the free text is sealed.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("concept")
        CONSENT_ASKED = "consent_asked", _("wacht op toestemming")
        DECLINED = "declined", _("geen toestemming")
        IN_REVIEW = "in_review", _("ter beoordeling")
        RETURNED = "returned", _("teruggestuurd")
        APPROVED = "approved", _("goedgekeurd")
        SENT = "sent", _("verstuurd")
        ACKNOWLEDGED = "acknowledged", _("ontvangen door de partner")
        CLOSED = "closed", _("afgesloten")
        WITHDRAWN = "withdrawn", _("toestemming ingetrokken")
        CANCELLED = "cancelled", _("geannuleerd")

    class Purpose(models.TextChoices):
        ADVICE = "advice", _("advies")
        CARE = "care", _("hulp met een afspraak (face-to-face)")
        MELDING = "melding", _("een melding")
        AANGIFTE = "aangifte", _("steun bij aangifte")

    class Shared(models.TextChoices):
        """What a partner may receive. SUMMARY always goes; NAME and CONTACT identify."""

        SUMMARY = "summary", _("een korte samenvatting van je situatie")
        AGE = "age", _("of je jonger bent dan 18")
        CHILDREN = "children", _("dat er kinderen bij betrokken zijn")
        NAME = "name", _("de naam die jij opgeeft (mag ook een schuilnaam zijn)")
        CONTACT = "contact", _("het telefoonnummer of e-mailadres dat jij opgeeft")

    class ContactRoute(models.TextChoices):
        CLIENT_CONTACTS = "client_contacts", _("je neemt zelf contact op")
        PARTNER_CALLS = "partner_calls", _("de partner belt je")
        PARTNER_WRITES = "partner_writes", _("de partner mailt je")
        IN_CHAT = "in_chat", _("de partner komt erbij in deze chat")

    class SendMethod(models.TextChoices):
        PHONE = "phone", _("telefonisch")
        SECURE_MAIL = "secure_mail", _("beveiligde mail")
        IN_PERSON = "in_person", _("persoonlijk")
        IN_CHAT = "in_chat", _("in de chat (drie-gesprek)")

    class Concern(models.TextChoices):
        ACUTE = "acute", _("acute onveiligheid")
        STRUCTURAL = "structural", _("structurele onveiligheid")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        "chat.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Null for an anonymous visitor: then nothing identifying may be shared.
    client = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals")
    purpose = models.CharField(_("doel"), max_length=10, choices=Purpose.choices)
    state = models.CharField(max_length=14, choices=State.choices, default=State.DRAFT)
    without_consent = models.BooleanField(_("zonder toestemming (meldcode)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the referral reaches a final state; the retention counts from here.
    finished_at = models.DateTimeField(null=True, blank=True)
    drafted_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    summary = EncryptedTextField(_("samenvatting"))
    shared = models.JSONField(default=list)  # Shared codes
    # Empty on the meldcode path: the partner's own procedure decides the contact.
    contact_route = models.CharField(
        _("hoe de partner contact opneemt"),
        max_length=16,
        choices=ContactRoute.choices,
        blank=True,
    )
    # Only what the client chose to give, in the consent card (JSON: name, contact, times).
    contact_details = EncryptedTextField(blank=True, default="")
    # The consent card exactly as shown (JSON), and when the client decided.
    consent_snapshot = EncryptedTextField(blank=True, default="")
    consent_at = models.DateTimeField(null=True, blank=True)

    # The meldcode path (without consent).
    concern = models.CharField(max_length=10, choices=Concern.choices, blank=True)
    children_involved = models.BooleanField(default=False)
    justification = EncryptedTextField(blank=True, default="")  # JSON: the meldcode steps
    client_informed = models.BooleanField(null=True, blank=True)
    not_informed_reason = EncryptedTextField(blank=True, default="")

    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comments = EncryptedTextField(blank=True, default="")
    sent_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_method = models.CharField(max_length=12, choices=SendMethod.choices, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("verwijzing")
        verbose_name_plural = _("verwijzingen")
        # created_at alone: the statistics take the referrals made in a period.
        indexes = [
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self):
        return f"{self.partner_id} {self.state} {self.pk}"

    @property
    def is_shown_to_client(self):
        return not self.without_consent and self.state not in HIDDEN_FROM_CLIENT

    def shared_labels(self):
        return [str(self.Shared(code).label) for code in self.shared if code in self.Shared]


class ReferralInvitation(models.Model):
    """Which referral's consent a guest invitation (chat.GuestInvitation, the three-way
    handover) rests on. When that referral leaves the consented states, its invitations end
    at once (handover.referrals): chat cannot import handover, so the tie is kept here."""

    invitation = models.OneToOneField(
        "chat.GuestInvitation", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="invitations")

    def __str__(self):
        return f"{self.referral_id} {self.invitation_id}"


# --- The referral's states and the steps between them ---------------------------------------
#
# The one table of states and steps. Who may take a step, and the verbs that take it, are
# handover/referrals.py (`allowed_steps`); pages, the consent card and querysets only read
# these names. Here rather than there because the querysets above need them too.

State = Referral.State

# A yes the client can still take back: the card keeps its "Toch niet" button.
OPEN_STATES = frozenset({State.IN_REVIEW, State.RETURNED, State.APPROVED})
# Nothing has left yet: staff can still stop the referral.
UNSENT_STATES = frozenset({State.DRAFT, State.CONSENT_ASKED}) | OPEN_STATES
# The client said yes and has not taken it back: a partner's professional may take part
# in the chat on this consent (handover.referrals.invite_partner, _end_guests).
CONSENTED_STATES = frozenset({State.IN_REVIEW, State.APPROVED, State.SENT, State.ACKNOWLEDGED})
# Consented and approved by a second person: only now may a partner's professional be
# invited into the chat (step "invite"). The card promises that someone checks first, so
# the guest never joins while the referral is still in review (docs/handover.md).
INVITE_STATES = CONSENTED_STATES - {State.IN_REVIEW}
# Approved by a second person: the partner may receive the printout.
PRINTABLE_STATES = frozenset({State.APPROVED, State.SENT, State.ACKNOWLEDGED, State.CLOSED})
# Not yet asked, or stopped before the client answered anything worth keeping in view.
HIDDEN_FROM_CLIENT = frozenset({State.DRAFT, State.CANCELLED})

# step: (the states it leads from, the state it leads to)
TRANSITIONS = {
    "ask_consent": (frozenset({State.DRAFT}), State.CONSENT_ASKED),
    "accept": (frozenset({State.CONSENT_ASKED}), State.IN_REVIEW),
    "decline": (frozenset({State.CONSENT_ASKED}), State.DECLINED),
    "submit": (frozenset({State.DRAFT}), State.IN_REVIEW),
    "approve": (frozenset({State.IN_REVIEW}), State.APPROVED),
    "return": (frozenset({State.IN_REVIEW}), State.RETURNED),
    "revise": (frozenset({State.RETURNED}), State.DRAFT),
    "resubmit": (frozenset({State.RETURNED}), State.IN_REVIEW),
    "mark_sent": (frozenset({State.APPROVED}), State.SENT),
    "acknowledge": (frozenset({State.SENT}), State.ACKNOWLEDGED),
    "close": (frozenset({State.SENT, State.ACKNOWLEDGED}), State.CLOSED),
    "withdraw": (OPEN_STATES, State.WITHDRAWN),
    "cancel": (UNSENT_STATES, State.CANCELLED),
}

# No step leads on from these; the retention period counts from reaching one.
FINAL_STATES = frozenset(State) - {
    state for sources, _ in TRANSITIONS.values() for state in sources
}
# A consent card stays in the chat once asked, telling its true state to the end (approved,
# sent, declined...): what the account's list shows too.
CARD_STATES = frozenset(State) - HIDDEN_FROM_CLIENT
