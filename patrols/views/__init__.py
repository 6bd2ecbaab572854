"""Pages of the rota, by who uses them: an officer's day (`officer`), the CST coordinator's joint
planner (`planner`) and one joint patrol's places (`joint`), the inspector's week board and day view (`board`), the
patrol dialog and the other hand edits (`edits`), generation runs (`runs`) and officers'
absences (`absences`)."""

from .absences import AbsenceCreateView, AbsenceDeleteView, AbsenceEditView, AbsenceListView
from .board import RotaDayView, RotaRowsView, RotaView
from .feed import calendar_feed
from .joint import (
    JointAskManyView,
    JointBriefingView,
    JointPatrolView,
    SlotConfirmView,
    SlotDeclineView,
    SlotFillView,
    SlotReleaseView,
    VolunteerAvailabilityLinkView,
    slot_page_context,
)
from .officer import MyDayView, VisitArriveView, VisitLeaveView, my_day_service_worker
from .planner import JointPatrolsView
from .runs import RunListView, RunProgressView, RunStartView

__all__ = [
    "JointAskManyView",
    "VolunteerAvailabilityLinkView",
    "calendar_feed",
    "AbsenceCreateView",
    "AbsenceDeleteView",
    "AbsenceEditView",
    "AbsenceListView",
    "JointBriefingView",
    "JointPatrolView",
    "JointPatrolsView",
    "MyDayView",
    "VisitArriveView",
    "VisitLeaveView",
    "my_day_service_worker",
    "RotaDayView",
    "RotaRowsView",
    "RotaView",
    "RunListView",
    "RunProgressView",
    "RunStartView",
    "SlotConfirmView",
    "SlotDeclineView",
    "SlotFillView",
    "SlotReleaseView",
    "slot_page_context",
]
