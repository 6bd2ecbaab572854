from django.apps import AppConfig


class PatrolsConfig(AppConfig):
    name = "patrols"
    verbose_name = "Patrols and the rota"

    def ready(self) -> None:
        from people.signals import volunteer_links_withdrawn
        from sites.signals import area_plan_changed

        from .my_day import connect_invalidation
        from .services.invitations import on_volunteer_links_withdrawn
        from .services.runs import on_area_plan_changed

        connect_invalidation()
        # A volunteer's new email address, deactivation or withdrawn links (people) withdraw
        # their standing Accept / Decline links here.
        volunteer_links_withdrawn.connect(on_volunteer_links_withdrawn, dispatch_uid="patrols-volunteer-links")
        # The alert level raised, ended or expired, or a planning setting edited (sites) queue a
        # run of the area here, in the same transaction.
        area_plan_changed.connect(on_area_plan_changed, dispatch_uid="patrols-area-plan-changed")
