"""hoc.urls plus views that fail on purpose, for error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from hoc.urls import handler500  # noqa: F401
from hoc.urls import urlpatterns as hoc_urlpatterns


def boom(request):
    raise RuntimeError("message text that must not leak: ik ben bang")


def forbidden(request):
    raise PermissionDenied


def bad(request):
    raise SuspiciousOperation("bad request")


urlpatterns = [
    path("boom/", boom),
    path("forbidden/", forbidden),
    path("bad/", bad),
    *hoc_urlpatterns,
]
