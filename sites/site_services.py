"""The only writers of a site's service times (sites.models.SiteService). Each validates fully,
writes in a transaction with history, and says the area's services changed — the generator
(a higher room: patrols) listens and queues a run of the area, since rules anchored to "the
site's service" plan from them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .history import delete_with_history, save_with_history
from .models import ServiceAnchor, Site, SiteService
from .signals import SETTINGS_TRIGGER, area_plan_changed

if TYPE_CHECKING:
    from .history import Editor

STALE_SERVICE_MESSAGE = "This service was changed by someone else since you opened it; reload to see their changes."


class StaleService(ValidationError):
    """An edit or deletion started from an older version of the service than the one stored."""

    def __init__(self) -> None:
        super().__init__({"version": STALE_SERVICE_MESSAGE}, code="stale")


def _normalise(service: SiteService) -> None:
    # A start that is not a clock time takes no time of day (the form may still send one).
    if service.start_anchor != ServiceAnchor.TIME:
        service.start_time = None


def _changed(service: SiteService, by: Editor) -> None:
    site = Site.objects.select_related("area").get(pk=service.site_id)
    area_plan_changed.send(sender=SiteService, area=site.area, trigger=SETTINGS_TRIGGER, by=by)


@transaction.atomic
def site_service_create(*, site: Site, by: Editor, **fields: Any) -> SiteService:
    """Add a service to a site (e.g. Shabbat morning 09:00–12:15)."""
    service = SiteService(site=site, **fields)
    _normalise(service)
    save_with_history(service, by=by, reason="created")
    _changed(service, by)
    return service


def _locked(service: SiteService, expected_version: int) -> SiteService:
    stored = SiteService.objects.select_for_update().filter(pk=service.pk).first()
    if stored is None or int(expected_version) != stored.version:
        raise StaleService()
    return stored


@transaction.atomic
def site_service_update(*, service: SiteService, by: Editor, expected_version: int, **fields: Any) -> SiteService:
    """Change a service the editor opened at `expected_version`; a stale edit raises
    `StaleService` and writes nothing."""
    stored = _locked(service, expected_version)
    for name, value in fields.items():
        setattr(service, name, value)
    _normalise(service)
    service.version = stored.version + 1
    try:
        save_with_history(service, by=by, reason="edited")
    except ValidationError:
        service.version = stored.version
        raise
    _changed(service, by)
    return service


@transaction.atomic
def site_service_delete(*, service: SiteService, by: Editor, expected_version: int) -> None:
    """Remove a service (kept in its history); a stale deletion raises `StaleService`."""
    _locked(service, expected_version)
    site_id = service.site_id
    delete_with_history(service, by=by, reason="deleted")
    service.site_id = site_id
    _changed(service, by)
