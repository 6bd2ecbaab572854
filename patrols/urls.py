from django.urls import path

from . import views

app_name = "patrols"

urlpatterns = [
    path("", views.RotaView.as_view(), name="rota"),
    path("my-day/", views.MyDayView.as_view(), name="my_day"),
    path("joint/", views.JointPatrolsView.as_view(), name="joint"),
    path("joint/<int:pk>/", views.JointPatrolView.as_view(), name="joint_patrol"),
    path("slots/<int:pk>/fill/", views.SlotFillView.as_view(), name="slot_fill"),
    path("slots/<int:pk>/confirm/", views.SlotConfirmView.as_view(), name="slot_confirm"),
    path("slots/<int:pk>/decline/", views.SlotDeclineView.as_view(), name="slot_decline"),
    path("slots/<int:pk>/release/", views.SlotReleaseView.as_view(), name="slot_release"),
    path("runs/", views.RunListView.as_view(), name="runs"),
    path("runs/start/", views.RunStartView.as_view(), name="run_start"),
    path("runs/<int:pk>/progress/", views.RunProgressView.as_view(), name="run_progress"),
    path("absences/", views.AbsenceListView.as_view(), name="absences"),
    path("absences/add/", views.AbsenceCreateView.as_view(), name="absence_add"),
    path("absences/<int:pk>/", views.AbsenceEditView.as_view(), name="absence_edit"),
    path("absences/<int:pk>/delete/", views.AbsenceDeleteView.as_view(), name="absence_delete"),
]
