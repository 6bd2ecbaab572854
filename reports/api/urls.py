from django.urls import path

from .views import CoverageView

urlpatterns = [
    path("coverage/", CoverageView.as_view(), name="coverage-report"),
]
