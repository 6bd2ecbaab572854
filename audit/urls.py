from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("patrol-views/", views.PatrolViewListView.as_view(), name="patrol_views"),
]
