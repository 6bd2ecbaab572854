from django.apps import AppConfig


class PatrolsConfig(AppConfig):
    name = "patrols"
    verbose_name = "Patrols and the rota"

    def ready(self) -> None:
        from calendar_rules.uplifts import uplifts_changed
        from people.signals import volunteer_links_withdrawn
        from sites.site_services import site_services_changed

        from .my_day import connect_invalidation
        from .services.invitations import on_volunteer_links_withdrawn
        from .services.runs import on_plan_input_changed

        connect_invalidation()
        # A volunteer's new email address, deactivation or withdrawn links (people) withdraw
        # their standing Accept / Decline links here.
        volunteer_links_withdrawn.connect(on_volunteer_links_withdrawn, dispatch_uid="patrols-volunteer-links")
        # A site's services edited (sites): rules anchored to them plan from them, so the area runs.
        site_services_changed.connect(on_plan_input_changed, dispatch_uid="patrols-site-services")
        # A staffing uplift saved (calendar_rules): the area's patrols are raised or lowered again.
        uplifts_changed.connect(on_plan_input_changed, dispatch_uid="patrols-uplifts")
