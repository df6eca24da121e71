from django.urls import path

from chat import views

# One address for every step of the visitor's chat: it ends up in the browser history.
urlpatterns = [
    path("", views.start, name="chat"),
    path("bewaren/", views.save_conversation, name="chat-save"),
    path("bewaard/", views.conversation_saved, name="chat-saved"),
    path("eerder/", views.history, name="chat-history"),
    path("eerder/<uuid:conversation_id>/", views.history_conversation, name="chat-history-item"),
    path(
        "eerder/<uuid:conversation_id>/bestand/",
        views.history_download,
        name="chat-history-download",
    ),
]

counsel_urlpatterns = [
    path("wachtrij/", views.counsel_queue, name="counsel-queue"),
    path(
        "gesprek/<uuid:conversation_id>/", views.counsel_conversation, name="counsel-conversation"
    ),
    path("gesprek/<uuid:conversation_id>/aannemen/", views.counsel_claim, name="counsel-claim"),
]
