from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from hoc import views

admin.site.site_header = "HOC chat beheer"
admin.site.site_title = "HOC chat beheer"

urlpatterns = [
    path("snel-weg/", views.quick_exit, name="quick-exit"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("beheer/", admin.site.urls),
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
    path("chat/", include("chat.urls")),
    prefix_default_language=False,
)

handler500 = "hoc.views.server_error"
