from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import CalendarView, RuleViewSet

router = SimpleRouter()
router.register("rules", RuleViewSet, basename="rule")
urlpatterns = [
    *router.urls,
    path("calendar/", CalendarView.as_view(), name="calendar"),
]
