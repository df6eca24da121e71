"""The guest professional's pages (the three-way handover, chat/guests.py): a link that
works once, then the live chat from that moment on. Separate from chat/views.py, which is
the visitor's and the counsellor's."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from chat import guests


@require_http_methods(["GET", "HEAD", "POST"])
def guest_join(request, token):
    """GET explains and asks; only the POST uses the link up, so a mail scanner or a link
    preview that opens the address cannot spend it."""
    try:
        invitation = guests.find_by_token(token)
    except guests.LinkNotValid:
        return render(request, "chat/guest.html", {"step": "invalid"}, status=410)
    if request.user.is_authenticated:
        # A logged-in session is someone's own (a client or staff): not a guest's.
        return render(request, "chat/guest.html", {"step": "logged_in"}, status=403)
    if request.method == "POST":
        try:
            guests.redeem(token, request.session)
        except guests.LinkNotValid:
            return render(request, "chat/guest.html", {"step": "invalid"}, status=410)
        request.session.cycle_key()
        return redirect("chat-guest")
    return render(request, "chat/guest.html", {"step": "join", "invitation": invitation})


@require_safe
def guest_chat(request):
    invitation = guests.invitation_in(request.session)
    if invitation is None or not invitation.conversation.is_open:
        return render(request, "chat/guest.html", {"step": "gone"}, status=410)
    context = {
        "step": "chat",
        "invitation": invitation,
        "conversation": invitation.conversation,
        "max_chars": settings.MESSAGE_MAX_CHARS,
    }
    return render(request, "chat/guest.html", context)
