"""Log-in and account pages for clients and staff."""

import math

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe
from django_otp import login as otp_login

from accounts import clients, login_throttle, sessions, staff
from accounts.decorators import client_required, staff_required
from accounts.forms import (
    ConfirmPassphraseForm,
    DisplayNameForm,
    PassphraseForm,
    StaffLoginForm,
    TokenForm,
)
from accounts.pseudonyms import client_pseudonym


def failed(request, template, form, status=400, message=None):
    # One message for every wrong passphrase or password, whatever was wrong about it.
    error = message or _("Dat lukt niet. Controleer wat je hebt ingevuld en probeer het opnieuw.")
    return render(request, template, {"form": form, "error": error}, status=status)


def must_wait(request, template, form, seconds, message=None):
    """A slowdown or lock holds: say so and for how long, so nobody who typed the right
    passphrase or password comes to believe it is wrong."""
    seconds = max(1, math.ceil(seconds))
    if message is None:
        if seconds < 90:
            when = ngettext("over %(n)d seconde", "over %(n)d seconden", seconds) % {"n": seconds}
        else:
            minutes = math.ceil(seconds / 60)
            when = ngettext("over %(n)d minuut", "over %(n)d minuten", minutes) % {"n": minutes}
        message = _(
            "Er wordt nu vaak geprobeerd in te loggen. Probeer het %(when)s opnieuw; wat je "
            "invulde is niet gecontroleerd."
        ) % {"when": when}
    response = render(request, template, {"form": form, "error": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer while a lock holds (for a username at this address, or for
    passphrases from this address): wait out the cool-off."""
    seconds = settings.AXES_COOLOFF_TIME.total_seconds()
    message = _(
        "Het is vanaf deze verbinding te vaak mislukt. Probeer het over een kwartier opnieuw."
    )
    url_name = getattr(request.resolver_match, "url_name", None)
    if url_name in ("staff-login", "staff-enrol-link"):
        template, form = "accounts/staff_login.html", StaffLoginForm()
    else:
        template, form = "accounts/login.html", PassphraseForm()
    return must_wait(request, template, form, seconds, message)


# Asks the browser to forget this site: what a shared device could show someone later.
FORGET_SITE = '"cache", "cookies", "storage"'


def leave_site(request):
    """End the session and send the browser to the neutral site (quick exit, deletion).

    The answer asks the browser to forget this site; its page moves on by itself.
    """
    sessions.end_session(request)
    response = render(request, "public/exit.html")
    response["Clear-Site-Data"] = FORGET_SITE
    return response


# --- Clients -----------------------------------------------------------------------------


@sensitive_post_parameters()
def new_account(request):
    """Explain, then show a new passphrase once and ask for it back."""
    if request.method == "POST":
        try:
            passphrase = clients.offer_passphrase(request.session, client_pseudonym(request))
        except clients.TooManyOffers as e:
            return too_many_offers(request, "accounts/new.html", e)
        context = {"passphrase": passphrase, "form": ConfirmPassphraseForm()}
        return render(request, "accounts/passphrase.html", context)
    return render(request, "accounts/new.html")


def too_many_offers(request, template, refusal):
    message = _(
        "Vanaf deze verbinding zijn veel nieuwe wachtwoordzinnen gevraagd. Probeer het over "
        "een kwartier opnieuw."
    )
    return must_wait(request, template, None, refusal.retry_after, message)


@sensitive_post_parameters()
@require_POST
def confirm_account(request):
    form = ConfirmPassphraseForm(request.POST)
    if form.is_valid():
        try:
            user = clients.create_client(request.session, form.cleaned_data["passphrase"])
        except clients.NothingPending:
            return redirect("client-new")
        except clients.PassphraseMismatch:
            pass
        else:
            login(request, user, backend="accounts.backends.PassphraseBackend")
            sessions.start(request, user)
            after = request.session.pop(clients.AFTER_CREATION_KEY, "")
            if url_has_allowed_host_and_scheme(after, {request.get_host()}, request.is_secure()):
                return redirect(after)
            return redirect("client-home")
    return failed(request, "accounts/confirm_failed.html", form)


@sensitive_post_parameters()
def client_login(request):
    form = PassphraseForm(request.POST or None)
    if request.method != "POST":
        return render(request, "accounts/login.html", {"form": form})
    wait = login_throttle.seconds_to_wait(request)
    if wait > 0:
        return must_wait(request, "accounts/login.html", PassphraseForm(), wait)
    if not form.is_valid():
        return failed(request, "accounts/login.html", PassphraseForm())
    login_throttle.record_attempt(request)
    user = authenticate(request, password=form.cleaned_data["passphrase"])
    if user is None or not user.is_client:
        login_throttle.record_failure(request)
        return failed(request, "accounts/login.html", PassphraseForm())
    login_throttle.record_success(request)
    login(request, user)
    sessions.start(request, user)
    return redirect("client-home")


@require_safe
@client_required
def client_home(request):
    form = DisplayNameForm(initial={"display_name": request.user.display_name})
    return render(request, "accounts/home.html", {"form": form})


@require_POST
@client_required
def display_name(request):
    form = DisplayNameForm(request.POST)
    if form.is_valid():
        clients.set_display_name(request.user, form.cleaned_data["display_name"])
    return redirect("client-home")


@sensitive_post_parameters()
@client_required
def new_passphrase(request):
    if request.method == "POST" and "confirm" in request.POST:
        form = ConfirmPassphraseForm(request.POST)
        if form.is_valid():
            try:
                clients.replace_passphrase(
                    request.user, request.session, form.cleaned_data["passphrase"]
                )
            except clients.NothingPending:
                return redirect("client-new-passphrase")
            except clients.PassphraseMismatch:
                pass
            else:
                request.session.cycle_key()
                return render(request, "accounts/new_passphrase_done.html")
        return failed(request, "accounts/confirm_failed.html", form)
    if request.method == "POST":
        try:
            passphrase = clients.offer_passphrase(request.session, client_pseudonym(request))
        except clients.TooManyOffers as e:
            return too_many_offers(request, "accounts/new_passphrase.html", e)
        context = {"passphrase": passphrase, "form": ConfirmPassphraseForm(), "replacing": True}
        return render(request, "accounts/passphrase.html", context)
    return render(request, "accounts/new_passphrase.html")


@client_required
def delete_account(request):
    if request.method == "POST":
        clients.delete_client(request.user)
        return leave_site(request)
    return render(request, "accounts/delete.html")


@require_POST
def client_logout(request):
    sessions.end_session(request)
    response = redirect("home")
    response["Clear-Site-Data"] = FORGET_SITE
    return response


# --- Staff -------------------------------------------------------------------------------


def safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(default)


def check_staff_password(request, form, template):
    """(user, None) for a staff member's right password, else (None, the answer to give).

    Every try counts against the log-in slowdowns (accounts/login_throttle.py)."""
    username = form.cleaned_data["username"]
    wait = login_throttle.seconds_to_wait(request, username)
    if wait > 0:
        return None, must_wait(request, template, StaffLoginForm(), wait)
    login_throttle.record_attempt(request)
    user = authenticate(request, username=username, password=form.cleaned_data["password"])
    if user is None or not user.is_staff_member:
        login_throttle.record_failure(request, username)
        return None, failed(request, template, StaffLoginForm())
    return user, None


@sensitive_post_parameters()
def staff_login(request):
    form = StaffLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, refusal = check_staff_password(request, form, "accounts/staff_login.html")
        if refusal is not None:
            return refusal
        login(request, user)
        sessions.start(request, user)
        target = "staff-otp" if staff.confirmed_device(user) else "staff-enrol"
        return redirect(f"{reverse(target)}?next={safe_next(request, 'staff-home')}")
    return render(request, "accounts/staff_login.html", {"form": form})


@sensitive_post_parameters()
def staff_enrol_link(request, token):
    """An admin's one-time link: the password once more, then a new authenticator that
    only this session sees and can confirm."""
    if not staff.enrolment_link_is_valid(token):
        return render(request, "accounts/enrol_link_invalid.html", status=410)
    form = StaffLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, refusal = check_staff_password(request, form, "accounts/staff_enrol_link.html")
        if refusal is not None:
            return refusal
        # Log in first: logging in as someone else empties the session, link and all.
        login(request, user)
        sessions.start(request, user)
        try:
            staff.redeem_enrolment_link(user, token, request.session)
        except staff.LinkNotValid:  # spent meanwhile, or issued to someone else
            return render(request, "accounts/enrol_link_invalid.html", status=410)
        return redirect(f"{reverse('staff-enrol')}?next={safe_next(request, 'staff-home')}")
    return render(request, "accounts/staff_enrol_link.html", {"form": form})


def password_checked(view):
    """Between the password and the second factor: logged in, not yet verified."""

    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.is_staff_member:
            return redirect("staff-login")
        return view(request, *args, **kwargs)

    return wrapper


@password_checked
def staff_otp(request):
    device = staff.confirmed_device(request.user)
    if device is None:
        return redirect("staff-enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            request.session.cycle_key()
            return HttpResponseRedirect(safe_next(request, "staff-home"))
        return failed(request, "accounts/staff_otp.html", TokenForm())
    return render(request, "accounts/staff_otp.html", {"form": form})


@password_checked
def staff_enrol(request):
    # Only the session that used an admin's link has an authenticator to confirm here; a
    # password alone shows no secret (and replacing one needs a link too).
    device = staff.pending_device(request.user, request.session)
    if device is None:
        if staff.confirmed_device(request.user) is not None:
            return redirect("staff-otp")
        return render(request, "accounts/staff_enrol_needs_link.html", status=403)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        token = form.cleaned_data["token"] if form.is_valid() else None
        if token and staff.confirm_enrolment(device, token, request.session):
            otp_login(request, device)
            request.session.cycle_key()
            return HttpResponseRedirect(safe_next(request, "staff-home"))
        form = TokenForm()
        status = 400
    context = {
        "form": form,
        "error": _("Die code klopt niet. Probeer de volgende code uit je app.")
        if status == 400
        else "",
        "qr_svg": staff.qr_svg(device),
        "secret": staff.secret_for_typing(device),
    }
    return render(request, "accounts/staff_enrol.html", context, status=status)


@require_safe
@staff_required
def staff_home(request):
    return render(request, "accounts/staff_home.html")


@require_POST
def staff_logout(request):
    sessions.end_session(request)
    return redirect("staff-login")
