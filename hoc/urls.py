from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.admin_site import StaffAdminSite
from accounts.urls import client_urlpatterns, staff_urlpatterns
from chat.urls import counsel_urlpatterns
from handover import urls as handover_urls
from public import views

# The admin sits behind the staff log-in with TOTP (django-otp's documented way to swap it).
admin.site.__class__ = StaffAdminSite

urlpatterns = [
    path("snel-weg/", views.quick_exit, name="quick-exit"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    # Partners were kept under the handover app in the admin until they got their own app:
    # a bookmark to the old list still arrives, behind the admin's own log-in.
    path(
        "beheer/handover/partner/",
        admin.site.admin_view(
            RedirectView.as_view(url="/beheer/partners/partner/", query_string=True)
        ),
    ),
    path("beheer/", admin.site.urls),
    path("medewerkers/", include(staff_urlpatterns)),
    path("medewerkers/", include(counsel_urlpatterns)),
    path("medewerkers/overzicht/", include("oversight.urls")),
    path("medewerkers/verwijzingen/", include(handover_urls.urlpatterns)),
]

# Dutch at /, English under /en/: the language lives in the URL, not in a cookie. Paths
# use neutral words: they end up in the browser history.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("herken-je-dit/", views.selfcheck, name="selfcheck"),
    path("hulpwijzer/", views.guide_start, name="guide"),
    path("hulpwijzer/<int:pk>/", views.guide_step, name="guide-step"),
    path("naasten/", views.relatives, name="relatives"),
    path("professionals/", views.professionals, name="professionals"),
    path("veilig-surfen/", views.safety, name="safety"),
    path("privacy/", views.privacy, name="privacy"),
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
    path("onze-woorden/", views.words, name="words"),
    path("chat/toestemming/", include(handover_urls.chat_urlpatterns)),
    path("chat/", include("chat.urls")),
    path("account/toestemming/", include(handover_urls.account_urlpatterns)),
    path("account/", include(client_urlpatterns)),
    prefix_default_language=False,
)

handler400 = "public.views.bad_request"
handler500 = "public.views.server_error"
