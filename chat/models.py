import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from hoc.fields import EncryptedTextField


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
    def waiting(self):
        """The queue: in danger first, then minors, then the longest waiting."""
        minor_first = models.Case(models.When(minor=Conversation.Minor.YES, then=0), default=1)
        return self.filter(state=Conversation.State.WAITING, left_message=False).order_by(
            "-in_danger", minor_first, "created_at"
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

    class ForWhom(models.TextChoices):
        SELF = "self", _("voor mezelf")
        RELATIVE = "relative", _("voor iemand anders")
        PROFESSIONAL = "professional", _("als professional")

    class Minor(models.TextChoices):
        YES = "yes", _("jonger dan 18")
        NO = "no", _("18 of ouder")
        UNSAID = "unsaid", _("zegt het liever niet")

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
    # Left while the chat was closed, by a client with an account, to be answered later.
    left_message = models.BooleanField(default=False)
    topic = EncryptedTextField(blank=True, default="")
    consent_version = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    last_seq = models.PositiveIntegerField(default=0)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self):
        return f"{self.pk} ({self.state})"

    @property
    def group_name(self):
        return f"conversation.{self.pk.hex}"

    @property
    def is_open(self):
        return self.state in (self.State.WAITING, self.State.ACTIVE)


class Message(models.Model):
    class Sender(models.TextChoices):
        VISITOR = "visitor", _("bezoeker")
        COUNSELLOR = "counsellor", _("hulpverlener")
        SYSTEM = "system", _("systeem")

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
