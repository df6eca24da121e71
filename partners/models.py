"""The organisations we point visitors to and hand clients over to.

Below both the public site (emergency box, help guide) and the handover app (referrals), so
that neither has to import the other for them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def emergency(self):
        return self.public().filter(emergency_order__isnull=False).order_by("emergency_order")


class Partner(models.Model):
    """An organisation we point visitors to or hand clients over to.

    Maintained in the admin: the public pages, the help guide and referrals all
    read the numbers and hours from here, so a change needs no deploy. Fields ending in
    ``_en`` hold the English text; empty means "same as the Dutch".
    """

    class Kind(models.TextChoices):
        EMERGENCY = "emergency", _("noodnummer")
        POLICE = "police", _("politie")
        SAFETY = "safety", _("veiligheid thuis")
        VICTIM_SUPPORT = "victim_support", _("slachtofferhulp")
        HELPLINE = "helpline", _("hulplijn")
        CARE = "care", _("hulpverlening")
        OTHER = "other", _("anders")

    class Anonymous(models.TextChoices):
        YES = "yes", _("anoniem")
        POSSIBLE = "possible", _("anoniem kan")
        NO = "no", _("niet anoniem")
        UNKNOWN = "unknown", _("onbekend")

    slug = models.SlugField(_("code"), unique=True, help_text=_("Vaste code; niet wijzigen."))
    name = models.CharField(_("naam"), max_length=120)
    name_en = models.CharField(_("naam (Engels)"), max_length=120, blank=True)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    summary = models.TextField(_("wat ze doen"))
    summary_en = models.TextField(_("wat ze doen (Engels)"), blank=True)
    phone = models.CharField(_("telefoonnummer"), max_length=40, blank=True)
    phone_extra = models.CharField(
        _("ander nummer"),
        max_length=40,
        blank=True,
        help_text=_("Bijvoorbeeld 113 naast 0800-0113."),
    )
    website = models.CharField(_("website"), max_length=200, blank=True)
    chat = models.CharField(_("chat"), max_length=200, blank=True, help_text=_("Waar de chat is."))
    hours = models.CharField(_("bereikbaar"), max_length=200, blank=True)
    hours_en = models.CharField(_("bereikbaar (Engels)"), max_length=200, blank=True)
    cost = models.CharField(_("kosten"), max_length=200, blank=True)
    cost_en = models.CharField(_("kosten (Engels)"), max_length=200, blank=True)
    anonymous = models.CharField(
        _("anoniem"), max_length=10, choices=Anonymous.choices, default=Anonymous.UNKNOWN
    )
    referral_route = models.TextField(
        _("hoe een verwijzing hen bereikt"), blank=True, help_text=_("Alleen voor medewerkers.")
    )
    contact_facts = models.TextField(
        _("contactgegevens voor medewerkers"), blank=True, help_text=_("Alleen voor medewerkers.")
    )
    is_public = models.BooleanField(_("op de website"), default=True)
    accepts_referrals = models.BooleanField(
        _("kan een warme overdracht ontvangen"),
        default=False,
        help_text=_("Staat in de keuzelijst als een hulpverlener een verwijzing opstelt."),
    )
    emergency_order = models.PositiveSmallIntegerField(
        _("plaats in de noodnummers"),
        null=True,
        blank=True,
        help_text=_("Leeg: niet in het blok met noodnummers."),
    )

    # Part of the public pages' cache key: an edit in the admin shows at once.
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        # The table kept the name it had while Partner lived in the handover app
        # (partners/migrations/0001_initial.py).
        db_table = "handover_partner"
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return self.name

    @property
    def tel(self):
        """The phone number for a tel: link: digits only."""
        return "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
