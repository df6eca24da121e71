import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.fields import EncryptedTextField


class AppendOnly(Exception):
    """Audit entries are written once and never changed."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("audit entries cannot be changed")

    def delete(self):
        raise AppendOnly("audit entries go only through audit.entries.purge_expired")


class AuditEntry(models.Model):
    """Who did what to which conversation or referral, and when: never the content.

    The actor is copied in, not linked: the log must outlive staff accounts and a foreign
    key would have to be rewritten (SET_NULL) when one goes, which the log never allows.
    """

    class Action(models.TextChoices):
        CONVERSATION_VIEWED = "conversation.viewed", _("meegekeken")
        CONVERSATION_CLAIMED = "conversation.claimed", _("gesprek aangenomen")
        CONVERSATION_TRANSFERRED = "conversation.transferred", _("gesprek overgedragen")
        CONVERSATION_ENDED = "conversation.ended", _("gesprek beëindigd")
        CONVERSATION_CLOSED = "conversation.closed", _("afsluitformulier ingevuld")
        NOTE_ADDED = "note.added", _("notitie geschreven")
        VISITOR_BLOCKED = "visitor.blocked", _("bezoeker geblokkeerd")
        BLOCK_REVIEWED = "block.reviewed", _("blokkade beoordeeld")
        HELP_REQUESTED = "help.requested", _("hulp gevraagd")
        HELP_ANSWERED = "help.answered", _("hulpvraag opgepakt")
        CANNED_CHANGED = "canned.changed", _("snel antwoord gewijzigd")
        REPLY_WAITS_CHANGED = "reply_waits.changed", _("drempels antwoordtijd gewijzigd")
        REFERRAL_DRAFTED = "referral.drafted", _("verwijzing opgesteld")
        REFERRAL_CHANGED = "referral.changed", _("verwijzing gewijzigd")
        REFERRAL_CONSENT_ASKED = "referral.consent_asked", _("toestemming gevraagd")
        REFERRAL_CONSENT_GIVEN = "referral.consent_given", _("toestemming gegeven")
        REFERRAL_CONSENT_DECLINED = "referral.consent_declined", _("toestemming geweigerd")
        REFERRAL_CONSENT_WITHDRAWN = "referral.consent_withdrawn", _("toestemming ingetrokken")
        REFERRAL_SUBMITTED = "referral.submitted", _("ter beoordeling aangeboden")
        REFERRAL_APPROVED = "referral.approved", _("verwijzing goedgekeurd")
        REFERRAL_RETURNED = "referral.returned", _("verwijzing teruggestuurd")
        REFERRAL_SENT = "referral.sent", _("verwijzing verstuurd")
        REFERRAL_ACKNOWLEDGED = "referral.acknowledged", _("ontvangst bevestigd")
        REFERRAL_CLOSED = "referral.closed", _("verwijzing afgesloten")
        REFERRAL_CANCELLED = "referral.cancelled", _("verwijzing ingetrokken")
        REFERRAL_VIEWED = "referral.viewed", _("verwijzing ingezien")
        REFERRAL_PRINTED = "referral.printed", _("verwijzing afgedrukt")
        GUEST_INVITED = "guest.invited", _("professional uitgenodigd")
        GUEST_JOINED = "guest.joined", _("professional aangesloten")
        GUEST_REMOVED = "guest.removed", _("professional verwijderd")
        # A supervisor looking on live (chat/observers.py, chat/whispers.py).
        WHISPERED = "conversation.whispered", _("gefluisterd naar de hulpverlener")
        CONVERSATION_JOINED = "conversation.joined", _("openlijk bij het gesprek gekomen")
        CONVERSATION_SECOND_LEFT = "conversation.second_left", _("weer uit het gesprek gegaan")
        # Follow-up appointments (chat/appointments.py): no time, no content, only the step.
        APPOINTMENT_PROPOSED = "appointment.proposed", _("vervolgafspraak voorgesteld")
        APPOINTMENT_ACCEPTED = "appointment.accepted", _("vervolgafspraak aangenomen")
        APPOINTMENT_DECLINED = "appointment.declined", _("vervolgafspraak afgeslagen")
        APPOINTMENT_RESCHEDULED = "appointment.rescheduled", _("vervolgafspraak verzet")
        APPOINTMENT_CANCELLED = "appointment.cancelled", _("vervolgafspraak afgezegd")
        # A supervisor on the visitors' free-text feedback (oversight/feedback_quotes.py):
        # never which text, nor anything of it.
        FEEDBACK_QUOTE_KEPT = "feedback.quote_kept", _("citaat uit een reactie bewaard")
        FEEDBACK_TEXT_DISCARDED = "feedback.text_discarded", _("tekst van een reactie gewist")
        # A returning client's earlier conversations and notes read from the workspace's
        # side panel (chat/client_history.py).
        CLIENT_HISTORY_VIEWED = "client_history.viewed", _("eerdere gesprekken ingezien")
        # The pilot's evaluation report (oversight/evaluation.py): it leaves the organisation.
        EVALUATION_VIEWED = "evaluation.viewed", _("evaluatierapport geopend")
        EVALUATION_DOWNLOADED = "evaluation.downloaded", _("evaluatierapport gedownload (CSV)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_id = models.PositiveBigIntegerField(null=True, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices)
    conversation_id = models.UUIDField(null=True, blank=True, db_index=True)
    referral_id = models.UUIDField(null=True, blank=True, db_index=True)
    # Codes and ids only ("to=12", "state=approved"): never anything a client wrote.
    detail = models.CharField(max_length=200, blank=True)
    # A supervisor's stated reason for looking; staff text, sealed like all free text.
    reason = EncryptedTextField(blank=True, default="")

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("logboekregel")
        verbose_name_plural = _("logboek")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit entries go only through audit.entries.purge_expired")
