from django.urls import path

from . import views

app_name = "calendar_rules"

urlpatterns = [
    path("", views.RuleListView.as_view(), name="rule_list"),
    path("new/", views.RuleCreateView.as_view(), name="rule_create"),
    path("preview/", views.RulePreviewView.as_view(), name="rule_preview"),
    path("<int:pk>/edit/", views.RuleEditView.as_view(), name="rule_edit"),
    path("<int:pk>/active/", views.RuleActiveView.as_view(), name="rule_active"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
]
