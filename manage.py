#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Read the settings first: Django's command runner would swallow a bad setting and fail
        # later with an error that no longer names the variable.
        settings.INSTALLED_APPS  # noqa: B018
    except ImproperlyConfigured as error:
        sys.exit(f"Shomer cannot start: {error}\nOn a laptop, set DEBUG=1 (scripts/run does); see the README.")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
