from rest_framework.routers import SimpleRouter

from .views import OfficerViewSet, VolunteerViewSet

router = SimpleRouter()
router.register("officers", OfficerViewSet, basename="officer")
router.register("volunteers", VolunteerViewSet, basename="volunteer")
urlpatterns = router.urls
