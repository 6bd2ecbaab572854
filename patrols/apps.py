from django.apps import AppConfig


class PatrolsConfig(AppConfig):
    name = "patrols"
    verbose_name = "Patrols and the rota"

    def ready(self) -> None:
        from calendar_rules.signals import rule_changed
        from people.signals import volunteer_links_withdrawn

        from .my_day import connect_invalidation
        from .rule_changes import on_rule_changed
        from .services.invitations import on_volunteer_links_withdrawn

        connect_invalidation()
        # A volunteer's new email address, deactivation or withdrawn links (people) withdraw
        # their standing Accept / Decline links here.
        volunteer_links_withdrawn.connect(on_volunteer_links_withdrawn, dispatch_uid="patrols-volunteer-links")
        # A rule created, edited, deactivated or reactivated (calendar_rules) queues a run of its area.
        rule_changed.connect(on_rule_changed, dispatch_uid="patrols-rule-changed")
