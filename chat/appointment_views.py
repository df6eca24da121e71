"""Follow-up appointments' pages and forms (chat/appointments.py holds the rules).

The counsellor proposes in the workspace's side panel and reschedules from the workspace's
list: with JavaScript the forms post by fetch (`X-Requested-With: fetch`, static/js/
appointments.js) and get the part back to put in place; without it they post normally and
come back to the workspace, or to a page of their own that shows what was wrong. The client
answers on the card in the chat (JSON by fetch, or an ordinary form back to /chat/) or in
their account (back to the account).
"""

from django.contrib import messages
from django.db.models import Max
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import client_required, staff_required
from chat import appointments, conversations
from chat.forms import AppointmentForm
from chat.models import Appointment, Message
from common.refusals import NotAllowed

# What a refusal says, by its code, to the counsellor and to the client.
STAFF_ERRORS = {
    "out_of_range": gettext_lazy(
        "Kies een tijd vanaf een kwartier van nu en hoogstens 90 dagen vooruit."
    ),
    "too_many": gettext_lazy(
        "Deze cliënt heeft al zoveel afspraken staan als kan. Verzet of zeg er een af."
    ),
    "no_account": gettext_lazy("Een vervolgafspraak kan alleen met een cliënt met een account."),
    "wrong_state": gettext_lazy("Deze afspraak is intussen veranderd."),
    "not_yours": gettext_lazy("Dit is niet (meer) jouw gesprek of afspraak."),
}
CLIENT_ERRORS = {
    "wrong_state": gettext_lazy("Dit voorstel is intussen veranderd of verlopen."),
    "other": gettext_lazy("Dat lukte niet. Probeer het opnieuw of zeg het in de chat."),
}


def _fetch(request):
    return request.headers.get("X-Requested-With") == "fetch"


# --- The counsellor -------------------------------------------------------------------------


def side_context(request, conversation, form=None, error="", done=""):
    """The side panel's part for one chat: this chat's appointments and the form."""
    may = appointments.may_propose(conversation, request.user)
    if form is None and may:
        form = AppointmentForm(
            suggested=appointments.suggest(), auto_id=f"appointment-{conversation.pk}-%s"
        )
    return {
        "conversation": conversation,
        "appointments": appointments.cards_in(conversation),
        "appointment_form": form if may else None,
        "error": error,
        "done": done,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def counsel_appointment(request, conversation_id):
    """Propose a follow-up in this chat. GET ?part=side: the side panel's part alone."""
    conversation = conversations.get_conversation_for(request.user, conversation_id)
    if request.method != "POST":
        context = side_context(request, conversation)
        if request.GET.get("part") == "side":
            return render(request, "chat/includes/appointment_side.html", context)
        return render(request, "chat/appointment_form.html", context)
    form = AppointmentForm(request.POST, auto_id=f"appointment-{conversation.pk}-%s")
    error = ""
    if form.is_valid():
        try:
            appointment = appointments.propose(
                conversation, request.user, form.cleaned_data["starts_at"]
            )
        except appointments.AppointmentRefused as refused:
            error = STAFF_ERRORS.get(refused.code, STAFF_ERRORS["not_yours"])
        else:
            done = _("Voorgesteld: %(when)s. De cliënt ziet het in de chat en in het account.") % {
                "when": appointments.when(appointment)
            }
            if _fetch(request):
                context = side_context(request, conversation, done=done)
                return render(request, "chat/includes/appointment_side.html", context)
            messages.success(request, done)
            return redirect("counsel-conversation", conversation_id=conversation.pk)
    context = side_context(request, conversation, form=form, error=error)
    if _fetch(request):
        return render(request, "chat/includes/appointment_side.html", context)
    return render(request, "chat/appointment_form.html", context, status=400)


def list_context(request, forms=None, error_for=None, error="", done=""):
    """The workspace's list of the counsellor's appointments, each with a reschedule form."""
    now = timezone.now()
    shown = appointments.for_counsellor(request.user, now)
    forms = forms or {}
    today = timezone.localdate(now)
    for appointment in shown:
        appointment.today = timezone.localdate(appointment.starts_at) == today
        # A new time starts from the old one when that is still ahead.
        ahead = appointment.starts_at > now + appointments.SOONEST
        appointment.form = forms.get(appointment.pk) or AppointmentForm(
            suggested=appointment.starts_at if ahead else appointments.suggest(now),
            auto_id=f"reschedule-{appointment.pk}-%s",
        )
        appointment.error = error if appointment.pk == error_for else ""
    return {"my_appointments": shown, "appointments_done": done}


@require_POST
@staff_required
def counsel_appointment_change(request, appointment_id):
    """Reschedule (do=reschedule, with a day and time) or cancel (do=cancel) one of the
    counsellor's appointments, from the workspace's list."""
    try:
        appointment = appointments.get_for_counsellor(request.user, appointment_id)
    except appointments.NotYours:
        raise NotAllowed from None
    action = request.POST.get("do")
    form = AppointmentForm(request.POST, auto_id=f"reschedule-{appointment.pk}-%s")
    error, done = "", ""
    try:
        if action == "cancel":
            appointments.cancel(appointment, request.user)
            done = _("Afgezegd: %(when)s.") % {"when": appointments.when(appointment)}
        elif form.is_valid():
            new = appointments.reschedule(appointment, request.user, form.cleaned_data["starts_at"])
            done = _("Nieuwe tijd voorgesteld: %(when)s.") % {"when": appointments.when(new)}
    except appointments.AppointmentRefused as refused:
        error = STAFF_ERRORS.get(refused.code, STAFF_ERRORS["not_yours"])
    failed = bool(error) or (action != "cancel" and not form.is_valid())
    if failed:
        context = list_context(request, {appointment.pk: form}, appointment.pk, error)
    else:
        context = list_context(request, done=done)
    if _fetch(request):
        return render(request, "chat/includes/appointment_list.html", context)
    if failed:
        return render(request, "chat/appointment_list_page.html", context, status=400)
    messages.success(request, done)
    return redirect("counsel-queue")


# --- The client -----------------------------------------------------------------------------


def status_of(appointment):
    """The client's sentence for where it stands (one home: appointment_state.html)."""
    return render_to_string(
        "chat/includes/appointment_state.html", {"appointment": appointment}
    ).strip()


def card_of(appointment, after_seq=None, now=None):
    now = now or timezone.now()
    asking = appointment.state == Appointment.State.PROPOSED and appointment.starts_at > now
    return {
        "id": str(appointment.pk),
        "when": appointments.when(appointment),
        "state": appointment.state,
        "asking": asking,
        "status": "" if asking else status_of(appointment),
        "after_seq": after_seq,
    }


def visitor_cards(conversation):
    """The appointment cards of this chat, each after the last message said before it."""
    shown = appointments.cards_in(conversation)
    cards = []
    for appointment in shown:
        before = conversation.messages.filter(created_at__lte=appointment.created_at)
        cards.append(card_of(appointment, before.aggregate(last=Max("seq"))["last"] or 0))
    return cards


def is_visitor(request, conversation):
    return conversations.role_in(conversation, request.user, request.session) == (
        Message.Sender.VISITOR
    )


@require_safe
def appointment_cards(request, conversation_id):
    """The appointment cards of the visitor's conversation, as JSON for the chat page."""
    conversation = conversations.get_conversation_for(
        request.user, conversation_id, request.session
    )
    if not is_visitor(request, conversation):
        raise NotAllowed
    return JsonResponse({"cards": visitor_cards(conversation)})


@require_POST
@client_required
def appointment_answer(request, appointment_id):
    """ "Ja, dat past", "Nee, liever niet" or (accepted) "Afzeggen": from the chat's card
    by fetch (JSON back), or as an ordinary form from the chat (back=chat) or the account
    (back=account)."""
    try:
        appointment = appointments.get_for_client(request.user, appointment_id)
    except appointments.NotYours:
        raise NotAllowed from None
    decision = request.POST.get("decision")
    back = request.POST.get("back")
    steps = {
        "accept": appointments.accept,
        "decline": appointments.decline,
        "cancel": appointments.cancel,
    }
    code = None
    if decision not in steps:
        code = "invalid"
    else:
        try:
            appointment = steps[decision](appointment, request.user)
        except appointments.AppointmentRefused as refused:
            code = refused.code
    if back not in ("chat", "account"):
        if code is not None:
            return JsonResponse({"error": code}, status=409 if code != "invalid" else 400)
        return JsonResponse(card_of(appointment))
    if code is not None:
        messages.error(request, CLIENT_ERRORS.get(code, CLIENT_ERRORS["other"]))
    if back == "account":
        return redirect(reverse("client-home") + "#appointments-title")
    return redirect(reverse("chat") + f"#appointment-{appointment.pk}")
