import datetime

from django import forms
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chat import appointments, consent, feedback
from chat.models import (
    Availability,
    CannedResponse,
    ContactRecord,
    ContactTheme,
    Conversation,
    Feedback,
)

# The browser must not remember what a visitor typed here.
OFF = {"autocomplete": "off"}


class IntakeForm(forms.Form):
    """The few questions before a chat; they help the counsellor, they never identify."""

    for_whom = forms.ChoiceField(
        label=_("Voor wie wil je chatten?"),
        choices=[
            (Conversation.ForWhom.SELF, _("Voor mezelf")),
            (Conversation.ForWhom.RELATIVE, _("Voor iemand anders")),
            (Conversation.ForWhom.PROFESSIONAL, _("Ik ben professional")),
        ],
        widget=forms.RadioSelect(attrs=OFF),
    )
    minor = forms.ChoiceField(
        label=_("Ben je jonger dan 18 jaar?"),
        choices=[
            (Conversation.Minor.YES, _("Ja")),
            (Conversation.Minor.NO, _("Nee")),
            (Conversation.Minor.UNSAID, _("Zeg ik liever niet")),
        ],
        widget=forms.RadioSelect(attrs=OFF),
    )
    in_danger = forms.TypedChoiceField(
        label=_("Ben jij of is iemand anders nu in direct gevaar?"),
        choices=[("yes", _("Ja")), ("no", _("Nee"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs=OFF),
    )
    topic = forms.CharField(
        label=_("Waar wil je over praten? (hoeft niet)"),
        help_text=_("Een paar woorden is genoeg. Schrijf geen namen of adressen op."),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=OFF),
    )
    consent = forms.BooleanField(
        label=consent.TEXT,
        error_messages={"required": _("Zonder je toestemming kunnen we niet met je chatten.")},
    )

    def __init__(self, *args, returning=(), **kwargs):
        """`returning`: a client's earlier counsellors to ask for (chat/returning.py
        `choices_for`), named by the day of the conversation, never by a name."""
        super().__init__(*args, **kwargs)
        if returning:
            # Any earlier chat's id is checked again by returning.counsellor_for: a choice
            # that became stale (a newer chat with them ended meanwhile) still reaches them.
            self.fields["asked_for"] = forms.CharField(
                label=_("Met wie wil je praten?"),
                required=False,
                initial="",
                max_length=36,
                widget=forms.RadioSelect(
                    attrs=OFF,
                    choices=[("", _("Met wie er nu vrij is"))]
                    + [(choice.value, _asked_label(choice)) for choice in returning],
                ),
            )


def _asked_label(choice):
    day = date_format(timezone.localtime(choice.day), "j F Y")
    if choice.same_day:
        day += " " + time_format(timezone.localtime(choice.day), "H:i")
    return _("Weer met de hulpverlener van mijn gesprek van %(day)s") % {"day": day}


class AskedForChoiceForm(forms.Form):
    """What a client does when the counsellor they asked for (or have an appointment with)
    cannot take the chat now: wait for them, leave them a message, or whoever is free."""

    WAIT, MESSAGE, ANYONE = "wait", "message", "anyone"

    then = forms.ChoiceField(choices=[(WAIT, WAIT), (MESSAGE, MESSAGE), (ANYONE, ANYONE)])
    body = forms.CharField(
        label=_("Je bericht voor deze hulpverlener"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("then") == self.MESSAGE and not cleaned.get("body", "").strip():
            self.add_error("body", _("Schrijf eerst je bericht."))
        return cleaned


class LeaveMessageForm(forms.Form):
    """A message a client with an account leaves while the chat is closed."""

    body = forms.CharField(
        label=_("Je bericht"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
    )
    consent = forms.BooleanField(label=consent.TEXT, required=True)


class FeedbackForm(forms.Form):
    """The visitor's questions after a chat (chat/feedback.py): every one may stay empty."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    got_what_came_for = forms.ChoiceField(
        label=_("Heb je gekregen waarvoor je kwam?"),
        choices=[
            (Feedback.Got.YES, _("Ja")),
            (Feedback.Got.PARTLY, _("Deels")),
            (Feedback.Got.NO, _("Nee")),
        ],
        required=False,
        widget=forms.RadioSelect(attrs=OFF),
    )
    would_chat_again = forms.ChoiceField(
        label=_("Zou je nog eens met ons chatten?"),
        choices=[
            (Feedback.Again.YES, _("Ja")),
            (Feedback.Again.MAYBE, _("Misschien")),
            (Feedback.Again.NO, _("Nee")),
        ],
        required=False,
        widget=forms.RadioSelect(attrs=OFF),
    )
    better = forms.CharField(
        label=_("Wat kunnen we beter doen? (hoeft niet)"),
        help_text=_(
            "Een paar woorden is genoeg. Schrijf geen namen of andere dingen waaraan iemand"
            " jou of een ander kan herkennen."
        ),
        max_length=feedback.BETTER_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, **OFF}),
    )


# --- The counsellor's workspace ----------------------------------------------------------


class AvailabilityForm(forms.Form):
    """Status and capacity, in the staff console's top bar (templates/includes/top_bar.html)."""

    status = forms.ChoiceField(label=_("Mijn status"), choices=Availability.Status.choices)
    capacity = forms.TypedChoiceField(label=_("Gesprekken tegelijk"), coerce=int)

    def __init__(self, *args, cap, **kwargs):
        super().__init__(*args, **kwargs)
        # Each option says what it means, so the bar can do without a visible label.
        self.fields["capacity"].choices = [
            (n, ngettext("%(count)s gesprek", "%(count)s gesprekken", n) % {"count": n})
            for n in range(1, cap + 1)
        ]


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Notitie (alleen voor medewerkers)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )


class TransferForm(forms.Form):
    to = forms.TypedChoiceField(label=_("Overdragen aan"), coerce=int)
    note = forms.CharField(
        label=_("Overdrachtsnotitie voor je collega"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [
            (c.pk, f"{c.username} ({c.get_role_display()})") for c in colleagues
        ]


class BlockForm(forms.Form):
    duration = forms.ChoiceField(
        label=_("Hoe lang"),
        choices=[("1d", _("1 dag")), ("7d", _("7 dagen")), ("30d", _("30 dagen"))],
        initial="1d",
    )
    reason = forms.CharField(
        label=_("Reden (een supervisor beoordeelt de blokkade)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
    )


class ClosingForm(forms.Form):
    """Coarse categories only: never the name of a group or a person."""

    themes = forms.MultipleChoiceField(
        label=_("Thema's"),
        choices=ContactTheme.Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    group_context = forms.ChoiceField(
        label=_("Soort groep"),
        choices=ContactRecord.GroupContext.choices,
        widget=forms.RadioSelect,
        initial=ContactRecord.GroupContext.UNKNOWN,
    )
    outcome = forms.ChoiceField(
        label=_("Uitkomst"), choices=ContactRecord.Outcome.choices, widget=forms.RadioSelect
    )


class CannedResponseForm(forms.ModelForm):
    class Meta:
        model = CannedResponse
        fields = ["title", "body", "language", "position"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}


class ReplyWaitThresholdsForm(forms.Form):
    """The supervisors' thresholds for a chat waiting for its counsellor's reply."""

    amber_minutes = forms.IntegerField(label=_("Oranje na (minuten)"), min_value=1, max_value=60)
    red_minutes = forms.IntegerField(label=_("Rood na (minuten)"), min_value=2, max_value=120)

    def clean(self):
        cleaned = super().clean()
        amber, red = cleaned.get("amber_minutes"), cleaned.get("red_minutes")
        if amber is not None and red is not None and red <= amber:
            self.add_error("red_minutes", _("Rood komt na oranje: kies een groter getal."))
        return cleaned


class AppointmentForm(forms.Form):
    """A follow-up's day and time (chat/appointments.py checks the bounds), read in the
    help point's time zone."""

    # The browser's date and time inputs read and write ISO, whatever the page's language.
    day = forms.DateField(
        label=_("Datum"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    time = forms.TimeField(
        label=_("Tijd"),
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
    )

    def __init__(self, *args, suggested=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["day"].widget.attrs.update(
            min=today.isoformat(), max=(today + appointments.FURTHEST).isoformat()
        )
        if suggested is not None and not self.is_bound:
            local = timezone.localtime(suggested)
            self.initial = {"day": local.date(), "time": local.strftime("%H:%M")}

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("day"), cleaned.get("time")
        if day is not None and time is not None:
            starts_at = timezone.make_aware(datetime.datetime.combine(day, time))
            cleaned["starts_at"] = starts_at
        return cleaned
