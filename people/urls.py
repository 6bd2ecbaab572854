from django.urls import path

from . import views, views_profile

app_name = "people"

# Included at the root: the coordinators' pages under /people/, the officer's own under /me/.
urlpatterns = [
    path("people/volunteers/", views.VolunteerListView.as_view(), name="volunteer_list"),
    path("people/volunteers/new/", views.VolunteerCreateView.as_view(), name="volunteer_create"),
    path("people/volunteers/<int:pk>/edit/", views.VolunteerEditView.as_view(), name="volunteer_edit"),
    path("people/volunteers/<int:pk>/active/", views.VolunteerActiveView.as_view(), name="volunteer_active"),
    path(
        "people/volunteers/<int:pk>/links/revoke/",
        views.VolunteerLinksRevokeView.as_view(),
        name="volunteer_links_revoke",
    ),
    path("me/", views_profile.ProfileView.as_view(), name="profile"),
    path("me/calendar-feed/", views_profile.CalendarFeedReplaceView.as_view(), name="profile_feed_replace"),
    path("me/emails/", views_profile.EmailSettingsView.as_view(), name="profile_emails"),
]
