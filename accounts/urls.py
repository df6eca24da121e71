from django.urls import path

from accounts import views

# Neutral words: these paths end up in the browser history.
client_urlpatterns = [
    path("", views.client_home, name="client-home"),
    path("nieuw/", views.new_account, name="client-new"),
    path("bevestigen/", views.confirm_account, name="client-confirm"),
    path("inloggen/", views.client_login, name="client-login"),
    path("uitloggen/", views.client_logout, name="client-logout"),
    path("naam/", views.display_name, name="client-display-name"),
    path("nieuwe-zin/", views.new_passphrase, name="client-new-passphrase"),
    path("wissen/", views.delete_account, name="client-delete"),
]

staff_urlpatterns = [
    path("", views.staff_home, name="staff-home"),
    path("inloggen/", views.staff_login, name="staff-login"),
    path("code/", views.staff_otp, name="staff-otp"),
    path("app-koppelen/", views.staff_enrol, name="staff-enrol"),
    path("app-koppelen/<str:token>/", views.staff_enrol_link, name="staff-enrol-link"),
    path("uitloggen/", views.staff_logout, name="staff-logout"),
]
