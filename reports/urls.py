from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("coverage/chart.svg", views.CoverageChartView.as_view(), name="coverage_chart"),
    path("coverage.csv", views.CoverageCsvView.as_view(), name="coverage_csv"),
]
