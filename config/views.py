from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from sites.access import access_for
from sites.models import Role

# Each role's start page, in the order tried; the first that exists wins.
START_PAGES: dict[str | None, list[str]] = {
    Role.INSPECTOR: ["patrols:rota", "sites:site_list"],
    Role.CST_COORDINATOR: ["patrols:joint", "people:volunteer_list"],
    Role.OFFICER: ["patrols:my_day"],
}


@login_required
def home(request):
    """Take each role to its start page; admins to the admin; a user with no role is told so."""
    access = access_for(request.user)
    role = access.primary_role
    for url_name in START_PAGES.get(role, []):
        try:
            return redirect(reverse(url_name))
        except NoReverseMatch:
            continue
    if access.is_admin:
        return redirect("admin:index")
    return render(request, "no_role.html", status=200)


def healthz(request):
    """Liveness for a load balancer: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")
