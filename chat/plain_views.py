"""The visitor's chat without JavaScript: what views.start adds to the chat page, and the
page's forms, which post to /chat/ like everything else (the browser history keeps one
neutral address). The rules are in chat/plain_chat.py and chat/conversations.py."""

from contextlib import suppress

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render

from chat import conversations, plain_chat, returning
from chat.models import Message
from common.refusals import NotAllowed

# A draft that comes back to the visitor after a refusal: at most this much of it.
KEPT_DRAFT = 4 * settings.MESSAGE_MAX_CHARS


def page_context(request, conversation):
    """The plain page's part of the chat page: ?schrijven is the writing view, which never
    refreshes; ?beeindigen asks "Weet je het zeker?" before ending."""
    writing = "schrijven" in request.GET
    plain_chat.note_present(conversation, writing=writing)
    context = plain_chat.page(conversation, writing=writing or "beeindigen" in request.GET)
    context["ending"] = "beeindigen" in request.GET
    return context


def _writing(request, conversation, *, draft="", client_id=None, error="", status=200):
    """The writing view again, as the answer to a post, with what was typed kept."""
    context = {
        "conversation": conversation,
        "max_chars": settings.MESSAGE_MAX_CHARS,
        **plain_chat.page(conversation, writing=True),
        "draft": draft[:KEPT_DRAFT],
        "error": error,
    }
    if client_id is not None:
        context["client_id"] = client_id  # the same message still: a resend stays one
    return render(request, "chat/conversation.html", context, status=status)


def post(request, conversation):
    """A form from the plain chat page: send, "Vernieuwen" (new messages, the draft kept),
    end, or "wie er vrij is" (no longer wait for one counsellor, chat/returning.py).
    `conversation` is the session's, checked by get_conversation_for just now."""
    user = request.user
    if conversations.role_in(conversation, user, request.session) != Message.Sender.VISITOR:
        raise NotAllowed
    action = request.POST.get("do")
    draft = request.POST.get("body", "")
    client_id = plain_chat.client_id_of(request.POST.get("id"))
    plain_chat.note_present(conversation, writing=action != "end")
    try:
        plain_chat.check_rate(request.session)
    except plain_chat.TooFast as refused:
        return _writing(
            request, conversation, draft=draft, client_id=client_id, error=refused.code, status=429
        )
    if action == "end":
        if request.POST.get("confirmed") != "1":
            return redirect(f"{request.path}?beeindigen#beeindigen")
        with suppress(conversations.ConversationClosed):  # it ended meanwhile: shown next
            conversations.end_conversation(conversation, by=Message.Sender.VISITOR)
        return redirect("chat")
    if action == "refresh":
        return _writing(request, conversation, draft=draft, client_id=client_id)
    if action == "anyone":  # no longer wait for the counsellor asked for (asked-for.js too)
        returning.switch_to_anyone(conversation)
        if request.headers.get("X-Requested-With") == "fetch":
            return HttpResponse(status=204)
        return redirect("chat")
    if action != "send":
        return redirect("chat")  # a second intake, say: the chat already runs
    if client_id is None:
        return _writing(request, conversation, draft=draft, error="invalid", status=400)
    author = user if user.is_authenticated else None
    try:
        conversations.post_message(conversation, Message.Sender.VISITOR, draft, client_id, author)
    except conversations.ConversationClosed:
        return redirect("chat")  # the page that says it ended
    except (
        conversations.EmptyMessage,
        conversations.MessageTooLong,
        conversations.PassphraseInMessage,
    ) as refused:
        return _writing(
            request, conversation, draft=draft, client_id=client_id, error=refused.code, status=400
        )
    return redirect("chat")
