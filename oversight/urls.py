from django.urls import path

from oversight import views

# Supervisors' pages, under /medewerkers/overzicht/.
urlpatterns = [
    path("", views.overview, name="oversight-overview"),
]
