import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InfoSessionSignupForm(forms.Form):
    organisation = forms.CharField(label=_("Organisatie"), max_length=200)
    role = forms.CharField(label=_("Je functie"), max_length=200)
    email = forms.EmailField(label=_("E-mailadres"), max_length=254)
    preferred_date = forms.DateField(
        label=_("Voorkeursdatum"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["autocomplete"] = "off"

    def clean_preferred_date(self):
        value = self.cleaned_data["preferred_date"]
        today = timezone.localdate()
        if value <= today:
            raise forms.ValidationError(_("Kies een datum in de toekomst."))
        if value > today + datetime.timedelta(days=365):
            raise forms.ValidationError(_("Kies een datum binnen een jaar."))
        return value
