from django import forms
from django.utils.translation import gettext_lazy as _

from chat import consent
from chat.models import Conversation

# The browser must not remember what a visitor typed here (R-D7).
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


class LeaveMessageForm(forms.Form):
    """A message a client with an account leaves while the chat is closed."""

    body = forms.CharField(
        label=_("Je bericht"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
    )
    consent = forms.BooleanField(label=consent.TEXT, required=True)
