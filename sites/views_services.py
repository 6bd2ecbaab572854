"""Inspector pages for a site's service times: the list with an add form, edit, and delete.
Saving queues a run of the area (sites.site_services), as rules may follow these times."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, View

from . import site_services
from .forms_services import SiteServiceForm
from .models import Role, SiteService
from .permissions import RoleRequiredMixin
from .selectors import sites_for_inspection

RUN_QUEUED = "The rota of the area is being brought in line with it."


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields and field != "version" else None, errors)
    else:
        form.add_error(None, error.messages)


def _services_of(site):
    return list(site.services.all())


class _SiteServicesView(RoleRequiredMixin, FormView):
    roles = (Role.INSPECTOR,)
    form_class = SiteServiceForm
    template_name = "sites/services/service_list.html"
    service: SiteService | None = None

    def load_scoped_objects(self, pk, service_pk=None):
        self.site = get_object_or_404(sites_for_inspection(self.access), pk=pk)
        if service_pk is not None:
            self.service = get_object_or_404(SiteService, pk=service_pk, site=self.site)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            site=self.site, services=_services_of(self.site), service=self.service, **kwargs
        )


class SiteServiceListView(_SiteServicesView):
    """GET: the site's services and a form to add one; POST: add it."""

    def form_valid(self, form):
        try:
            service = site_services.site_service_create(site=self.site, by=self.request.user, **form.service_fields())
        except ValidationError as error:
            _apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{service} added. {RUN_QUEUED}")
        return redirect("sites:site_services", self.site.pk)


class SiteServiceEditView(_SiteServicesView):
    template_name = "sites/services/service_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.service
        return kwargs

    def form_valid(self, form):
        assert self.service is not None
        # The version the editor opened, posted back by the form (not a form field: it has no label).
        version = self.request.POST.get("version", "")
        try:
            if not version.isdigit():
                raise site_services.StaleService()
            site_services.site_service_update(
                service=self.service, by=self.request.user, expected_version=int(version), **form.service_fields()
            )
        except ValidationError as error:
            _apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.service} saved. {RUN_QUEUED}")
        return redirect("sites:site_services", self.site.pk)


class SiteServiceDeleteView(RoleRequiredMixin, View):
    """POST (with the version shown): remove a service."""

    roles = (Role.INSPECTOR,)
    http_method_names = ["post"]

    def post(self, request, pk, service_pk):
        site = get_object_or_404(sites_for_inspection(self.access), pk=pk)
        service = get_object_or_404(SiteService, pk=service_pk, site=site)
        name = str(service)
        try:
            site_services.site_service_delete(
                service=service, by=request.user, expected_version=int(request.POST.get("version") or 0)
            )
        except (ValidationError, ValueError):
            messages.error(request, site_services.STALE_SERVICE_MESSAGE)
        else:
            messages.success(request, f"{name} removed. {RUN_QUEUED}")
        return redirect("sites:site_services", site.pk)
