"""Public pages, quick exit and error pages."""

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe


@require_safe
def home(request):
    response = render(request, "hoc/home.html")
    response.indexable = True
    return response


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
    logout(request)
    response = render(request, "hoc/exit.html")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@require_safe
def robots_txt(request):
    # Only the public front page may be indexed (R-D5); everything else says noindex too.
    body = "User-agent: *\nAllow: /$\nDisallow: /\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    # Rendered without the request's context processors: whatever failed may fail again.
    html = loader.render_to_string("500.html", {"exit_url": settings.EXIT_URL})
    return HttpResponseServerError(html)
