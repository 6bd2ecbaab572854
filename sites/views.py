"""Inspector pages for the sites of their areas."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, ListView, View

from . import services
from .filters import SiteFilter
from .forms import SiteForm
from .models import Role
from .permissions import RoleRequiredMixin, redirect_back
from .selectors import areas_with_role, sites_for_inspection


class SiteListView(RoleRequiredMixin, ListView):
    roles = (Role.INSPECTOR,)
    template_name = "sites/site_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = SiteFilter(self.request.GET, queryset=sites_for_inspection(self.access))
        return self.filterset.qs

    def get_template_names(self):
        if self.htmx:
            return ["sites/partials/site_rows.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class _SiteFormView(RoleRequiredMixin, FormView):
    roles = (Role.INSPECTOR,)
    form_class = SiteForm
    template_name = "sites/site_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "areas": areas_with_role(self.access, Role.INSPECTOR)}


class SiteCreateView(_SiteFormView):
    def form_valid(self, form):
        site = services.site_create(by=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"Site “{site.name}” created.")
        return redirect("sites:site_list")


class SiteEditView(_SiteFormView):
    def load_scoped_objects(self, pk):
        self.site = get_object_or_404(sites_for_inspection(self.access), pk=pk)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.site}

    def get_context_data(self, **kwargs):
        history = self.site.history.select_related("history_user").order_by("-history_date")[:20]
        return super().get_context_data(site=self.site, history=history, **kwargs)

    def form_valid(self, form):
        services.site_update(site=self.site, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"Site “{self.site.name}” saved.")
        return redirect("sites:site_list")


class SiteActiveView(RoleRequiredMixin, View):
    """POST: deactivate or reactivate a site."""

    roles = (Role.INSPECTOR,)
    http_method_names = ["post"]

    def post(self, request, pk):
        site = get_object_or_404(sites_for_inspection(self.access), pk=pk)
        active = request.POST.get("active") == "1"
        services.site_set_active(site=site, by=request.user, active=active)
        messages.success(request, f"Site “{site.name}” {'reactivated' if active else 'deactivated'}.")
        return redirect_back(request, "sites:site_list")
