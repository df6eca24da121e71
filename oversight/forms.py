from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.looks import Reason


class LookForm(forms.Form):
    """Why a supervisor reads a conversation: asked every time, logged every time."""

    reason_code = forms.ChoiceField(
        label=_("Waarom kijk je mee?"),
        choices=Reason.choices,
        widget=forms.RadioSelect,
    )
    reason_text = forms.CharField(
        label=_("Toelichting (verplicht bij 'Anders')"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason_code") == Reason.OTHER and not data.get("reason_text", "").strip():
            self.add_error("reason_text", _("Schrijf kort op waarom je meekijkt."))
        return data


class BlockReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("uphold", _("Blokkade laten staan")), ("lift", _("Blokkade opheffen"))]
    )
