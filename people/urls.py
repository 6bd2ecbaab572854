from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("volunteers/", views.VolunteerListView.as_view(), name="volunteer_list"),
    path("volunteers/new/", views.VolunteerCreateView.as_view(), name="volunteer_create"),
    path("volunteers/<int:pk>/edit/", views.VolunteerEditView.as_view(), name="volunteer_edit"),
    path("volunteers/<int:pk>/active/", views.VolunteerActiveView.as_view(), name="volunteer_active"),
]
