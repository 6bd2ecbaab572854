from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from patrols.views import calendar_feed

from . import views
from .auth import api_token

# The API docs: Swagger UI from the sidecar package, its start-up script fetched as a file (the
# split view) rather than inline. Swagger UI's stylesheet sets inline styles and data: images,
# which this page alone allows; scripts stay same-origin only.
api_docs = csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", api_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", api_docs, name="api-docs"),
    path("", include("sites.api.urls")),
    path("", include("people.api.urls")),
    path("", include("calendar_rules.api.urls")),
    path("", include("patrols.api.urls")),
    path("", include("audit.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("reports.api.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("sites/", include("sites.urls")),
    path("", include("people.urls")),
    # An officer's calendar feed: no login, the secret in the URL is the credential.
    path("feeds/<slug:token>.ics", calendar_feed, name="feed"),
    # A CST volunteer's personal links (answer an ask, mark unavailable dates): no login either.
    path("v/", include("patrols.urls_links")),
    path("rules/", include("calendar_rules.urls")),
    path("rota/", include("patrols.urls")),
    path("audit/", include("audit.urls")),
    path("notifications/", include("notifications.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
]

admin.site.site_header = "Shomer administration"
admin.site.site_title = "Shomer"
