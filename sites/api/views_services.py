from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from .. import site_services
from ..access import access_for
from ..models import Role, SiteService
from ..permissions import RolePermission
from ..selectors import sites_for_inspection
from .serializers_services import SiteServiceSerializer

STALE_RESPONSE = OpenApiResponse(
    inline_serializer("StaleServiceVersion", fields={"version": serializers.ListField(child=serializers.CharField())}),
    description="The service changed since you read it: read it again and redo the change.",
)
SITE_PARAMETER = OpenApiParameter("site_pk", int, OpenApiParameter.PATH, description="The site's id.")
VERSION_PARAMETER = OpenApiParameter(
    "version", int, OpenApiParameter.QUERY, required=True, description="The version you read."
)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = site_services.STALE_SERVICE_MESSAGE
    default_code = "stale_version"


def _as_api_error(error: ValidationError) -> Exception:
    if isinstance(error, site_services.StaleService):
        return Conflict({"version": [site_services.STALE_SERVICE_MESSAGE]})
    if not hasattr(error, "error_dict"):
        return ApiValidationError({"non_field_errors": error.messages})
    # A model-wide error (a constraint over several fields) is DRF's non_field_errors.
    return ApiValidationError(
        {("non_field_errors" if field == "__all__" else field): errors for field, errors in error.message_dict.items()}
    )


@extend_schema_view(
    list=extend_schema(summary="Services of a site", parameters=[SITE_PARAMETER]),
    retrieve=extend_schema(summary="One service of a site", parameters=[SITE_PARAMETER]),
    create=extend_schema(summary="Add a service to a site", parameters=[SITE_PARAMETER]),
    update=extend_schema(
        summary="Replace a service (send the version you read)",
        parameters=[SITE_PARAMETER],
        responses={200: SiteServiceSerializer, 409: STALE_RESPONSE},
    ),
    partial_update=extend_schema(
        summary="Change a service (send the version you read)",
        parameters=[SITE_PARAMETER],
        responses={200: SiteServiceSerializer, 409: STALE_RESPONSE},
    ),
    destroy=extend_schema(
        summary="Remove a service (send the version you read)",
        parameters=[SITE_PARAMETER, VERSION_PARAMETER],
        responses={204: None, 409: STALE_RESPONSE},
    ),
)
class SiteServiceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The service times of a site of an area the caller inspects (a site outside it: 404). Every
    change queues a run of the area: rules anchored to the site's service follow these times."""

    serializer_class = SiteServiceSerializer
    permission_classes = [RolePermission]
    read_roles = (Role.INSPECTOR,)
    write_roles = (Role.INSPECTOR,)
    pagination_class = None  # a site holds a handful of services
    lookup_value_regex = "[0-9]{1,18}"  # an id the database can hold; anything else is 404

    def get_site(self):
        if not hasattr(self, "_site"):
            self._site = get_object_or_404(
                sites_for_inspection(access_for(self.request.user)), pk=self.kwargs["site_pk"]
            )
        return self._site

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SiteService.objects.none()
        return SiteService.objects.filter(site=self.get_site()).order_by("day", "part")

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        fields.pop("version", None)
        try:
            serializer.instance = site_services.site_service_create(
                site=self.get_site(), by=self.request.user, **fields
            )
        except ValidationError as error:
            raise _as_api_error(error) from None

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        expected = fields.pop("version", None)
        if expected is None:
            raise ApiValidationError(
                {"version": ["Send the version you read, so that someone else's change is not overwritten."]}
            )
        try:
            serializer.instance = site_services.site_service_update(
                service=serializer.instance, by=self.request.user, expected_version=expected, **fields
            )
        except ValidationError as error:
            raise _as_api_error(error) from None

    def destroy(self, request, *args, **kwargs):
        service = self.get_object()
        try:
            expected = int(request.query_params["version"])
        except (KeyError, ValueError):
            raise ApiValidationError({"version": ["Send the version you read as ?version=."]}) from None
        try:
            site_services.site_service_delete(service=service, by=request.user, expected_version=expected)
        except ValidationError as error:
            raise _as_api_error(error) from None
        return Response(status=status.HTTP_204_NO_CONTENT)
