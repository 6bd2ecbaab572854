from django.urls import path
from rest_framework.routers import SimpleRouter

from .absences import AbsenceViewSet
from .assignments import AssignmentViewSet
from .joint_coverage import JointCoverageView
from .views import GenerationRunViewSet, PatrolViewSet, VolunteerSlotViewSet
from .visits import VisitViewSet

router = SimpleRouter()
router.register("patrols", PatrolViewSet, basename="patrol")
router.register("runs", GenerationRunViewSet, basename="generation-run")
router.register("slots", VolunteerSlotViewSet, basename="slot")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("absences", AbsenceViewSet, basename="absence")
router.register("visits", VisitViewSet, basename="visit")
urlpatterns = [
    path("joint-coverage/", JointCoverageView.as_view(), name="joint-coverage"),
    *router.urls,
]
