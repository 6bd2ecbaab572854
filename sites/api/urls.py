from rest_framework.routers import SimpleRouter

from .views import AreaViewSet, SiteViewSet
from .views_services import SiteServiceViewSet

router = SimpleRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("sites", SiteViewSet, basename="site")
router.register(r"sites/(?P<site_pk>[0-9]{1,18})/services", SiteServiceViewSet, basename="site-service")
urlpatterns = router.urls
