from django.db import models
from django.utils.translation import gettext_lazy as _


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
