from django import forms
from django.utils.translation import gettext_lazy as _

# Visitor forms never let the browser remember what was typed.
OFF = {"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}


class PassphraseForm(forms.Form):
    passphrase = forms.CharField(
        label=_("Je wachtwoordzin"),
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(attrs={**OFF, "class": "passphrase-input"}),
    )


class ConfirmPassphraseForm(forms.Form):
    passphrase = forms.CharField(
        label=_("Typ je wachtwoordzin over"),
        help_text=_("Hoofdletters en extra spaties maken niet uit."),
        max_length=200,
        widget=forms.TextInput(attrs={**OFF, "class": "passphrase-input"}),
    )


class DisplayNameForm(forms.Form):
    display_name = forms.CharField(
        label=_("Naam die de hulpverlener ziet"),
        help_text=_("Kies iets wat niet naar jou te herleiden is. Leeg laten mag ook."),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs=OFF),
    )


class StaffLoginForm(forms.Form):
    username = forms.CharField(label=_("Gebruikersnaam"), max_length=150)
    password = forms.CharField(label=_("Wachtwoord"), widget=forms.PasswordInput)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code uit je authenticator-app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )
