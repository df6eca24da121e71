from django.urls import path

from chat import appointment_views, guest_views, views

# One address for every step of the visitor's chat: it ends up in the browser history.
urlpatterns = [
    path("", views.start, name="chat"),
    path("bewaren/", views.save_conversation, name="chat-save"),
    path("bewaard/", views.conversation_saved, name="chat-saved"),
    # The questions after a chat: a neutral address, and nothing in it of the chat.
    path("vragen/", views.feedback_answers, name="chat-feedback"),
    path("eerder/", views.history, name="chat-history"),
    path("eerder/<uuid:conversation_id>/", views.history_conversation, name="chat-history-item"),
    path(
        "eerder/<uuid:conversation_id>/bestand/",
        views.history_download,
        name="chat-history-download",
    ),
    # A follow-up appointment's cards in the chat (JSON) and the client's answer.
    path(
        "afspraken/<uuid:conversation_id>/",
        appointment_views.appointment_cards,
        name="appointment-cards",
    ),
    path(
        "afspraak/<uuid:appointment_id>/",
        appointment_views.appointment_answer,
        name="appointment-answer",
    ),
    # A partner's professional in the three-way handover (chat/guests.py).
    path("gast/", guest_views.guest_chat, name="chat-guest"),
    path("gast/<str:token>/", guest_views.guest_join, name="chat-guest-join"),
]

counsel_urlpatterns = [
    path("wachtrij/", views.counsel_queue, name="counsel-queue"),
    path(
        "gesprek/<uuid:conversation_id>/", views.counsel_conversation, name="counsel-conversation"
    ),
    path("gesprek/<uuid:conversation_id>/aannemen/", views.counsel_claim, name="counsel-claim"),
    path("wachtrij/volgende/", views.counsel_claim_next, name="counsel-claim-next"),
    path("status/", views.counsel_availability, name="counsel-availability"),
    path("status/geluid/", views.counsel_sound, name="counsel-sound"),
    path("status/wachtrij/", views.counsel_bar, name="counsel-bar"),
    path("gesprek/<uuid:conversation_id>/notitie/", views.counsel_note, name="counsel-note"),
    path(
        "gesprek/<uuid:conversation_id>/overdragen/",
        views.counsel_transfer,
        name="counsel-transfer",
    ),
    path("gesprek/<uuid:conversation_id>/hulp/", views.counsel_help, name="counsel-help"),
    # A returning client's earlier chats, notes and appointments (chat/client_history.py).
    path(
        "gesprek/<uuid:conversation_id>/eerder/",
        views.counsel_client_history,
        name="counsel-client-history",
    ),
    path(
        "gesprek/<uuid:conversation_id>/eerder/<uuid:earlier_id>/",
        views.counsel_client_history_item,
        name="counsel-client-history-item",
    ),
    path("gesprek/<uuid:conversation_id>/blokkeren/", views.counsel_block, name="counsel-block"),
    path("gesprek/<uuid:conversation_id>/afronden/", views.counsel_close, name="counsel-close"),
    path(
        "gesprek/<uuid:conversation_id>/vervolgafspraak/",
        appointment_views.counsel_appointment,
        name="counsel-appointment",
    ),
    path(
        "afspraak/<uuid:appointment_id>/",
        appointment_views.counsel_appointment_change,
        name="counsel-appointment-change",
    ),
    path("snelle-antwoorden/", views.canned_list, name="canned-list"),
    path("snelle-antwoorden/<int:pk>/", views.canned_list, name="canned-edit"),
    path("snelle-antwoorden/<int:pk>/wissen/", views.canned_delete, name="canned-delete"),
]
