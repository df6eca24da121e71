"""The audit log for people: filters by person, action, object and date, and a page of
entries. Every cost is bounded whatever the query says: the filters are validated, a page
holds PAGE_SIZE entries, and the newest MAX_ROWS that match are all a query reaches (count
included), so no date range or page number makes it read the whole log."""

import datetime
import uuid

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import AuditEntry
from oversight.statistics import local_bounds

PAGE_SIZE = 50
MAX_ROWS = 2000

Action = AuditEntry.Action
# Actions named for something that happens in a chat, listed under "Gesprekken".
ABOUT_A_CHAT = {"conversation", "note", "visitor", "block", "help", "guest"}


class Kind:
    CONVERSATION = "gesprek"
    REFERRAL = "verwijzing"
    OTHER = "overig"


def _grouped_actions():
    """The actions in the order they are defined, grouped by what they are about."""
    groups = {
        "conversation": (_("Gesprekken"), []),
        "referral": (_("Verwijzingen"), []),
        "other": (_("Overig"), []),
    }
    for action in Action:
        prefix = action.value.split(".")[0]
        group = prefix if prefix in ("referral", "conversation") else "other"
        group = "conversation" if prefix in ABOUT_A_CHAT else group
        groups[group][1].append((action.value, action.label))
    return [("", _("Alle handelingen"))] + [group for group in groups.values() if group[1]]


def _date_field(label):
    # type="date" wants ISO dates whatever the language; Django reads them in any locale.
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class FilterForm(forms.Form):
    """The GET form above the log. Every field is optional; together they narrow."""

    wie = forms.TypedChoiceField(label=_("Wie"), required=False, coerce=int, empty_value=None)
    wat = forms.ChoiceField(label=_("Wat"), required=False)
    soort = forms.ChoiceField(
        label=_("Waarover"),
        required=False,
        choices=[
            ("", _("Alles")),
            (Kind.CONVERSATION, _("Een gesprek")),
            (Kind.REFERRAL, _("Een verwijzing")),
            (Kind.OTHER, _("Iets anders, zoals snelle antwoorden")),
        ],
    )
    over = forms.CharField(
        label=_("Gesprek of verwijzing nr."),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    van = _date_field(_("Van"))
    tot = _date_field(_("Tot en met"))

    def __init__(self, data=None):
        super().__init__(data)
        staff = User.objects.filter(role__in=User.STAFF_ROLES).order_by("username")
        self.fields["wie"].choices = [("", _("Iedereen"))] + [
            (user.pk, f"{user.username} ({user.get_role_display()})")
            for user in staff.only("username", "role")
        ]
        self.fields["wat"].choices = _grouped_actions()
        self.oldest, self.newest = oldest_day(), timezone.localdate()
        for name in ("van", "tot"):
            attrs = self.fields[name].widget.attrs
            attrs.update(min=self.oldest.isoformat(), max=self.newest.isoformat())

    def clean_over(self):
        value = self.cleaned_data["over"].strip()
        if not value:
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            raise forms.ValidationError(
                _("Dat is geen nummer van een gesprek of verwijzing. Kopieer het hele nummer.")
            ) from None

    def _clean_day(self, name):
        day = self.cleaned_data[name]
        if day is not None and not self.oldest <= day <= self.newest:
            raise forms.ValidationError(
                _("Kies een dag van %(oldest)s tot en met vandaag: ouder bewaart het logboek niet.")
                % {"oldest": self.oldest.strftime("%d-%m-%Y")}
            )
        return day

    def clean_van(self):
        return self._clean_day("van")

    def clean_tot(self):
        return self._clean_day("tot")

    def clean(self):
        data = super().clean()
        if data.get("van") and data.get("tot") and data["tot"] < data["van"]:
            self.add_error("tot", _("Deze dag ligt vóór de dag bij ‘Van’."))
        return data


def oldest_day():
    """The first day the log can still hold (HOC_AUDIT_RETENTION_DAYS)."""
    return timezone.localdate() - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)


def matching(form):
    """The entries the valid form asks for, newest first; none for an invalid one."""
    entries = AuditEntry.objects.order_by("-at", "-id")
    if not form.is_valid():
        return entries.none()
    wanted = form.cleaned_data
    if wanted["wie"] is not None:
        entries = entries.filter(actor_id=wanted["wie"])
    if wanted["wat"]:
        entries = entries.filter(action=wanted["wat"])
    if wanted["soort"] == Kind.CONVERSATION:
        entries = entries.filter(conversation_id__isnull=False, referral_id__isnull=True)
    elif wanted["soort"] == Kind.REFERRAL:
        entries = entries.filter(referral_id__isnull=False)
    elif wanted["soort"] == Kind.OTHER:
        entries = entries.filter(conversation_id__isnull=True, referral_id__isnull=True)
    if wanted["over"]:
        entries = entries.filter(Q(conversation_id=wanted["over"]) | Q(referral_id=wanted["over"]))
    start, end = wanted["van"], wanted["tot"]
    if start or end:
        since, until = local_bounds(start or form.oldest, end or form.newest)
        entries = entries.filter(at__gte=since, at__lt=until)
    return entries


def page_of(form, number):
    """One page of the matching entries; `more` says there are more than MAX_ROWS."""
    entries = matching(form)
    page = Paginator(entries[:MAX_ROWS], PAGE_SIZE).get_page(number)
    page.more = page.paginator.count == MAX_ROWS and entries[MAX_ROWS:].exists()
    return page
