from django import forms
from django.utils.translation import gettext_lazy as _

from handover import referrals
from handover.models import Referral

OFF = {"autocomplete": "off"}


class ReferralForm(forms.Form):
    """What a counsellor fills in; the client sees the same facts on the consent card."""

    partner = forms.ModelChoiceField(
        label=_("Naar wie?"), queryset=referrals.partners_for_referral(), empty_label=None
    )
    purpose = forms.ChoiceField(
        label=_("Waarvoor?"), choices=Referral.Purpose.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label=_("Samenvatting voor de partner"),
        help_text=_(
            "De cliënt leest dit letterlijk op de toestemmingskaart. Alleen wat de partner "
            "nodig heeft; geen namen van anderen."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, **OFF}),
    )
    shared = forms.MultipleChoiceField(
        label=_("Wat de partner krijgt"),
        help_text=_("De samenvatting gaat altijd mee."),
        choices=[c for c in Referral.Shared.choices if c[0] != Referral.Shared.SUMMARY],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contact_route = forms.ChoiceField(
        label=_("Hoe komt de partner in contact met de cliënt?"),
        choices=Referral.ContactRoute.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, anonymous=False, **kwargs):
        super().__init__(*args, **kwargs)
        if anonymous:
            # An anonymous visitor cannot be referred with data that identifies them.
            self.fields["shared"].choices = [
                c for c in self.fields["shared"].choices if c[0] not in referrals.IDENTIFYING
            ]
            self.fields["contact_route"].choices = [
                c
                for c in Referral.ContactRoute.choices
                if c[0] not in referrals.ROUTES_NEEDING_CONTACT
            ]
            self.fields["contact_route"].help_text = _(
                "Deze bezoeker chat anoniem. Wil die gebeld worden? Bied een account aan, of "
                "geef de eigen contactroute van de partner."
            )


class MeldcodeForm(forms.Form):
    """A referral without consent: only for acute or structural unsafety, with the
    meldcode steps written out. Saving keeps a draft; offering it for review checks it."""

    partner = forms.ModelChoiceField(
        label=_("Naar wie?"), queryset=referrals.partners_for_referral(), empty_label=None
    )
    purpose = forms.ChoiceField(
        label=_("Waarvoor?"),
        choices=Referral.Purpose.choices,
        initial=Referral.Purpose.MELDING,
        widget=forms.RadioSelect,
    )
    concern = forms.ChoiceField(
        label=_("Soort onveiligheid"), choices=Referral.Concern.choices, widget=forms.RadioSelect
    )
    children_involved = forms.BooleanField(
        label=_("Er zijn kinderen bij betrokken"), required=False
    )
    summary = forms.CharField(
        label=_("Wat de partner krijgt: samenvatting"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, **OFF}),
    )
    shared = forms.MultipleChoiceField(
        label=_("Verder delen"),
        choices=[c for c in Referral.Shared.choices if c[0] != Referral.Shared.SUMMARY],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    client_informed = forms.TypedChoiceField(
        label=_("Weet de cliënt ervan?"),
        choices=[("yes", _("Ja, de cliënt is het verteld")), ("no", _("Nee"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    not_informed_reason = forms.CharField(
        label=_("Zo nee: waarom niet?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, **OFF}),
    )

    def __init__(self, *args, anonymous=False, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in referrals.MELDCODE_STEPS:
            self.fields[f"step_{key}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 3, **OFF})
            )
        if anonymous:
            self.fields["shared"].choices = [
                c for c in self.fields["shared"].choices if c[0] not in referrals.IDENTIFYING
            ]

    def domain_values(self):
        data = dict(self.cleaned_data)
        data["justification"] = {
            key: data.pop(f"step_{key}") for key, _label in referrals.MELDCODE_STEPS
        }
        return data

    @classmethod
    def initial_from(cls, referral):
        initial = {
            "partner": referral.partner_id,
            "purpose": referral.purpose,
            "concern": referral.concern,
            "children_involved": referral.children_involved,
            "summary": referral.summary,
            "shared": referral.shared,
            "client_informed": {True: "yes", False: "no"}.get(referral.client_informed),
            "not_informed_reason": referral.not_informed_reason,
        }
        for key, _label, answer in referrals.justification_of(referral):
            initial[f"step_{key}"] = answer
        return initial


class ReviewForm(forms.Form):
    comments = forms.CharField(
        label=_("Opmerkingen"),
        required=False,
        help_text=_("Verplicht als je de verwijzing terugstuurt."),
        widget=forms.Textarea(attrs={"rows": 3, **OFF}),
    )


class SentForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Hoe is de verwijzing verstuurd?"),
        choices=Referral.SendMethod.choices,
        widget=forms.RadioSelect,
    )


class ContactForm(forms.Form):
    """What the client may give on the consent card, only if they want to."""

    name = forms.CharField(required=False, max_length=100)
    contact = forms.CharField(required=False, max_length=200)
    times = forms.CharField(required=False, max_length=200)
