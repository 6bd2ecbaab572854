"""Role checks for pages and API views, built on sites.access.

A view declares which roles may read it and which may write through it; the scoping of its
queryset (and so 404 outside scope) is the view's get_queryset via Access.scope.
"""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django_htmx.middleware import HtmxDetails
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .access import access_for


class RoleRequiredMixin(LoginRequiredMixin):
    """Pages: anonymous users go to the login page; users without one of `roles` get 403."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.access = access_for(request.user)
        if not self.access.has_role(*self.roles):
            raise PermissionDenied("Your role does not give access to this page.")
        self.load_scoped_objects(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    @property
    def htmx(self) -> HtmxDetails:
        """The request as django-htmx's middleware describes it (falsy unless htmx sent it)."""
        return self.request.htmx  # type: ignore[attr-defined]  # set by HtmxMiddleware

    def load_scoped_objects(self, *args: Any, **kwargs: Any) -> None:
        """Hook: fetch the objects named in the URL from scoped querysets (404 outside scope)."""


class RolePermission(BasePermission):
    """API: the view's `read_roles` for safe methods, `write_roles` for the others."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        access = access_for(request.user)
        roles = view.read_roles if request.method in SAFE_METHODS else getattr(view, "write_roles", ())
        return access.is_admin or (bool(roles) and access.has_role(*roles))


def redirect_back(request, fallback: str):
    """Back to the page the POST came from (its filters kept), if it is one of ours."""
    from django.shortcuts import redirect
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)
