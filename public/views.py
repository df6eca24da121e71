"""Public pages, quick exit and error pages."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import pseudonyms
from accounts.views import leave_site
from chat.schedule import chat_status
from common.origins import is_same_origin
from partners.models import Partner
from public import guide, pagecache, signups
from public.forms import InfoSessionSignupForm
from public.models import GuideNode, SelfCheckItem

# The date the accessibility statement was last reviewed.
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 11, 28)


def public_page(request, template, context=None, status=200):
    response = render(request, template, context, status=status)
    response.indexable = True
    return response


def partners_by_slug():
    return {p.slug.replace("-", "_"): p for p in Partner.objects.public()}


def retention():
    return {
        "conversation_days": settings.CONVERSATION_RETENTION_DAYS,
        "unused_account_hours": settings.UNUSED_ACCOUNT_RETENTION_HOURS,
        "inactive_account_days": settings.INACTIVE_ACCOUNT_RETENTION_DAYS,
        "signup_days": settings.SIGNUP_RETENTION_DAYS,
        "referral_days": settings.REFERRAL_RETENTION_DAYS,
    }


def status_stamp(status):
    return f"{status.is_open}|{status.closes_at}|{status.next_opening}"


@require_safe
def home(request):
    status = chat_status()
    stamp = f"{status_stamp(status)}|{pagecache.content_stamp(Partner.objects.all())}"
    html = pagecache.render_cached(request, "public/home.html", {"status": status}, stamp)
    response = HttpResponse(html)
    response.indexable = True
    return response


@require_safe
def selfcheck(request):
    items = SelfCheckItem.objects.all()
    return public_page(
        request,
        "public/selfcheck.html",
        {
            "self_items": [i for i in items if i.checklist == SelfCheckItem.Checklist.SELF],
            "relative_items": [i for i in items if i.checklist == SelfCheckItem.Checklist.RELATIVE],
        },
    )


@require_safe
def guide_start(request):
    status = chat_status()
    stamp = "|".join(
        [
            status_stamp(status),
            pagecache.content_stamp(Partner.objects.all(), GuideNode.objects.all()),
        ]
    )

    def context():
        nodes = guide.load_guide()
        start = guide.start_node(nodes)
        if start is None:
            raise Http404
        return {"nodes": nodes.values(), "start": start, "status": status}

    html = pagecache.render_cached(request, "public/guide.html", context, stamp)
    response = HttpResponse(html)
    response.indexable = True
    return response


@require_safe
def guide_step(request, pk):
    """One step of the guide as its own page, for browsers without JavaScript."""
    nodes = guide.load_guide()
    if pk not in nodes:
        raise Http404
    context = {"node": nodes[pk], "status": chat_status()}
    return public_page(request, "public/guide_step.html", context)


@require_safe
def relatives(request):
    return public_page(request, "public/relatives.html", {"partners": partners_by_slug()})


# No CSRF token, because a token lives in the session and this public page creates none.
# A cross-site post is refused all the same by its Origin (same_origin_post): otherwise any
# other site could make its visitors' browsers sign up from their own addresses, around the
# per-address limit.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def professionals(request):
    if request.method == "POST" and not same_origin_post(request):
        return csrf_failure(request)
    form = InfoSessionSignupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                signups.register_signup(
                    **form.cleaned_data, pseudonym=pseudonyms.client_pseudonym(request)
                )
            except signups.TooManySignups:
                status = 429
            else:
                return redirect(reverse("professionals") + "?aangemeld=1#aanmelden")
        else:
            status = 400
    context = {
        "form": form,
        "signed_up": request.GET.get("aangemeld") == "1",
        "too_many": status == 429,
        "partners": partners_by_slug(),
        "retention": retention(),
    }
    return public_page(request, "public/professionals.html", context, status=status)


@require_safe
def safety(request):
    return public_page(request, "public/safety.html")


@require_safe
def privacy(request):
    return public_page(request, "public/privacy.html", {"retention": retention()})


@require_safe
def accessibility(request):
    context = {"statement_date": ACCESSIBILITY_STATEMENT_DATE}
    return public_page(request, "public/accessibility.html", context)


@require_safe
def words(request):
    return public_page(request, "public/words.html")


# No CSRF token: the exit must work from every page without first creating a session just
# to hold a token, and a forged request could only end the session it cannot see (the
# SameSite=Strict cookie is not even sent cross-site).
@csrf_exempt
@require_POST
def quick_exit(request):
    """End the visitor's session on the server and tell the browser to forget this site.

    The page script calls this and then leaves with location.replace(); without script the
    form posts here and the answer moves on to the neutral site by itself.
    """
    return leave_site(request)


@require_safe
def robots_txt(request):
    # Only the public pages may be indexed; everything else also says noindex.
    body = "User-agent: *\nDisallow: /beheer/\nDisallow: /chat/\nDisallow: /account/\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def same_origin_post(request):
    """The post comes from a page of this site: its Origin (which browsers send with every
    post) or, failing that, its Referer names this site (common/origins.py)."""
    origin = request.headers.get("Origin")
    if origin is None:
        referer = urlsplit(request.headers.get("Referer", ""))
        origin = f"{referer.scheme}://{referer.netloc}"
    return is_same_origin(origin, request.get_host(), request.is_secure())


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def bad_request(request, exception=None):
    # Django's own 400 view wants a CSRF token, which lives in the session; a request refused
    # before the session middleware (a Host header not ours, as any scanner sends) has no
    # session, and that view then failed with a 500 and a traceback in the log.
    html = loader.render_to_string("400.html", {"exit_url": settings.EXIT_URL})
    return HttpResponseBadRequest(html)


def server_error(request):
    # Rendered without the request's context processors: whatever failed may fail again.
    html = loader.render_to_string("500.html", {"exit_url": settings.EXIT_URL})
    return HttpResponseServerError(html)
