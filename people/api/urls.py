from django.urls import path
from rest_framework.routers import SimpleRouter

from .me import MeCalendarFeedView, MeView
from .views import OfficerViewSet, VolunteerViewSet

router = SimpleRouter()
router.register("officers", OfficerViewSet, basename="officer")
router.register("volunteers", VolunteerViewSet, basename="volunteer")
urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("me/calendar-feed/", MeCalendarFeedView.as_view(), name="me-calendar-feed"),
    *router.urls,
]
