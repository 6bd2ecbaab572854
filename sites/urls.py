from django.urls import path

from . import views, views_services

app_name = "sites"

urlpatterns = [
    path("", views.SiteListView.as_view(), name="site_list"),
    path("new/", views.SiteCreateView.as_view(), name="site_create"),
    path("<int:pk>/edit/", views.SiteEditView.as_view(), name="site_edit"),
    path("<int:pk>/active/", views.SiteActiveView.as_view(), name="site_active"),
    path("<int:pk>/services/", views_services.SiteServiceListView.as_view(), name="site_services"),
    path("<int:pk>/services/<int:service_pk>/", views_services.SiteServiceEditView.as_view(), name="site_service_edit"),
    path(
        "<int:pk>/services/<int:service_pk>/delete/",
        views_services.SiteServiceDeleteView.as_view(),
        name="site_service_delete",
    ),
]
