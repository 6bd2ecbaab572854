from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import CalendarView, RuleViewSet
from .views_uplifts import UpliftViewSet

router = SimpleRouter()
router.register("rules", RuleViewSet, basename="rule")
router.register("uplifts", UpliftViewSet, basename="uplift")
urlpatterns = [
    *router.urls,
    path("calendar/", CalendarView.as_view(), name="calendar"),
]
