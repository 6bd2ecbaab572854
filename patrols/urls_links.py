"""The volunteers' personal link pages under /v/ (no login: the secret in the URL is the
credential; patrols.views.links)."""

from django.urls import path

from .views import links

app_name = "links"

urlpatterns = [
    path("availability/<str:token>/", links.AvailabilityView.as_view(), name="availability"),
    path("<slug:token>/<slug:answer>/", links.SlotAnswerView.as_view(), name="slot_answer"),
]
