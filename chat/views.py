from django.shortcuts import render
from django.views.decorators.http import require_safe

from chat.schedule import chat_status


@require_safe
def start(request):
    """Where every "chat with us" button leads: open or closed, and what else can help."""
    return render(request, "chat/start.html", {"status": chat_status()})
