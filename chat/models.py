import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts import session_keys
from common.fields import EncryptedTextField


class OpeningHours(models.Model):
    """One opening period of the chat on a weekday, maintained in the admin."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("maandag")
        TUESDAY = 1, _("dinsdag")
        WEDNESDAY = 2, _("woensdag")
        THURSDAY = 3, _("donderdag")
        FRIDAY = 4, _("vrijdag")
        SATURDAY = 5, _("zaterdag")
        SUNDAY = 6, _("zondag")

    weekday = models.PositiveSmallIntegerField(_("dag"), choices=Weekday.choices)
    opens = models.TimeField(_("open vanaf"))
    closes = models.TimeField(_("tot"), help_text=_("00:00 betekent tot middernacht."))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("openingstijd")
        verbose_name_plural = _("openingstijden")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="opening_weekday_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """Days the chat stays closed despite its weekly hours (holidays, training days)."""

    first_day = models.DateField(_("eerste dag"))
    last_day = models.DateField(_("laatste dag"))
    note = models.CharField(_("reden (op de website)"), max_length=120, blank=True)
    note_en = models.CharField(_("reden (Engels)"), max_length=120, blank=True)

    class Meta:
        ordering = ["first_day"]
        verbose_name = _("sluiting")
        verbose_name_plural = _("sluitingen")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")), name="closure_order"
            ),
        ]

    def __str__(self):
        return f"{self.first_day}–{self.last_day} {self.note}"


class ConversationQuerySet(models.QuerySet):
    def open(self):
        """Waiting or active: something can still be said (Conversation.OPEN_STATES)."""
        return self.filter(state__in=Conversation.OPEN_STATES)

    def waiting(self):
        """The queue: in danger first, then minors, then the longest waiting, as far as the
        answers earned it (`Conversation.priority`)."""
        return self.filter(state=Conversation.State.WAITING, left_message=False).order_by(
            "priority", "created_at", "pk"
        )

    def messages_left(self):
        """Messages clients with an account left while the chat was closed, oldest first."""
        return self.filter(state=Conversation.State.WAITING, left_message=True).order_by(
            "created_at"
        )

    def active_for(self, counsellor):
        return self.filter(state=Conversation.State.ACTIVE, counsellor=counsellor)


class Conversation(models.Model):
    """One chat between a visitor and (once claimed) a counsellor.

    Nothing here identifies the visitor: an anonymous conversation belongs to a browser
    session, an account conversation to a pseudonymous client.
    """

    class State(models.TextChoices):
        WAITING = "waiting", _("in de wachtrij")
        ACTIVE = "active", _("lopend")
        ENDED = "ended", _("beëindigd")
        ABANDONED = "abandoned", _("verlaten in de wachtrij")

    # Something can still be said: the one definition, also in SQL (chat/conversations.py).
    OPEN_STATES = (State.WAITING, State.ACTIVE)
    # The rest: ended by someone, or left while waiting.
    FINISHED_STATES = (State.ENDED, State.ABANDONED)

    class ForWhom(models.TextChoices):
        SELF = "self", _("voor mezelf")
        RELATIVE = "relative", _("voor iemand anders")
        PROFESSIONAL = "professional", _("als professional")

    class Minor(models.TextChoices):
        YES = "yes", _("jonger dan 18")
        NO = "no", _("18 of ouder")
        UNSAID = "unsaid", _("zegt het liever niet")

    class Priority(models.IntegerChoices):
        """The queue's order. What a visitor says (in danger, under 18) moves them up only
        for their first chat in the hour from that browser and address (chat/queue.py), so
        a flood cannot push someone in danger down by saying the same."""

        IN_DANGER = 0, _("in direct gevaar")
        MINOR = 1, _("jonger dan 18")
        ORDINARY = 2, _("op volgorde van binnenkomst")

    class Language(models.TextChoices):
        """The language of the site the visitor started from (/ or /en/), so the counsellor
        knows which to answer in. The values are settings.LANGUAGES' codes."""

        DUTCH = "nl", _("Nederlands")
        ENGLISH = "en", _("Engels")

    class AskedBecause(models.TextChoices):
        ASKED = "asked", _("vraagt naar jou")
        APPOINTMENT = "appointment", _("afspraak")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    client = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    counsellor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    for_whom = models.CharField(max_length=12, choices=ForWhom.choices)
    minor = models.CharField(max_length=6, choices=Minor.choices)
    in_danger = models.BooleanField(default=False)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.ORDINARY)
    # Left while the chat was closed, by a client with an account, to be answered later.
    left_message = models.BooleanField(default=False)
    topic = EncryptedTextField(blank=True, default="")
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.DUTCH)
    consent_version = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    last_seq = models.PositiveIntegerField(default=0)
    # A client with an account who comes back may ask for the counsellor of an earlier
    # chat, or comes at an agreed follow-up (chat/returning.py, chat/appointments.py): the
    # queue offers the chat to that counsellor first. Emptied when the client chooses to
    # talk with whoever is free.
    asked_for = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_because = models.CharField(
        max_length=12, choices=AskedBecause.choices, blank=True, default=""
    )
    # A keyed pseudonym of the anonymous visitor's browser session (chat/blocks.py), so an
    # abusive visitor can be blocked without anyone learning who they are. Empty for
    # clients with an account: they are blocked per account.
    visitor_pseudonym = models.CharField(max_length=64, blank=True, default="")

    objects = ConversationQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self):
        return f"{self.pk} ({self.state})"

    @property
    def group_name(self):
        return f"conversation.{self.pk.hex}"

    @property
    def code(self):
        """A short, stable name for this chat among staff: the first four hex digits of its
        random id. It says nothing about who is in it (chat/includes/conversation_label.html)."""
        return self.code_of(self.pk)

    @staticmethod
    def code_of(conversation_id):
        """The code of a conversation by its id alone, also after it was deleted (the audit
        log names it so)."""
        return conversation_id.hex[:4].upper()

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES


class Message(models.Model):
    class Sender(models.TextChoices):
        VISITOR = "visitor", _("bezoeker")
        COUNSELLOR = "counsellor", _("hulpverlener")
        SYSTEM = "system", _("systeem")
        # A partner's professional invited into the chat (chat/guests.py).
        GUEST = "guest", _("gastprofessional")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    seq = models.PositiveIntegerField()
    # Chosen by the sending browser, so a resend after a dropped connection is stored once.
    client_id = models.UUIDField()
    sender = models.CharField(max_length=10, choices=Sender.choices)
    author = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="message_seq_unique"),
            models.UniqueConstraint(
                fields=["conversation", "client_id"], name="message_client_id_unique"
            ),
        ]

    def __str__(self):
        return f"{self.conversation_id}#{self.seq}"

    def as_event(self):
        return {
            "type": "message",
            "seq": self.seq,
            "id": str(self.client_id),
            "from": self.sender,
            "body": self.body,
            "at": self.created_at.isoformat(timespec="seconds"),
        }


class Availability(models.Model):
    """A staff member's own status in the workspace and how many chats they take on."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("beschikbaar")
        BUSY = "busy", _("bezet")
        AWAY = "away", _("afwezig")

    user = models.OneToOneField(
        "accounts.User", primary_key=True, on_delete=models.CASCADE, related_name="availability"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AVAILABLE)
    capacity = models.PositiveSmallIntegerField(default=1)
    # Refreshed by the workspace while it is open: "online" is seen in the last minutes.
    seen_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.user_id} {self.status}"


class CannedResponse(models.Model):
    """A "snel antwoord": a ready text counsellors insert and adapt; kept by supervisors.
    A fresh install starts with a set in Dutch and English (migration
    0012_canned_response_starter_set); staff change or delete them like any other."""

    title = models.CharField(_("titel"), max_length=80)
    body = models.TextField(_("tekst"), max_length=1000)
    # The chat's language it is written in: a chat in English lists the English ones first.
    language = models.CharField(
        _("taal"),
        max_length=8,
        choices=Conversation.Language.choices,
        default=Conversation.Language.DUTCH,
    )
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("snel antwoord")
        verbose_name_plural = _("snelle antwoorden")

    def __str__(self):
        return self.title


class Note(models.Model):
    """A counsellor's internal note on a conversation: never shown to the visitor."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)
    # A supervisor's whisper to the counsellor (chat/whispers.py): a note that also shows
    # in the counsellor's chat, after the message numbered `after_seq`. Never the visitor's.
    whisper = models.BooleanField(default=False)
    after_seq = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"note {self.pk}"

    def as_whisper_event(self):
        return {
            "type": "whisper",
            "id": str(self.pk),
            "after_seq": self.after_seq or 0,
            "by": getattr(self.author, "username", "") or "?",
            "body": self.body,
            "at": self.created_at.isoformat(timespec="seconds"),
        }


class SecondCounsellor(models.Model):
    """A supervisor who joined a live chat openly (chat/observers.py): the visitor was told
    that a second counsellor joins, and reads their messages as a counsellor's."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="second_counsellors"
    )
    user = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at"]

    def __str__(self):
        return f"second {self.pk}"


class Transfer(models.Model):
    """A conversation handed from one staff member to another, with a note for the next."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="transfers"
    )
    from_user = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_user = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"transfer {self.pk}"


class HelpRequest(models.Model):
    """A counsellor's "help" signal from a chat to the supervisor on duty."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="help_requests"
    )
    requested_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"help {self.pk}"


class BlockQuerySet(models.QuerySet):
    def in_force(self, now):
        return self.filter(until__gt=now, lifted_at__isnull=True)

    def awaiting_review(self):
        return self.filter(reviewed_at__isnull=True).order_by("created_at")


class Block(models.Model):
    """An abusive visitor kept out for a while, without learning who they are: either a
    client account or the keyed pseudonym of an anonymous browser session."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    visitor_pseudonym = models.CharField(max_length=64, blank=True, default="")
    # The conversation it happened in, while that still exists: what a supervisor reviews.
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    until = models.DateTimeField()
    reason = EncryptedTextField()
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = BlockQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(client__isnull=False) | ~models.Q(visitor_pseudonym=""),
                name="block_has_subject",
            ),
        ]

    def __str__(self):
        return f"block {self.pk}"


class ContactRecord(models.Model):
    """The anonymous registration of one contact, for the pilot's statistics.

    Kept after the conversation itself is deleted (then `conversation` is empty), so it
    holds only coarse facts: the hour it started, the intake categories, waiting time and
    duration in seconds, and the counsellor's closing form. Nothing links it to a person.
    """

    class Result(models.TextChoices):
        WAITING = "waiting", _("nog in de wachtrij")
        ANSWERED = "answered", _("beantwoord")
        ABANDONED = "abandoned", _("weggegaan in de wachtrij")
        # Taken, then the visitor went away without ending it (chat/leaving.py).
        LEFT = "left", _("weggegaan tijdens het gesprek")
        MESSAGE = "message", _("achtergelaten bericht")

    class GroupContext(models.TextChoices):
        RELIGIOUS = "religious", _("religieuze gemeenschap of beweging")
        THERAPY = "therapy", _("therapeutische, spirituele of coachingsgroep")
        POLITICAL = "political", _("politieke of ideologische groep")
        COMMERCIAL = "commercial", _("commerciële of piramidestructuur")
        FAMILY = "family", _("familie- of gezinssysteem")
        ONLINE = "online", _("online gemeenschap")
        OTHER = "other", _("anders")
        UNKNOWN = "unknown", _("onbekend of niet gezegd")

    class Outcome(models.TextChoices):
        LISTENED = "listened", _("gehoord en gesteund")
        INFORMATION = "information", _("informatie of advies gegeven")
        SAFETY_PLAN = "safety_plan", _("veiligheid besproken")
        REFERRAL = "referral", _("warme overdracht in gang gezet")
        POINTED = "pointed", _("gewezen op andere hulp")
        FOLLOW_UP = "follow_up", _("vervolggesprek afgesproken")
        ENDED_EARLY = "ended_early", _("gesprek voortijdig afgebroken")
        NOT_RELEVANT = "not_relevant", _("geen hulpvraag")

    conversation = models.OneToOneField(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="record"
    )
    started_hour = models.DateTimeField(db_index=True)  # the start, cut to the hour
    for_whom = models.CharField(max_length=12, choices=Conversation.ForWhom.choices)
    minor = models.CharField(max_length=6, choices=Conversation.Minor.choices)
    in_danger = models.BooleanField(default=False)
    with_account = models.BooleanField(default=False)
    result = models.CharField(max_length=10, choices=Result.choices, default=Result.WAITING)
    wait_seconds = models.PositiveIntegerField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    # From being taken to the counsellor's first message (set when the chat ends).
    first_reply_seconds = models.PositiveIntegerField(null=True, blank=True)
    transferred = models.BooleanField(default=False)
    group_context = models.CharField(max_length=12, choices=GroupContext.choices, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # the closing form was filled in

    class Meta:
        ordering = ["started_hour"]

    def __str__(self):
        return f"contact {self.started_hour:%Y-%m-%d %H}h {self.result}"


class ContactTheme(models.Model):
    """One theme of a contact, from the counsellor's closing form."""

    class Theme(models.TextChoices):
        PSYCHOLOGICAL = "psychological", _("psychisch geweld of manipulatie")
        PHYSICAL = "physical", _("lichamelijk geweld")
        SEXUAL = "sexual", _("seksueel geweld")
        EXPLOITATION = "exploitation", _("uitbuiting (werk, geld)")
        SHUNNING = "shunning", _("uitsluiting of mijden")
        LEAVING = "leaving", _("uittreden of twijfel")
        CHILDREN = "children", _("zorgen om kinderen")
        RELATIVE = "relative", _("zorgen om een naaste")
        HEALTH = "health", _("gezondheid, medische zorg geweigerd")
        HONOUR = "honour", _("eergerelateerd geweld of dwang tot huwelijk")
        AFTERCARE = "aftercare", _("verwerking na vertrek")
        OTHER = "other", _("anders")

    record = models.ForeignKey(ContactRecord, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField(max_length=16, choices=Theme.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "theme"], name="contact_theme_unique"),
        ]

    def __str__(self):
        return self.theme


class ReplyTime(models.Model):
    """One wait for the counsellor's answer within a chat, in seconds: from the visitor's
    first unanswered message to the counsellor's next message (chat/records.py). Part of the
    anonymous contact record, kept with it; no text, no time of day."""

    record = models.ForeignKey(ContactRecord, on_delete=models.CASCADE, related_name="replies")
    seconds = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.seconds} s"


class OnlineSpan(models.Model):
    """A stretch of time a staff member was online (chat/availability.py `note_seen`): from
    the first heartbeat to the last, extended at most once a minute. The link to the person
    is kept only while the span can still be extended; after that it is an anonymous
    stretch of team time, kept like the contact records. Never shown per person."""

    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField()
    # Chats this person took from the queue or was handed during the span.
    chats = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["started_at"]

    def __str__(self):
        return f"online {self.started_at:%Y-%m-%d %H:%M}–{self.ended_at:%H:%M}"


class GuestInvitationQuerySet(models.QuerySet):
    def present(self):
        """Guests who joined and have not been removed or left."""
        return self.filter(used_at__isnull=False, removed_at__isnull=True)

    def held_by(self, session):
        """The invitation this browser session joined with, while that guest is present."""
        invitation_id = session.get(session_keys.GUEST_INVITATION) if session is not None else None
        if not invitation_id:
            return self.none()
        return self.present().filter(pk=invitation_id)


class GuestInvitation(models.Model):
    """A partner's professional invited into a live chat by a single-use link that expires
    (the three-way handover). Only a hash of the link's token is kept. The guest sees what
    is said after `joined_seq`, never before."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="guest_invitations"
    )
    partner_name = models.CharField(max_length=120)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    joined_seq = models.PositiveIntegerField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    # Null with removed_at set: the guest left by themselves.
    removed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = GuestInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"guest {self.pk}"


class ReplyWaitThresholds(models.Model):
    """When a chat that waits for the counsellor's reply turns amber and red, set by
    supervisors (one row; chat/reply_waits.py reads and changes it)."""

    amber_seconds = models.PositiveIntegerField(_("oranje na (seconden)"), default=120)
    red_seconds = models.PositiveIntegerField(_("rood na (seconden)"), default=300)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(red_seconds__gt=models.F("amber_seconds")),
                name="reply_wait_red_after_amber",
            )
        ]

    def __str__(self):
        return f"{self.amber_seconds}s / {self.red_seconds}s"


class Feedback(models.Model):
    """A visitor's own answers after a chat (chat/feedback.py), for the pilot's evaluation.

    Never linkable to the conversation, its contact record or an account: no key to any of
    them, a random id (no order of arrival), and no time but the month it was given. The
    free text is removed with the conversations' retention (`text_kept_until`, also rounded
    to a month's end) unless a supervisor keeps an anonymised quote of it."""

    class Got(models.TextChoices):
        YES = "yes", _("ja")
        PARTLY = "partly", _("deels")
        NO = "no", _("nee")

    class Again(models.TextChoices):
        YES = "yes", _("ja")
        MAYBE = "maybe", _("misschien")
        NO = "no", _("nee")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    month = models.DateField(db_index=True)  # the first day of the month it was given
    got_what_came_for = models.CharField(max_length=8, choices=Got.choices, blank=True)
    would_chat_again = models.CharField(max_length=8, choices=Again.choices, blank=True)
    better = EncryptedTextField(blank=True, default="")
    text_kept_until = models.DateField(null=True, blank=True)
    # An anonymised quote a supervisor chose to keep from `better`; kept with the figures.
    quote = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["month"]

    def __str__(self):
        return f"feedback {self.month:%Y-%m}"


class AppointmentQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(state__in=Appointment.LIVE_STATES)


class Appointment(models.Model):
    """A follow-up a counsellor proposed in a chat with a client who has an account
    (chat/appointments.py). Nothing is sent anywhere: the client reads it in their account.
    At its time the client's chat goes to that counsellor first (`Conversation.asked_for`)."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("voorgesteld")
        ACCEPTED = "accepted", _("afgesproken")
        DECLINED = "declined", _("afgeslagen")
        KEPT = "kept", _("nagekomen")
        MISSED = "missed", _("gemist")
        CANCELLED = "cancelled", _("vervallen")

    LIVE_STATES = (State.PROPOSED, State.ACCEPTED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    counsellor = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    # The chat it was proposed in, and the chat it was kept in.
    proposed_in = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kept_in = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # A rescheduled appointment points to the one that replaced it.
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["client", "state", "starts_at"])]

    def __str__(self):
        return f"appointment {self.starts_at:%Y-%m-%d %H:%M} {self.state}"
