"""Supervisors' pages: the live overview, a stated look into a conversation, the
statistics for the pilot's evaluation and the audit log."""

import uuid

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import staff_required, supervisor_required
from audit.models import AuditEntry
from chat import availability, blocks, help_requests, reply_waits
from chat.models import Block, Conversation
from oversight import charts, looks, statistics
from oversight import overview as overview_module
from oversight.forms import BlockReviewForm, LookForm


@require_safe
@supervisor_required
def overview(request):
    """Live: queue.js refetches this page whenever the queue socket says something changed."""
    availability.note_seen(request.user)
    return render(request, "oversight/overview.html", overview_module.snapshot())


@require_POST
@supervisor_required
def reply_wait_thresholds(request):
    """When a chat waiting for its counsellor's reply turns amber and red (audited)."""
    form = overview_module.thresholds_form(request.POST)
    if not form.is_valid():
        context = {**overview_module.snapshot(), "thresholds_form": form}
        return render(request, "oversight/overview.html", context, status=400)
    reply_waits.set_thresholds(
        request.user,
        amber_seconds=form.cleaned_data["amber_minutes"] * 60,
        red_seconds=form.cleaned_data["red_minutes"] * 60,
    )
    return redirect(reverse("oversight-overview") + "#reply-waits")


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def look(request, conversation_id):
    """Ask why; then, and only in the answer to that POST, show the conversation. There is
    no address that shows it without a new reason and a new audit entry. Counsellors too,
    for a chat that ended in their hands (looks.may_look)."""
    # From a call for help on the overview, "help" is already chosen; still asked, still logged.
    form = LookForm(request.POST or None, initial={"reason_code": request.GET.get("reden")})
    if request.method == "POST" and form.is_valid():
        seen = looks.look(request.user, conversation_id, **form.cleaned_data)
        if request.user.is_supervisor:
            help_requests.answer_all(conversation_id, request.user)
        return render(request, "oversight/look.html", seen)
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        raise Http404
    if not looks.may_look(request.user, conversation):
        raise PermissionDenied
    return render(request, "oversight/look_reason.html", {"form": form, "id": conversation_id})


@require_POST
@supervisor_required
def review_block(request, block_id):
    block = get_object_or_404(Block, pk=block_id)
    form = BlockReviewForm(request.POST)
    if form.is_valid():
        blocks.review(block, request.user, lift=form.cleaned_data["decision"] == "lift")
    return redirect("oversight-overview")


@require_safe
@supervisor_required
def audit_log(request):
    """Append-only, newest first; filter by conversation or referral id."""
    entries = AuditEntry.objects.all()
    about = request.GET.get("over", "").strip()
    if about:
        try:
            about_id = uuid.UUID(about)
        except ValueError:
            entries = entries.none()
        else:
            entries = entries.filter(Q(conversation_id=about_id) | Q(referral_id=about_id))
    page = Paginator(entries, 50).get_page(request.GET.get("pagina"))
    return render(request, "oversight/audit_log.html", {"page": page, "about": about})


# --- Statistics ---------------------------------------------------------------------------


@require_safe
@supervisor_required
def statistics_page(request):
    form = statistics.PeriodForm.from_query(request.GET)
    context = {"form": form}
    if form.is_valid():
        figures = statistics.compute(form.cleaned_data["start"], form.cleaned_data["end"])
        context.update(statistics=figures, charts=charts.for_statistics(figures))
    return render(request, "oversight/statistics.html", context)


@require_safe
@supervisor_required
def statistics_csv(request):
    """The page's figures as CSV: the same suppressed values, never a record."""
    form = statistics.PeriodForm.from_query(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text(), content_type="text/plain")
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="hoc-statistiek-{start.isoformat()}-{end.isoformat()}.csv"'
    )
    statistics.write_csv(statistics.compute(start, end), response)
    return response
