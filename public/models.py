"""Content of the public site that staff change in the admin, and information-session sign-ups."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.fields import EncryptedTextField
from partners.models import Partner


class SelfCheckItem(models.Model):
    """One statement of the self-check "Herken je dit?"."""

    class Checklist(models.TextChoices):
        SELF = "self", _("voor jezelf")
        RELATIVE = "relative", _("voor iemand om wie je je zorgen maakt")

    checklist = models.CharField(_("lijst"), max_length=10, choices=Checklist.choices)
    position = models.PositiveSmallIntegerField(_("volgorde"))
    text = models.TextField(_("vraag"))
    text_en = models.TextField(_("vraag (Engels)"), blank=True)
    is_safety = models.BooleanField(
        _("veiligheidsvraag"),
        default=False,
        help_text=_("Bij 'ja' verschijnt meteen het blok met 112 en Veilig Thuis."),
    )
    signal_is_no = models.BooleanField(
        _("'nee' is het signaal"),
        default=False,
        help_text=_("Voor vragen waarbij 'nee' het zorgelijke antwoord is."),
    )
    source = models.CharField(_("bron (code)"), max_length=40, blank=True)

    class Meta:
        ordering = ["checklist", "position"]
        verbose_name = _("vraag van de check")
        verbose_name_plural = _("vragen van de check")

    def __str__(self):
        return self.text


class GuideNode(models.Model):
    """A question or an end point of the help guide (hulpwijzer)."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("vraag")
        END = "end", _("uitkomst")

    key = models.SlugField(_("code"), unique=True, help_text=_("Vaste code; niet wijzigen."))
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    is_start = models.BooleanField(_("eerste vraag"), default=False)
    text = models.CharField(_("vraag of titel"), max_length=200)
    text_en = models.CharField(_("vraag of titel (Engels)"), max_length=200, blank=True)
    body = models.TextField(_("uitleg: wat gebeurt er hierna"), blank=True)
    body_en = models.TextField(_("uitleg (Engels)"), blank=True)
    offers_chat = models.BooleanField(_("toon de chat van H-O-C"), default=False)
    offers_selfcheck = models.BooleanField(_("toon de check"), default=False)

    class Page(models.TextChoices):
        NONE = "", _("geen")
        RELATIVES = "relatives", _("voor naasten")
        PROFESSIONALS = "professionals", _("voor professionals")
        SAFETY = "safety", _("veilig surfen")

    more_page = models.CharField(
        _("verwijs naar pagina"), max_length=20, choices=Page.choices, blank=True, default=""
    )
    partners = models.ManyToManyField(
        Partner, through="GuideChannel", blank=True, verbose_name=_("kanalen")
    )
    # Part of the guide page's cache key (the admin saves the node with its inlines).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("stap van de hulpwijzer")
        verbose_name_plural = _("stappen van de hulpwijzer")
        constraints = [
            models.UniqueConstraint(
                fields=["is_start"], condition=models.Q(is_start=True), name="one_guide_start"
            ),
        ]

    def __str__(self):
        return f"{self.key}: {self.text}"


class GuideChoice(models.Model):
    """An answer to a guide question, leading to the next step."""

    question = models.ForeignKey(
        GuideNode, on_delete=models.CASCADE, related_name="choices", verbose_name=_("vraag")
    )
    position = models.PositiveSmallIntegerField(_("volgorde"))
    label = models.CharField(_("antwoord"), max_length=200)
    label_en = models.CharField(_("antwoord (Engels)"), max_length=200, blank=True)
    target = models.ForeignKey(
        GuideNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("naar stap")
    )

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("antwoord")
        verbose_name_plural = _("antwoorden")

    def __str__(self):
        return self.label


class GuideChannel(models.Model):
    """A partner shown at an end of the guide, in order."""

    node = models.ForeignKey(GuideNode, on_delete=models.CASCADE, related_name="channels")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, verbose_name=_("partner"))
    position = models.PositiveSmallIntegerField(_("volgorde"))

    class Meta:
        ordering = ["node", "position"]
        verbose_name = _("kanaal")
        verbose_name_plural = _("kanalen")

    def __str__(self):
        return f"{self.node_id}: {self.partner_id}"


class InfoSessionSignup(models.Model):
    """A professional's sign-up for an information session: the only contact data we ask for.

    Contact fields are encrypted; sign-ups are deleted after HOC_SIGNUP_RETENTION_DAYS.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = EncryptedTextField(_("organisatie"))
    role = EncryptedTextField(_("functie"))
    email = EncryptedTextField(_("e-mailadres"))
    preferred_date = models.DateField(_("voorkeursdatum"))
    created_at = models.DateTimeField(_("aangemeld op"), auto_now_add=True)

    class Meta:
        ordering = ["preferred_date"]
        verbose_name = _("aanmelding voor een informatiebijeenkomst")
        verbose_name_plural = _("aanmeldingen voor informatiebijeenkomsten")

    def __str__(self):
        return f"{self.preferred_date}"
