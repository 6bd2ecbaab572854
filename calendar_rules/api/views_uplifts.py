from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError

from sites.access import access_for
from sites.models import Role
from sites.permissions import RolePermission
from sites.selectors import areas_with_role

from .. import uplifts
from ..views_uplifts import uplifts_for_inspection
from .serializers_uplifts import StaffingUpliftSerializer

STALE_RESPONSE = OpenApiResponse(
    inline_serializer("StaleUpliftVersion", fields={"version": serializers.ListField(child=serializers.CharField())}),
    description="The uplift changed since you read it: read it again and redo the change.",
)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = uplifts.STALE_UPLIFT_MESSAGE
    default_code = "stale_version"


def _as_api_error(error: ValidationError) -> Exception:
    if isinstance(error, uplifts.StaleUplift):
        return Conflict({"version": [uplifts.STALE_UPLIFT_MESSAGE]})
    if not hasattr(error, "error_dict"):
        return ApiValidationError({"non_field_errors": error.messages})
    # A model-wide error (a constraint over several fields) is DRF's non_field_errors.
    return ApiValidationError(
        {("non_field_errors" if field == "__all__" else field): errors for field, errors in error.message_dict.items()}
    )


@extend_schema_view(
    list=extend_schema(summary="Staffing uplifts of the areas you inspect"),
    retrieve=extend_schema(summary="One staffing uplift"),
    create=extend_schema(summary="Create a staffing uplift"),
    update=extend_schema(
        summary="Replace an uplift (send the version you read)",
        responses={200: StaffingUpliftSerializer, 409: STALE_RESPONSE},
    ),
    partial_update=extend_schema(
        summary="Change an uplift (send the version you read)",
        responses={200: StaffingUpliftSerializer, 409: STALE_RESPONSE},
    ),
)
class UpliftViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Staffing uplifts of the areas the caller inspects (another area's: 404). Saving one queues a
    run of its area. An uplift is deactivated (`active: false`), never deleted."""

    serializer_class = StaffingUpliftSerializer
    permission_classes = [RolePermission]
    read_roles = (Role.INSPECTOR,)
    write_roles = (Role.INSPECTOR,)

    def get_queryset(self):
        return uplifts_for_inspection(access_for(self.request.user))

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("areas", areas_with_role(access_for(self.request.user), Role.INSPECTOR))
        return super().get_serializer(*args, **kwargs)

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        fields.pop("version", None)
        try:
            serializer.instance = uplifts.uplift_create(by=self.request.user, **fields)
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
            serializer.instance = uplifts.uplift_update(
                uplift=serializer.instance, by=self.request.user, expected_version=expected, **fields
            )
        except ValidationError as error:
            raise _as_api_error(error) from None
