from django.urls import path

from . import views

app_name = "sites"

urlpatterns = [
    path("", views.SiteListView.as_view(), name="site_list"),
    path("new/", views.SiteCreateView.as_view(), name="site_create"),
    path("<int:pk>/edit/", views.SiteEditView.as_view(), name="site_edit"),
    path("<int:pk>/active/", views.SiteActiveView.as_view(), name="site_active"),
]
