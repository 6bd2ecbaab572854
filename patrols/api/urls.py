from rest_framework.routers import SimpleRouter

from .views import GenerationRunViewSet, PatrolViewSet

router = SimpleRouter()
router.register("patrols", PatrolViewSet, basename="patrol")
router.register("runs", GenerationRunViewSet, basename="generation-run")
urlpatterns = router.urls
