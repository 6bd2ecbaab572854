from django.apps import AppConfig


class PatrolsConfig(AppConfig):
    name = "patrols"
    verbose_name = "Patrols and the rota"

    def ready(self) -> None:
        from .my_day import connect_invalidation

        connect_invalidation()
