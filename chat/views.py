"""The chat's pages: the visitor's one constant URL, and the counsellor's queue and chats."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import clients
from accounts.decorators import client_required, role_required
from chat import conversations, queue
from chat.forms import IntakeForm, LeaveMessageForm
from chat.models import Conversation
from chat.schedule import chat_status

SESSION_KEY = "conversation_id"
SAVEABLE_KEY = "saveable_conversation_id"


def session_conversation(request):
    """The conversation this browser session takes part in, or None."""
    conversation_id = request.session.get(SESSION_KEY)
    if conversation_id is None:
        return None
    try:
        return conversations.get_conversation_for(request.user, conversation_id, request.session)
    except PermissionDenied:
        # Logged in or out since, or the conversation is gone: start afresh.
        del request.session[SESSION_KEY]
        return None


@require_http_methods(["GET", "HEAD", "POST"])
def start(request):
    """Every step of the visitor's chat on /chat/, so the browser history shows one neutral
    address: closed, the intake, the conversation, and its end."""
    conversation = session_conversation(request)
    if conversation is not None and conversation.is_open:
        if request.method == "POST":
            return redirect("chat")
        context = {"conversation": conversation, "max_chars": settings.MESSAGE_MAX_CHARS}
        return render(request, "chat/conversation.html", context)
    if conversation is not None:
        # The end is shown once; then the session lets go, so nothing links it to the chat,
        # except that an anonymous visitor may still save it under a new account.
        del request.session[SESSION_KEY]
        can_save = conversation.client_id is None
        if can_save:
            request.session[SAVEABLE_KEY] = str(conversation.pk)
        return render(request, "chat/ended.html", {"can_save": can_save})
    status = chat_status()
    if not status.is_open:
        return closed(request, status)
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        if user.is_authenticated and user.is_staff_member:
            raise PermissionDenied  # staff chat from the queue, not as visitors
        conversation = conversations.open_conversation(
            for_whom=form.cleaned_data["for_whom"],
            minor=form.cleaned_data["minor"],
            in_danger=form.cleaned_data["in_danger"],
            topic=form.cleaned_data["topic"],
            client=user if user.is_authenticated and user.is_client else None,
        )
        request.session[SESSION_KEY] = str(conversation.pk)
        return redirect("chat")
    return render(request, "chat/intake.html", {"form": form, "status": status})


def closed(request, status):
    """The chat is closed: alternatives for everyone, and a message to leave for clients."""
    user = request.user
    can_leave = user.is_authenticated and user.is_client
    form = LeaveMessageForm(request.POST or None) if can_leave else None
    if form is not None and request.method == "POST" and form.is_valid():
        conversations.leave_message(user, form.cleaned_data["body"])
        return render(request, "chat/message_left.html")
    return render(request, "chat/start.html", {"status": status, "form": form})


@require_POST
def save_conversation(request):
    """ "Bewaar dit gesprek": make an account first, then the conversation moves into it."""
    if request.session.get(SAVEABLE_KEY) is None:
        return redirect("chat")
    request.session[clients.AFTER_CREATION_KEY] = reverse("chat-saved")
    return redirect("client-new")


@require_safe
@client_required
def conversation_saved(request):
    conversation_id = request.session.pop(SAVEABLE_KEY, None)
    saved = conversation_id is not None and conversations.attach_to_client(
        conversation_id, request.user
    )
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
    """The conversation as a text file, for the client to keep (R-H3)."""
    conversation = conversations.get_conversation_for(request.user, conversation_id)
    speaker = {"visitor": _("Jij"), "counsellor": _("Hulpverlener"), "system": "HOC"}
    lines = [_("Gesprek van %(day)s") % {"day": date_format(conversation.created_at, "j F Y")}]
    for message in conversation.messages.all():
        when = time_format(timezone.localtime(message.created_at), "H:i")
        lines += ["", f"{speaker[message.sender]} ({when}):", message.body]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="gesprek.txt"'
    return response


# --- Counsellors ----------------------------------------------------------------------


@require_safe
@role_required()
def counsel_queue(request):
    context = {
        "waiting": queue.waiting(),
        "left": Conversation.objects.messages_left(),
        "mine": Conversation.objects.active_for(request.user).order_by("claimed_at"),
    }
    return render(request, "chat/counsel_queue.html", context)


@require_POST
@role_required()
def counsel_claim(request, conversation_id):
    conversation = get_object_or_404(Conversation, pk=conversation_id)
    try:
        queue.claim(conversation, request.user)
    except queue.AlreadyClaimed:
        conversation.refresh_from_db()
        if conversation.counsellor_id == request.user.pk and conversation.is_open:
            # A double click: the first one already took it.
            return redirect("counsel-conversation", conversation_id=conversation.pk)
        messages.error(request, _("Dit gesprek is al aangenomen, of de bezoeker is weggegaan."))
        return redirect("counsel-queue")
    except queue.AtCapacity:
        messages.error(
            request,
            _("Je hebt al %(count)s gesprekken tegelijk. Rond eerst een gesprek af.")
            % {"count": settings.COUNSELLOR_CAPACITY},
        )
        return redirect("counsel-queue")
    return redirect("counsel-conversation", conversation_id=conversation.pk)


@require_safe
@role_required()
def counsel_conversation(request, conversation_id):
    conversation = conversations.get_conversation_for(request.user, conversation_id)
    earlier = Conversation.objects.none()
    if conversation.client_id is not None:
        earlier = (
            Conversation.objects.filter(
                client_id=conversation.client_id, state=Conversation.State.ENDED
            )
            .exclude(pk=conversation.pk)
            .order_by("-created_at")
        )
    return render(
        request,
        "chat/counsel_conversation.html",
        {
            "conversation": conversation,
            "earlier": earlier,
            "max_chars": settings.MESSAGE_MAX_CHARS,
        },
    )
