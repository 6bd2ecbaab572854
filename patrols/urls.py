from django.urls import path, register_converter

from calendar_rules.dates import parse_date_param

from . import views
from .views import edits, today

app_name = "patrols"


class DayConverter:
    """A local date in a path, YYYY-MM-DD within the calendar's years; anything else: 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        return parse_date_param(value, name="day")  # ValueError: no match, so 404

    def to_url(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)


register_converter(DayConverter, "day")

urlpatterns = [
    path("", views.RotaView.as_view(), name="rota"),
    path("rows/", views.RotaRowsView.as_view(), name="rota_rows"),
    path("day/<day:day>/", views.RotaDayView.as_view(), name="rota_day"),
    path("my-day/", views.MyDayView.as_view(), name="my_day"),
    path("my-day/sw.js", views.my_day_service_worker, name="my_day_sw"),
    path("my-day/patrols/<int:pk>/arrive/", views.VisitArriveView.as_view(), name="visit_arrive"),
    path("my-day/visits/<int:pk>/leave/", views.VisitLeaveView.as_view(), name="visit_leave"),
    path("joint/", views.JointPatrolsView.as_view(), name="joint"),
    path("joint/<int:pk>/", views.JointPatrolView.as_view(), name="joint_patrol"),
    path("joint/<int:pk>/briefing/", views.JointBriefingView.as_view(), name="joint_briefing"),
    path("slots/<int:pk>/fill/", views.SlotFillView.as_view(), name="slot_fill"),
    path("slots/<int:pk>/confirm/", views.SlotConfirmView.as_view(), name="slot_confirm"),
    path("slots/<int:pk>/decline/", views.SlotDeclineView.as_view(), name="slot_decline"),
    path("slots/<int:pk>/release/", views.SlotReleaseView.as_view(), name="slot_release"),
    path("joint/ask/", views.JointAskManyView.as_view(), name="joint_ask_many"),
    path(
        "volunteers/<int:pk>/availability-link/",
        views.VolunteerAvailabilityLinkView.as_view(),
        name="volunteer_availability_link",
    ),
    # The inspector's hand edits (patrols.views.edits).
    path("patrols/<int:pk>/", edits.PatrolView.as_view(), name="patrol"),
    path("patrols/<int:pk>/move/", edits.PatrolMoveView.as_view(), name="patrol_move"),
    path("patrols/<int:pk>/staffing/", edits.PatrolStaffingView.as_view(), name="patrol_staffing"),
    path("patrols/<int:pk>/cancel/", edits.PatrolCancelView.as_view(), name="patrol_cancel"),
    path("patrols/<int:pk>/restore/", edits.PatrolRestoreView.as_view(), name="patrol_restore"),
    path("patrols/<int:pk>/briefing/", edits.PatrolBriefingView.as_view(), name="patrol_briefing"),
    path("patrols/<int:pk>/assign/", edits.AssignmentCreateView.as_view(), name="patrol_assign"),
    path("assignments/<int:pk>/remove/", edits.AssignmentRemoveView.as_view(), name="assignment_remove"),
    path("patrols/add/", edits.PatrolAddView.as_view(), name="patrol_add"),
    path("bulk/", edits.BulkView.as_view(), name="bulk"),
    # Today's patrols and the missed ones' reasons and corrections (patrols.views.today).
    path("today/", today.TodayView.as_view(), name="today"),
    path("patrols/<int:pk>/missed/", today.PatrolMissedView.as_view(), name="patrol_missed"),
    path("patrols/<int:pk>/outcome/", today.PatrolOutcomeView.as_view(), name="patrol_outcome"),
    path("runs/", views.RunListView.as_view(), name="runs"),
    path("runs/start/", views.RunStartView.as_view(), name="run_start"),
    path("runs/<int:pk>/progress/", views.RunProgressView.as_view(), name="run_progress"),
    path("absences/", views.AbsenceListView.as_view(), name="absences"),
    path("absences/add/", views.AbsenceCreateView.as_view(), name="absence_add"),
    path("absences/<int:pk>/", views.AbsenceEditView.as_view(), name="absence_edit"),
    path("absences/<int:pk>/delete/", views.AbsenceDeleteView.as_view(), name="absence_delete"),
]
