"""CST coordinator pages for the volunteers of their areas."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import FormView, ListView, View

from sites.models import Role
from sites.permissions import RoleRequiredMixin, redirect_back
from sites.selectors import areas_with_role

from . import services
from .filters import VolunteerFilter
from .forms import VolunteerForm
from .selectors import volunteers_for_coordination


class VolunteerListView(RoleRequiredMixin, ListView):
    roles = (Role.CST_COORDINATOR,)
    template_name = "people/volunteer_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = VolunteerFilter(self.request.GET, queryset=volunteers_for_coordination(self.access))
        return self.filterset.qs

    def get_template_names(self):
        if self.htmx:
            return ["people/partials/volunteer_rows.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filter=self.filterset, **kwargs)
        today = timezone.localdate()
        context["rows"] = [(v, v.card_status(today)) for v in context["object_list"]]
        return context


class _VolunteerFormView(RoleRequiredMixin, FormView):
    roles = (Role.CST_COORDINATOR,)
    form_class = VolunteerForm
    template_name = "people/volunteer_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "areas": areas_with_role(self.access, Role.CST_COORDINATOR)}


class VolunteerCreateView(_VolunteerFormView):
    def form_valid(self, form):
        volunteer = services.volunteer_create(by=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"Volunteer {volunteer.call_sign} added.")
        return redirect("people:volunteer_list")


class VolunteerEditView(_VolunteerFormView):
    def load_scoped_objects(self, pk):
        self.volunteer = get_object_or_404(volunteers_for_coordination(self.access), pk=pk)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.volunteer}

    def get_context_data(self, **kwargs):
        history = self.volunteer.history.select_related("history_user").order_by("-history_date")[:20]
        today = self.volunteer.area.today()
        unavailable = self.volunteer.unavailable_dates.filter(on_date__gte=today).order_by("on_date")
        return super().get_context_data(
            volunteer=self.volunteer, history=history, unavailable=list(unavailable), **kwargs
        )

    def form_valid(self, form):
        services.volunteer_update(volunteer=self.volunteer, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"Volunteer {self.volunteer.call_sign} saved.")
        return redirect("people:volunteer_list")


class VolunteerActiveView(RoleRequiredMixin, View):
    roles = (Role.CST_COORDINATOR,)
    http_method_names = ["post"]

    def post(self, request, pk):
        volunteer = get_object_or_404(volunteers_for_coordination(self.access), pk=pk)
        active = request.POST.get("active") == "1"
        services.volunteer_set_active(volunteer=volunteer, by=request.user, active=active)
        messages.success(request, f"Volunteer {volunteer.call_sign} {'reactivated' if active else 'deactivated'}.")
        return redirect_back(request, "people:volunteer_list")


class VolunteerLinksRevokeView(RoleRequiredMixin, View):
    """POST: withdraw every link sent to the volunteer so far — availability links and unanswered
    Accept / Decline links (a lost phone, a forwarded email); a new one can be sent at once."""

    roles = (Role.CST_COORDINATOR,)
    http_method_names = ["post"]

    def post(self, request, pk):
        volunteer = get_object_or_404(volunteers_for_coordination(self.access), pk=pk)
        services.volunteer_availability_links_revoke(volunteer=volunteer, by=request.user)
        messages.success(request, f"Every link sent to {volunteer.call_sign} so far no longer works.")
        return redirect("people:volunteer_edit", volunteer.pk)
