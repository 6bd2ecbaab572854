"""Hooks that record who was shown future patrol times: a mixin for pages, one for API views.

A response is recorded when it shows the time of at least one patrol that has not ended (a patrol
under way still tells where police are now), once per area those patrols belong to, under the
route's name. A response of the past only (a rota week gone by, an old patrol) records nothing:
it cannot help anyone plan around a patrol. A page whose whole window lies ahead records its area
even when empty (an empty future day at a site says as much as a full one); such a page says so
by overriding `viewed_area_ids`.

The recording is one statement per response (audit.services.patrol_view_record) and adds nothing
else: the areas come from the patrols already loaded for the response.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING

from django.utils import timezone

from . import services


def unfinished_area_ids(patrols: Iterable, now: datetime) -> set[int]:
    """The areas of the patrols (anything with `area_id` and `ends_at`) that have not ended."""
    return {patrol.area_id for patrol in patrols if patrol.ends_at > now}


def record_for_request(request, area_ids: Iterable[int], *, prefix: str = "") -> int:
    """Record that `request`'s user was shown future patrol times of `area_ids` through its route."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    match = getattr(request, "resolver_match", None)
    channel = prefix + (match.view_name if match is not None else request.path)
    return services.patrol_view_record(user_id=user.pk, area_ids=area_ids, channel=channel)


if TYPE_CHECKING:  # what the mixins are mixed into, for the type checker only
    from django.contrib.admin import ModelAdmin
    from django.views.generic.base import TemplateResponseMixin, View
    from rest_framework.generics import GenericAPIView

    class _Page(TemplateResponseMixin, View): ...

    _APIView = GenericAPIView
    _Admin = ModelAdmin
else:
    _Page = _APIView = _Admin = object


class PatrolViewAuditMixin(_Page):
    """For a page that shows patrol times: define `shown_patrols(context)` (the patrols on the
    page), or `viewed_area_ids(context, now)` for another rule. Recorded as the page renders."""

    def shown_patrols(self, context) -> Iterable:
        return ()

    def viewed_area_ids(self, context, now: datetime) -> set[int]:
        return unfinished_area_ids(self.shown_patrols(context), now)

    def render_to_response(self, context, **response_kwargs):
        record_for_request(self.request, self.viewed_area_ids(context, timezone.now()))
        return super().render_to_response(context, **response_kwargs)


class PatrolViewAuditAPIMixin(_APIView):
    """For a DRF view serialising patrols (list and detail): what it serialises in answer to a GET
    is what the caller is shown. Recorded under "api:<route name>" (e.g. "api:patrol-list")."""

    def get_serializer(self, *args, **kwargs):
        if args and self.request.method == "GET":
            shown = args[0] if kwargs.get("many") else [args[0]]
            record_for_request(self.request, unfinished_area_ids(shown, timezone.now()), prefix="api:")
        return super().get_serializer(*args, **kwargs)


class PatrolViewAuditAdminMixin(_Admin):
    """For a ModelAdmin listing patrols, or rows that name one (`audit_patrol_attr = "patrol"`, or
    a dotted path such as "slot.patrol"):
    the change list and the object page record what they show, under the admin's route name
    (e.g. "admin:patrols_patrol_changelist"). Administrators are recorded like everyone else."""

    audit_patrol_attr = ""  # "": the rows are patrols

    def _shown_patrols(self, objects) -> list:
        patrol_of = attrgetter(self.audit_patrol_attr) if self.audit_patrol_attr else None
        return [patrol_of(obj) if patrol_of else obj for obj in objects]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            # The page's rows, loaded here once: the template then renders the same evaluated slice.
            shown = self._shown_patrols(changelist.result_list)
            record_for_request(request, unfinished_area_ids(shown, timezone.now()))
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            record_for_request(request, unfinished_area_ids(self._shown_patrols([obj]), timezone.now()))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
