from django.urls import path

from oversight import views

# Supervisors' pages, under /medewerkers/overzicht/.
urlpatterns = [
    path("", views.overview, name="oversight-overview"),
    path("antwoordtijd/", views.reply_wait_thresholds, name="oversight-reply-waits"),
    path("gesprek/<uuid:conversation_id>/", views.look, name="oversight-look"),
    path("blokkade/<uuid:block_id>/", views.review_block, name="oversight-block-review"),
    path("logboek/", views.audit_log, name="oversight-audit-log"),
    path("reacties/", views.feedback_texts, name="oversight-feedback"),
    path("statistiek/", views.statistics_page, name="oversight-statistics"),
    path("evaluatie/", views.evaluation_page, name="oversight-evaluation"),
    path("evaluatie/export.csv", views.evaluation_csv, name="oversight-evaluation-csv"),
    path("statistiek/export.csv", views.statistics_csv, name="oversight-statistics-csv"),
]
