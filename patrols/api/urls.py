from rest_framework.routers import SimpleRouter

from .views import GenerationRunViewSet, PatrolViewSet, VolunteerSlotViewSet

router = SimpleRouter()
router.register("patrols", PatrolViewSet, basename="patrol")
router.register("runs", GenerationRunViewSet, basename="generation-run")
router.register("slots", VolunteerSlotViewSet, basename="slot")
urlpatterns = router.urls
