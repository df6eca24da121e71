"""{% top_bar %}: the staff console's bar on every staff page (templates/staff_base.html)."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chat import top_bar as bar

register = template.Library()

# The bar's navigation: (label, URL name, who sees it). A page is "current" when its path is
# the item's path or lies under it; the longest match wins, so the statistics page marks
# "Statistiek", not "Overzicht".
NAVIGATION = [
    (_("Werkplek"), "counsel-queue", "staff"),
    (_("Verwijzingen"), "referrals", "staff"),
    (_("Overzicht"), "oversight-overview", "supervisor"),
    (_("Statistiek"), "oversight-statistics", "supervisor"),
    (_("Logboek"), "oversight-audit-log", "supervisor"),
    (_("Snelle antwoorden"), "canned-list", "supervisor"),
    (_("Beheer"), "admin:index", "admin"),
]
# The workspace also answers at /medewerkers/gesprek/<id>/ (one chat in front).
ALSO_UNDER = {"counsel-queue": ["/medewerkers/gesprek/"]}


def _may_see(user, who):
    if who == "admin":
        return user.is_admin_role
    if who == "supervisor":
        return user.is_supervisor
    return True


def navigation_for(user, path):
    items = []
    for label, name, who in NAVIGATION:
        if _may_see(user, who):
            url = reverse(name)
            prefixes = [url, *ALSO_UNDER.get(name, [])]
            match = max((len(p) for p in prefixes if path.startswith(p)), default=0)
            items.append({"label": label, "url": url, "match": match, "exact": path == url})
    best = max((item["match"] for item in items), default=0)
    for item in items:
        inside = best and item["match"] == best
        item["current"] = "page" if item["exact"] else ("true" if inside else "")
    return items


@register.inclusion_tag("includes/top_bar.html", takes_context=True)
def top_bar(context):
    request = context["request"]
    shown = bar.bar_for(request)
    if shown is None:
        return {"bar": None}
    return {
        "bar": shown,
        "navigation": navigation_for(request.user, request.path),
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
    }
