from django.urls import path

from . import views, views_areas, views_services

app_name = "sites"

urlpatterns = [
    path("", views.SiteListView.as_view(), name="site_list"),
    path("new/", views.SiteCreateView.as_view(), name="site_create"),
    path("<int:pk>/edit/", views.SiteEditView.as_view(), name="site_edit"),
    path("<int:pk>/active/", views.SiteActiveView.as_view(), name="site_active"),
    path("areas/", views_areas.AreaListView.as_view(), name="area_list"),
    path("areas/<slug:slug>/", views_areas.AreaDetailView.as_view(), name="area_detail"),
    path("areas/<slug:slug>/surge/", views_areas.SurgeRaiseView.as_view(), name="area_surge_raise"),
    path("areas/<slug:slug>/surge/end/", views_areas.SurgeEndView.as_view(), name="area_surge_end"),
    path("<int:pk>/services/", views_services.SiteServiceListView.as_view(), name="site_services"),
    path("<int:pk>/services/<int:service_pk>/", views_services.SiteServiceEditView.as_view(), name="site_service_edit"),
    path(
        "<int:pk>/services/<int:service_pk>/delete/",
        views_services.SiteServiceDeleteView.as_view(),
        name="site_service_delete",
    ),
]
