"""The officer's own page (/me/): their profile, their absences, their calendar feed link, the
emails they want."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from sites.models import Role
from sites.permissions import RoleRequiredMixin

from . import services
from .forms import OfficerEmailSettingsForm
from .selectors import officer_profile


def feed_url(request, officer) -> str | None:
    """The officer's calendar feed as an absolute URL, or None before they asked for one."""
    if not officer.calendar_token:
        return None
    return request.build_absolute_uri(reverse("feed", args=[officer.calendar_token]))


class _OfficerOnlyMixin(RoleRequiredMixin):
    """An officer (the role in some area, and an officer profile) — their own things only."""

    roles = (Role.OFFICER,)
    request: HttpRequest

    def load_scoped_objects(self, *args, **kwargs) -> None:
        officer = getattr(self.request.user, "officer", None)
        if officer is None or not self.access.area_ids(Role.OFFICER):
            raise PermissionDenied("This page is for officers.")
        self.officer = officer


class ProfileView(_OfficerOnlyMixin, TemplateView):
    template_name = "people/profile.html"

    def get_context_data(self, **kwargs):
        profile = officer_profile(officer=self.officer, access=self.access, today=timezone.localdate())
        email_form = kwargs.pop("email_form", None) or OfficerEmailSettingsForm(
            initial={
                "notify_patrol_changes": self.officer.notify_patrol_changes,
                "notify_evening_reminder": self.officer.notify_evening_reminder,
            }
        )
        return super().get_context_data(
            profile=profile, feed_url=feed_url(self.request, self.officer), email_form=email_form, **kwargs
        )


class EmailSettingsView(_OfficerOnlyMixin, View):
    """POST: which emails the officer wants (patrol changes, the evening reminder); back to /me/."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = OfficerEmailSettingsForm(request.POST)
        form.is_valid()  # two optional boxes: always valid
        services.officer_email_settings_update(officer=self.officer, by=request.user, **form.cleaned_data)
        messages.success(request, "Your email settings are saved.")
        return redirect(reverse("people:profile") + "#emails-heading")


class CalendarFeedReplaceView(_OfficerOnlyMixin, View):
    """POST: a new feed secret (the first, or replacing the old one, whose URL then answers 404)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        had_one = bool(self.officer.calendar_token)
        services.officer_calendar_feed_replace(officer=self.officer, by=request.user)
        messages.success(
            request,
            "Your calendar link has been replaced. The old link no longer works: add the new one to your calendar."
            if had_one
            else "Your calendar link is ready: add it to your phone's calendar.",
        )
        return redirect("people:profile")
