"""Supervisors' pages: the live overview, a stated look into a conversation, the
statistics for the pilot's evaluation and the audit log."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import staff_required, supervisor_required
from chat import availability, blocks, help_requests, reply_waits
from chat.models import Block, Conversation
from oversight import audit_log as audit_log_module
from oversight import audit_wording, charts, evaluation, feedback_quotes, looks, statistics
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
    no address that shows it without a new reason and a new audit entry. A supervisor's
    look is live from there (looks.look grants this session's socket the observer's role);
    from a call for help that is where the alert leads. Counsellors too, for a chat that
    ended in their hands (looks.may_look): read-only and not live."""
    # From a call for help on the overview, "help" is already chosen; still asked, still logged.
    form = LookForm(request.POST or None, initial={"reason_code": request.GET.get("reden")})
    if request.method == "POST" and form.is_valid():
        seen = looks.look(
            request.user, conversation_id, **form.cleaned_data, session=request.session
        )
        if request.user.is_supervisor:
            help_requests.answer_all(conversation_id, request.user)
            seen["help"] = help_requests.latest_for(seen["conversation"])
        return render(
            request, "oversight/look.html", {**seen, "max_chars": settings.MESSAGE_MAX_CHARS}
        )
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
    """Newest first, in words, filtered by person, action, object and dates; never content."""
    form = audit_log_module.FilterForm(request.GET)
    page = audit_log_module.page_of(form, request.GET.get("pagina"))
    context = {"form": form, "page": page, "lines": audit_wording.describe(page)}
    return render(request, "oversight/audit_log.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@supervisor_required
def feedback_texts(request):
    """The visitors' free texts still held, each to keep as an anonymised quote or discard
    now (audited); after their date they go on their own (chat/feedback.py)."""
    number, form = request.GET.get("pagina"), None
    if request.method == "POST":
        discard = "discard" in request.POST
        form = feedback_quotes.QuoteForm(
            request.POST,
            discard=discard,
            auto_id=feedback_quotes.auto_id_for(request.POST.get("feedback")),
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                if discard:
                    feedback_quotes.discard_text(request.user, data["feedback"])
                else:
                    feedback_quotes.keep_quote(request.user, data["feedback"], data["quote"])
            except feedback_quotes.Gone:
                pass  # discarded or past its date meanwhile: the list shows it gone
            return redirect(_with_page(reverse("oversight-feedback"), number))
    context = {"page": feedback_quotes.page_of(number, posted=form)}
    status = 400 if form is not None else 200  # a form that did not pass, with its error
    return render(request, "oversight/feedback_texts.html", context, status=status)


def _with_page(url, number):
    number = str(number or "")
    return f"{url}?pagina={int(number)}" if number.isdigit() and len(number) < 7 else url


# --- Statistics ---------------------------------------------------------------------------


@require_safe
@supervisor_required
def statistics_page(request):
    form = statistics.PeriodForm.from_query(request.GET)
    context = {"form": form}
    if form.is_valid():
        figures = statistics.compute(form.cleaned_data["start"], form.cleaned_data["end"])
        context.update(
            statistics=figures,
            charts=charts.for_statistics(figures),
            minimum=statistics.MIN_VALUES,
        )
    return render(request, "oversight/statistics.html", context)


@require_safe
@supervisor_required
def statistics_csv(request):
    """The page's figures as CSV, for outside the organisation: suppressed
    (statistics.suppress, inside write_csv), never a record."""
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


# --- The evaluation report ------------------------------------------------------------------


@require_safe
@supervisor_required
def evaluation_page(request):
    """The printable report of a quarter or the whole pilot (?periode=2026-K3), or only its
    part for partners (?deel=partners). Every figure suppressed; each opening audited."""
    report = evaluation.build(request.GET.get("periode", evaluation.WHOLE))
    if report is None:
        raise Http404
    part = request.GET.get("deel", "")
    if part not in ("", evaluation.PARTNERS):
        raise Http404
    evaluation.note_seen(request.user, report, part=part)
    context = {
        "report": report,
        "figures": report.figures,
        "partners_only": part == evaluation.PARTNERS,
        "threshold": statistics.THRESHOLD,
        "minimum": statistics.MIN_VALUES,
    }
    return render(request, "oversight/evaluation.html", context)


@require_safe
@supervisor_required
def evaluation_csv(request):
    """The report's figures, one row per quarter and one for the whole pilot, for a
    spreadsheet with Dutch settings; audited."""
    report = evaluation.build(request.GET.get("periode", evaluation.WHOLE))
    if report is None:
        raise Http404
    evaluation.note_seen(request.user, report, downloaded=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    today = report.period.end.isoformat()
    response["Content-Disposition"] = f'attachment; filename="hoc-evaluatie-{today}.csv"'
    evaluation.write_csv(report, response)
    return response
