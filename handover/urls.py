from django.urls import path

from handover import views

# Staff: /medewerkers/verwijzingen/ (hoc/urls.py).
urlpatterns = [
    path("", views.referral_list, name="referrals"),
    path("nieuw/<uuid:conversation_id>/", views.referral_new, name="referral-new"),
    path(
        "nieuw/<uuid:conversation_id>/zonder-toestemming/",
        views.referral_new,
        {"without_consent": True},
        name="referral-new-without-consent",
    ),
    path("<uuid:referral_id>/", views.referral_detail, name="referral"),
    path("<uuid:referral_id>/wijzigen/", views.referral_edit, name="referral-edit"),
    path("<uuid:referral_id>/afdrukken/", views.referral_print, name="referral-print"),
    path("<uuid:referral_id>/stap/<slug:step>/", views.referral_step, name="referral-step"),
    path(
        "<uuid:referral_id>/gast/<uuid:invitation_id>/verwijderen/",
        views.guest_remove,
        name="referral-guest-remove",
    ),
]

# The client's chat asks here for its consent cards and answers them (fetch, no page of
# its own, so the browser history keeps showing /chat/): /chat/toestemming/.
chat_urlpatterns = [
    path("<uuid:conversation_id>/", views.consent_cards, name="consent-cards"),
    path("besluit/<uuid:referral_id>/", views.consent_decision, name="consent-decision"),
]

# In the client's account: /account/toestemming/.
account_urlpatterns = [
    path("<uuid:referral_id>/", views.client_referral, name="client-referral"),
    path("<uuid:referral_id>/intrekken/", views.client_withdraw, name="client-referral-withdraw"),
]
