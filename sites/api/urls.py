from rest_framework.routers import SimpleRouter

from .views import AreaViewSet, SiteViewSet

router = SimpleRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("sites", SiteViewSet, basename="site")
urlpatterns = router.urls
