from django.urls import path

from . import views

app_name = "patrols"

urlpatterns = [
    path("", views.RotaView.as_view(), name="rota"),
    path("my-day/", views.MyDayView.as_view(), name="my_day"),
    path("joint/", views.JointPatrolsView.as_view(), name="joint"),
    path("runs/", views.RunListView.as_view(), name="runs"),
    path("runs/start/", views.RunStartView.as_view(), name="run_start"),
    path("runs/<int:pk>/progress/", views.RunProgressView.as_view(), name="run_progress"),
]
