"""The application's URLs plus /bench/bare/, the baseline for the public-pages benchmark.

The bare view passes through the same middleware stack as every page, so the ratio of a
page's throughput to the bare view's is the cost of the view itself (queries, templates).
"""

from django.http import HttpResponse, JsonResponse
from django.urls import path

from hoc.urls import handler500  # noqa: F401
from hoc.urls import urlpatterns as hoc_urlpatterns

_PARAGRAPH = (
    "<p>Dit is een vaste tekst van de benchmark. Hij is ongeveer even groot als de "
    "voorpagina, zodat het verschil in doorvoer de kosten van de view laat zien en niet "
    "die van het versturen.</p>\n"
)
BARE_HTML = (
    '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
    "<title>Benchmark</title>\n</head>\n<body>\n<main>\n<h1>Benchmark</h1>\n"
    + _PARAGRAPH * 33
    + "</main>\n</body>\n</html>\n"
).encode()


def bare(request):
    return HttpResponse(BARE_HTML)


def stats(request):
    """SQL statements this server process sent so far (bench/statements.py)."""
    from bench import statements

    return JsonResponse(statements.snapshot())


urlpatterns = [path("bench/bare/", bare), path("bench/stats/", stats), *hoc_urlpatterns]
