"""The chat's pages: the visitor's one constant URL, and the counsellor's queue and chats."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import clients, pseudonyms, session_keys
from accounts.decorators import client_required, staff_required, supervisor_required
from accounts.models import User
from audit import entries
from chat import (
    appointments,
    availability,
    blocks,
    canned,
    client_history,
    closing,
    conversations,
    ended_page,
    feedback,
    help_requests,
    notes,
    panel_parts,
    plain_views,
    queue,
    records,
    reply_waits,
    returning,
    saving,
    speakers,
    top_bar,
    transfers,
)
from chat.forms import (
    AskedForChoiceForm,
    AvailabilityForm,
    BlockForm,
    CannedResponseForm,
    ClosingForm,
    FeedbackForm,
    IntakeForm,
    LeaveMessageForm,
    NoteForm,
    TransferForm,
)
from chat.models import CannedResponse, Conversation, Message
from chat.schedule import chat_status


def session_conversation(request):
    """The conversation this browser session takes part in, or None."""
    conversation_id = request.session.get(session_keys.CONVERSATION)
    if conversation_id is None:
        return None
    try:
        return conversations.get_conversation_for(request.user, conversation_id, request.session)
    except PermissionDenied:
        # Logged in or out since, or the conversation is gone: start afresh.
        del request.session[session_keys.CONVERSATION]
        return None


@require_http_methods(["GET", "HEAD", "POST"])
def start(request):
    """Every step of the visitor's chat on /chat/, so the browser history shows one neutral
    address: closed, the intake, the conversation, and its end."""
    conversation = session_conversation(request)
    if request.GET.get("part") == "asked" and request.method != "POST":
        # asked-for.js, while the chat waits: only the line, whatever the state, so that
        # an ended chat's page is still shown once to the page itself.
        asked = returning.waiting_note(conversation) if conversation is not None else None
        context = {"conversation": conversation, "asked": asked}
        return render(request, "chat/includes/asked_for_note.html", context)
    if conversation is not None and conversation.is_open:
        if request.method == "POST":
            return plain_views.post(request, conversation)  # the page without JavaScript
        asked = returning.waiting_note(conversation)
        context = {
            "conversation": conversation,
            "max_chars": settings.MESSAGE_MAX_CHARS,
            "asked": asked,
            **plain_views.page_context(request, conversation),
        }
        return render(request, "chat/conversation.html", context)
    if conversation is not None:
        # The end is shown once; then the session lets go, so nothing links it to the chat,
        # except that an anonymous visitor may still save it under a new account.
        del request.session[session_keys.CONVERSATION]
        can_save = conversation.client_id is None
        if can_save:
            saving.offer(request.session, conversation)
        context = {
            "can_save": can_save,
            "parts": ended_page.parts_for(conversation, can_save),
            # A plain form, also without JavaScript; its token holds nothing of the chat.
            "feedback_form": FeedbackForm(
                initial={"token": feedback.offer(request.session)}, auto_id="feedback-%s"
            ),
        }
        return render(request, "chat/ended.html", context)
    address = pseudonyms.client_pseudonym(request)
    if blocks.is_blocked(request.user, request.session, address):
        return render(request, "chat/blocked.html")
    status = chat_status()
    if not status.is_open:
        return closed(request, status, address)
    user = request.user
    client = user if user.is_authenticated and user.is_client else None
    form = IntakeForm(request.POST or None, returning=returning.choices_for(client))
    if request.method == "POST" and form.is_valid():
        if user.is_authenticated and user.is_staff_member:
            raise PermissionDenied  # staff chat from the queue, not as visitors
        return _open(request, form, client, address)
    context = {"form": form, "status": status, "appointment": appointments.due_for(client)}
    return render(request, "chat/intake.html", context)


def _open(request, form, client, address):
    """Open the chat the intake asks for. When the counsellor the client asked for (or has
    an appointment with) cannot take it now, the client is told first and chooses: wait
    for them, leave them a message, or whoever is free (chat/returning.py)."""
    plan = returning.plan_for(client, form.cleaned_data.get("asked_for", ""))
    choice = AskedForChoiceForm(request.POST) if "then" in request.POST else None
    if plan.counsellor is not None and not plan.ready and not (choice and choice.is_valid()):
        kept = [
            (name, value)
            for name in form.fields
            for value in request.POST.getlist(name)
            if name in form.cleaned_data
        ]
        context = {
            "plan": plan,
            "kept": kept,
            "choice": choice or AskedForChoiceForm(),
            "in_danger": form.cleaned_data["in_danger"],
            "hold_minutes": int(returning.HOLD.total_seconds() // 60),
        }
        return render(request, "chat/asked_for_choice.html", context)
    then = choice.cleaned_data["then"] if choice is not None and choice.is_valid() else None
    asked_for = plan.counsellor if then != AskedForChoiceForm.ANYONE else None
    source = _source(request, address)
    language = conversations.language_of(request.LANGUAGE_CODE)
    try:
        if then == AskedForChoiceForm.MESSAGE:
            conversation = conversations.leave_message(
                client,
                choice.cleaned_data["body"],
                source=source,
                language=language,
                asked_for=asked_for,
                asked_because=plan.because,
            )
        else:
            conversation = conversations.open_conversation(
                for_whom=form.cleaned_data["for_whom"],
                minor=form.cleaned_data["minor"],
                in_danger=form.cleaned_data["in_danger"],
                topic=form.cleaned_data["topic"],
                client=client,
                visitor_pseudonym=source.session,
                source=source,
                language=language,
                asked_for=asked_for,
                asked_because=plan.because,
            )
    except queue.Refused as refused:
        return busy(request, refused, left_message=then == AskedForChoiceForm.MESSAGE)
    returning.note_started(plan, conversation)
    if then == AskedForChoiceForm.MESSAGE:
        return render(request, "chat/message_left.html", {"for_someone": True})
    request.session[session_keys.CONVERSATION] = str(conversation.pk)
    return redirect("chat")


def _source(request, address):
    return queue.Source(session=blocks.pseudonym_for_session(request.session), address=address)


def closed(request, status, address):
    """The chat is closed: alternatives for everyone, and a message to leave for clients."""
    user = request.user
    can_leave = user.is_authenticated and user.is_client
    form = LeaveMessageForm(request.POST or None) if can_leave else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            conversations.leave_message(
                user,
                form.cleaned_data["body"],
                source=_source(request, address),
                language=conversations.language_of(request.LANGUAGE_CODE),
            )
        except queue.Refused as refused:
            return busy(request, refused, left_message=True)
        return render(request, "chat/message_left.html")
    return render(request, "chat/start.html", {"status": status, "form": form})


def busy(request, refused, left_message=False):
    """An honest refusal, with the numbers to call meanwhile: 429 when this browser or
    address started enough chats this hour, 503 when the queue is at its ceiling."""
    full = isinstance(refused, queue.QueueFull)
    context = {"full": full, "left_message": left_message}
    response = render(request, "chat/busy.html", context, status=503 if full else 429)
    response["Retry-After"] = "900" if full else str(queue.START_WINDOW)
    return response


@require_POST
def save_conversation(request):
    """ "Bewaar dit gesprek": make an account first, then the conversation moves into it."""
    if saving.offered(request.session) is None:
        return redirect("chat")
    request.session[clients.AFTER_CREATION_KEY] = reverse("chat-saved")
    return redirect("client-new")


@require_POST
def feedback_answers(request):
    """The questions after a chat, posted from the ended page (chat/feedback.py). Answered
    or skipped, the token is spent; answering nothing stores nothing. The page after it
    still offers what the ended page did: saving the chat while that offer lasts."""
    if not feedback.allow_post(request):
        return _after_feedback(request, "busy", status=429)
    form = FeedbackForm(request.POST, auto_id="feedback-%s")
    token = request.POST.get("token", "")
    if "skip" in request.POST:
        feedback.take(request.session, token)
        return _after_feedback(request, "skipped")
    if not form.is_valid() and feedback.holds(request.session, token):
        context = {"feedback_form": form, "can_save": saving.offered(request.session) is not None}
        return render(request, "chat/feedback.html", context, status=400)
    if not (form.is_valid() and feedback.take(request.session, token)):
        return _after_feedback(request, "closed")  # answered before, or nothing was asked
    answers = {name: form.cleaned_data[name] for name in form.fields if name != "token"}
    stored = feedback.store(**answers)
    return _after_feedback(request, "thanks" if stored else "skipped")


def _after_feedback(request, outcome, status=200):
    context = {"outcome": outcome, "can_save": saving.offered(request.session) is not None}
    return render(request, "chat/feedback_done.html", context, status=status)


@require_safe
@client_required
def conversation_saved(request):
    saved = saving.keep(request.session, request.user)
    return render(request, "chat/saved.html", {"saved": saved})


@require_safe
@client_required
def history(request):
    context = {
        "conversations": conversations.conversations_of(request.user),
        "answered": conversations.answered_messages(request.user),
    }
    return render(request, "chat/history.html", context)


@require_safe
@client_required
def history_conversation(request, conversation_id):
    conversation = conversations.get_conversation_for(request.user, conversation_id)
    context = {"conversation": conversation, "messages": conversation.messages.all()}
    return render(request, "chat/history_conversation.html", context)


@require_safe
@client_required
def history_download(request, conversation_id):
    """The conversation as a text file, for the client to keep."""
    conversation = conversations.get_conversation_for(request.user, conversation_id)
    said_by = speakers.labels(Message.Sender.VISITOR)
    lines = [_("Gesprek van %(day)s") % {"day": date_format(conversation.created_at, "j F Y")}]
    for message in conversation.messages.all():
        when = time_format(timezone.localtime(message.created_at), "H:i")
        lines += ["", f"{said_by[message.sender]} ({when}):", message.body]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="gesprek.txt"'
    return response


# --- Counsellors: the workspace ---------------------------------------------------------
#
# One page for a whole shift: the queue, the counsellor's status, and a tab per chat they
# hold or still have to close, each with its notes, transfer, help, block and closing form.
# The side forms post here and come back to the same tab.


def _earlier(conversation):
    if conversation.client_id is None:
        return Conversation.objects.none()
    return (
        Conversation.objects.filter(
            client_id=conversation.client_id, state=Conversation.State.ENDED
        )
        .exclude(pk=conversation.pk)
        .order_by("-created_at")
    )


PREVIEW_WORDS = 8
PREVIEW_CHARS = 70


def _preview(conversation):
    """The first words of the chat's last message, for its row (staff only; decrypted here,
    never sent to the browser whole)."""
    last = (
        conversation.messages.filter(
            sender__in=(Message.Sender.VISITOR, Message.Sender.COUNSELLOR, Message.Sender.GUEST)
        )
        .order_by("-seq")
        .first()
    )
    if last is None:
        return None
    words = Truncator(" ".join(last.body.split())).words(PREVIEW_WORDS)
    return {"from": last.sender, "words": Truncator(words).chars(PREVIEW_CHARS)}


def _chat_row(conversation, user, waits, handed=None):
    """What a chat's row in the workspace shows: label, flags, first words, reply wait.
    `handed`: the chat's transfers, when the caller has them already."""
    if handed is None:
        handed = transfers.transfers_of(conversation)
    latest = handed[-1] if handed else None
    return {
        "conversation": conversation,
        "returning": _earlier(conversation).exists(),
        "transferred": latest is not None and latest.to_user_id == user.pk,
        "preview": _preview(conversation),
        "wait": waits.get(conversation.pk),
    }


def _chat_panel(request, conversation, colleagues, waits):
    user = request.user
    handed = transfers.transfers_of(conversation)
    return {
        **_chat_row(conversation, user, waits, handed),
        # A returning client: earlier chats and appointments, facts only (chat/client_history.py).
        "history": client_history.summary(conversation) if conversation.client_id else None,
        "notes": notes.notes_of(conversation),
        "transfers": handed,
        "help": help_requests.latest_for(conversation),
        "can_block": blocks.can_block(conversation),
        "note_form": NoteForm(auto_id=f"note-{conversation.pk}-%s"),
        "transfer_form": TransferForm(
            colleagues=colleagues, auto_id=f"transfer-{conversation.pk}-%s"
        ),
        "block_form": BlockForm(auto_id=f"block-{conversation.pk}-%s"),
        "closing_form": ClosingForm(auto_id=f"close-{conversation.pk}-%s"),
        # The chat's language first (chat/canned.py); the panel reads it as `canned`.
        "canned": canned.for_conversation(conversation),
        # What apps above chat add (handover: the chat's referrals and their next steps).
        "parts": panel_parts.parts_for(request, conversation),
    }


def _queue_section(user):
    """The queue section of the workspace, and all that its refresh (?part=queue) renders:
    a capped list, so its cost stays the same however long the queue is."""
    availability.note_seen(user)  # the refresh is what keeps an open workspace "online"
    held = list(
        Conversation.objects.active_for(user).select_related("client").order_by("claimed_at")
    )
    return {"queue": queue.listing(user), "held": held, "limit": availability.limit_for(user)}


def _workspace(request, selected=None):
    user = request.user
    section = _queue_section(user)
    own = availability.availability_of(user)
    held = section["held"]
    to_close = list(records.to_close(user).select_related("client"))
    colleagues = transfers.colleagues_for(user)
    waits = reply_waits.waits_for(held)
    panels = [_chat_panel(request, c, colleagues, waits) for c in held + to_close]
    if selected is None and panels:
        selected = panels[0]["conversation"]
    context = {
        **section,
        "to_close": to_close,
        "panels": panels,
        "selected": selected,
        "availability": own,
        "muted": top_bar.is_muted(request.session),
        "max_chars": settings.MESSAGE_MAX_CHARS,
        "now": timezone.now(),
        "thresholds": reply_waits.thresholds(),
    }
    return render(request, "chat/workspace.html", context)


def _rows(request):
    """Only the rows of the counsellor's chats (?part=rows): workspace.js fetches them after
    a message in one of them, so first words and reply waits come from the server."""
    user = request.user
    held = list(
        Conversation.objects.active_for(user).select_related("client").order_by("claimed_at")
    )
    to_close = list(records.to_close(user).select_related("client"))
    waits = reply_waits.waits_for(held)
    context = {
        "panels": [_chat_row(c, user, waits) for c in held + to_close],
        "now": timezone.now(),
    }
    return render(request, "chat/workspace.html#rows", context)


@require_safe
@staff_required
def counsel_queue(request):
    if request.GET.get("part") == "queue":  # queue.js, when the queue socket says "changed"
        return render(request, "chat/workspace.html#queue", _queue_section(request.user))
    if request.GET.get("part") == "rows":
        return _rows(request)
    return _workspace(request)


@require_safe
@staff_required
def counsel_conversation(request, conversation_id):
    conversation = conversations.get_conversation_for(request.user, conversation_id)
    return _workspace(request, selected=conversation)


@require_safe
@staff_required
def counsel_client_history(request, conversation_id):
    """The client's earlier chats with their notes, and their appointments: audited. With
    ?part=form only the part the side panel loads beside the chat (workspace.js)."""
    conversation = conversations.get_conversation_for(
        request.user, conversation_id, request.session
    )
    read = client_history.read_notes(conversation, request.user, request.session)
    side = request.GET.get("part") == "form"
    context = {"conversation": conversation, **read, "side": side}
    page = "chat/includes/client_history.html" if side else "chat/client_history.html"
    return render(request, page, context)


@require_safe
@staff_required
def counsel_client_history_item(request, conversation_id, earlier_id):
    """One earlier chat of the same client, read-only: audited, like the notes."""
    conversation = conversations.get_conversation_for(
        request.user, conversation_id, request.session
    )
    read = client_history.read_conversation(conversation, earlier_id, request.user, request.session)
    return render(request, "chat/client_history_item.html", {"conversation": conversation, **read})


def _back(conversation):
    return redirect("counsel-conversation", conversation_id=conversation.pk)


@require_POST
@staff_required
def counsel_claim(request, conversation_id):
    conversation = get_object_or_404(Conversation, pk=conversation_id)
    try:
        queue.claim(conversation, request.user)
    except (
        queue.AlreadyClaimed,
        queue.NotAvailable,
        queue.AtCapacity,
        queue.ReservedForColleague,
    ) as refused:
        conversation.refresh_from_db()
        if conversation.counsellor_id == request.user.pk and conversation.is_open:
            return _back(conversation)  # a double click: the first one already took it
        messages.error(request, _claim_refused(refused, request.user))
        return redirect("counsel-queue")
    return _back(conversation)


@require_POST
@staff_required
def counsel_claim_next(request):
    """The workspace's "Volgende aannemen": the first chat this counsellor may take."""
    try:
        conversation = queue.claim_next(request.user)
    except queue.NobodyWaiting:
        messages.info(request, _("Er wacht nu niemand die jij kunt aannemen."))
        return redirect("counsel-queue")
    except (queue.NotAvailable, queue.AtCapacity) as refused:
        messages.error(request, _claim_refused(refused, request.user))
        return redirect("counsel-queue")
    return _back(conversation)


def _claim_refused(refused, user):
    if isinstance(refused, queue.NotAvailable):
        return _("Je status is niet 'beschikbaar'. Zet die eerst op beschikbaar.")
    if isinstance(refused, queue.ReservedForColleague):
        return _(
            "Deze bezoeker wacht op een collega naar wie die vroeg, of met wie die een afspraak "
            "heeft. Neem een ander gesprek aan."
        )
    if isinstance(refused, queue.AtCapacity):
        return _(
            "Je voert al %(count)s gesprek(ken) tegelijk, je eigen maximum. Rond eerst een "
            "gesprek af, of kies bij 'Mijn status' voor meer gesprekken tegelijk."
        ) % {"count": availability.limit_for(user)}
    return _("Dit gesprek is al aangenomen, of de bezoeker is weggegaan.")


def _bar_answer(request):
    """The top bar's forms come back to the page they were sent from (a staff page of this
    site, else the workspace); top-bar.js sends them in the background and needs no page."""
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    if safe and back.startswith("/medewerkers/"):
        return redirect(back)
    return redirect("counsel-queue")


@require_POST
@staff_required
def counsel_availability(request):
    form = AvailabilityForm(request.POST, cap=settings.COUNSELLOR_CAPACITY)
    if not form.is_valid():
        if request.headers.get("X-Requested-With") == "fetch":
            return HttpResponse(status=400)
        messages.error(request, _("Kies een status en een aantal gesprekken."))
        return _bar_answer(request)
    availability.set_status(request.user, form.cleaned_data["status"])
    availability.set_capacity(request.user, form.cleaned_data["capacity"])
    return _bar_answer(request)


@require_POST
@staff_required
def counsel_sound(request):
    """Sound on or off, kept in the session: nothing stays on the device."""
    top_bar.set_muted(request.session, request.POST.get("muted") == "1")
    return _bar_answer(request)


@require_safe
@staff_required
def counsel_bar(request):
    """The top bar's waiting count alone, for queue.js when the queue socket says "changed"."""
    return render(request, "includes/top_bar.html#waiting", {"waiting": top_bar.waiting_count()})


@require_POST
@staff_required
def counsel_note(request, conversation_id):
    conversation = conversations.get_conversation_for(request.user, conversation_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        notes.add_note(conversation, request.user, form.cleaned_data["body"])
    return _back(conversation)


@require_POST
@staff_required
def counsel_transfer(request, conversation_id):
    conversation = conversations.get_conversation_for(request.user, conversation_id)
    colleagues = transfers.colleagues_for(request.user)
    form = TransferForm(request.POST, colleagues=colleagues)
    if not form.is_valid():
        messages.error(request, _("Kies een collega die nu online is."))
        return _back(conversation)
    to_user = User.objects.get(pk=form.cleaned_data["to"])
    try:
        transfers.transfer(conversation, request.user, to_user, form.cleaned_data["note"])
    except transfers.NotReachable:
        messages.error(request, _("Die collega is niet meer beschikbaar. Kies iemand anders."))
        return _back(conversation)
    except transfers.NotYours:
        messages.error(request, _("Dit gesprek is niet (meer) van jou."))
        return redirect("counsel-queue")
    messages.success(
        request, _("Het gesprek is overgedragen aan %(name)s.") % {"name": to_user.username}
    )
    return redirect("counsel-queue")


@require_POST
@staff_required
def counsel_help(request, conversation_id):
    conversation = conversations.get_conversation_for(request.user, conversation_id)
    help_requests.request_help(conversation, request.user)
    return _back(conversation)


@require_POST
@staff_required
def counsel_block(request, conversation_id):
    conversation = conversations.get_conversation_for(request.user, conversation_id)
    form = BlockForm(request.POST)
    if not form.is_valid() or not blocks.can_block(conversation):
        messages.error(request, _("Geef een reden op voor de blokkade."))
        return _back(conversation)
    blocks.block_visitor(
        conversation,
        request.user,
        duration=form.cleaned_data["duration"],
        reason=form.cleaned_data["reason"],
    )
    return _back(conversation)


@require_POST
@staff_required
def counsel_close(request, conversation_id):
    conversation = conversations.get_conversation_for(request.user, conversation_id)
    form = ClosingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies een uitkomst om het gesprek af te ronden."))
        return _back(conversation)
    if conversation.is_open and request.POST.get("confirmed") != "1":
        # A stray click never ends a chat: without the page's dialog, ask here first.
        kept = [
            (name, value)
            for name in ClosingForm.base_fields
            for value in request.POST.getlist(name)
        ]
        context = {"conversation": conversation, "kept": kept}
        return render(request, "chat/close_confirm.html", context)
    closing.close(conversation, request.user, **form.cleaned_data)
    messages.success(request, _("Het gesprek is afgerond."))
    return redirect("counsel-queue")


# --- Supervisors: canned responses ("snelle antwoorden") ---------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@supervisor_required
def canned_list(request, pk=None):
    """The list of canned responses, with a form to add one or edit the chosen one."""
    editing = get_object_or_404(CannedResponse, pk=pk) if pk is not None else None
    form = CannedResponseForm(request.POST or None, instance=editing)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        entries.record(request.user, entries.Action.CANNED_CHANGED, detail=f"saved={saved.pk}")
        return redirect("canned-list")
    context = {"responses": canned.listing(), "form": form, "editing": editing}
    return render(request, "chat/canned.html", context)


@require_POST
@supervisor_required
def canned_delete(request, pk):
    response = get_object_or_404(CannedResponse, pk=pk)
    entries.record(request.user, entries.Action.CANNED_CHANGED, detail=f"deleted={response.pk}")
    response.delete()
    return redirect("canned-list")
