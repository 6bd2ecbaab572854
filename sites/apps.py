from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "sites"
    # django.contrib.sites already owns the label "sites".
    label = "protected_sites"
    verbose_name = "Areas and protected sites"

    def ready(self):
        from . import api_tokens

        api_tokens.connect()
