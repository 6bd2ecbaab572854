from rest_framework.routers import SimpleRouter

from .views import PatrolViewRecordViewSet

router = SimpleRouter()
router.register("audit/patrol-views", PatrolViewRecordViewSet, basename="patrol-view-record")
urlpatterns = router.urls
