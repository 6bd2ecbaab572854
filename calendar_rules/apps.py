from django.apps import AppConfig


class CalendarRulesConfig(AppConfig):
    name = "calendar_rules"
    verbose_name = "Calendar and patrol rules"
