from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import path

from hoc import views

admin.site.site_header = "HOC chat beheer"
admin.site.site_title = "HOC chat beheer"

urlpatterns = [
    path("snel-weg/", views.quick_exit, name="quick-exit"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("beheer/", admin.site.urls),
]

# Dutch at /, English under /en/: the language lives in the URL, not in a cookie.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    prefix_default_language=False,
)

handler500 = "hoc.views.server_error"
