from django.urls import path

from . import views, views_uplifts

app_name = "calendar_rules"

urlpatterns = [
    path("", views.RuleListView.as_view(), name="rule_list"),
    path("new/", views.RuleCreateView.as_view(), name="rule_create"),
    path("preview/", views.RulePreviewView.as_view(), name="rule_preview"),
    path("<int:pk>/edit/", views.RuleEditView.as_view(), name="rule_edit"),
    path("<int:pk>/active/", views.RuleActiveView.as_view(), name="rule_active"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("uplifts/", views_uplifts.UpliftListView.as_view(), name="uplift_list"),
    path("uplifts/new/", views_uplifts.UpliftCreateView.as_view(), name="uplift_create"),
    path("uplifts/<int:pk>/edit/", views_uplifts.UpliftEditView.as_view(), name="uplift_edit"),
    path("uplifts/<int:pk>/active/", views_uplifts.UpliftActiveView.as_view(), name="uplift_active"),
]
