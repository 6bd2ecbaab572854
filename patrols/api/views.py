from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from audit.recording import PatrolViewAuditAPIMixin, record_for_request, unfinished_area_ids
from people.models import Volunteer
from sites.access import access_for
from sites.models import Role
from sites.openapi import ERRORS
from sites.pagination import KeysetPagination
from sites.permissions import RolePermission
from sites.selectors import areas_with_role, sites_for_inspection

from .. import services
from ..filters import PatrolFilter, SlotFilter
from ..history import patrol_history
from ..selectors import (
    officer_suggestions,
    patrol_detail_rows,
    patrols_for_api,
    patrols_for_editing,
    runs_for_inspection,
    slots_for_coordination,
    slots_visible_to,
)
from .serializers import (
    AskManySerializer,
    AskOutcomeSerializer,
    GenerationRunSerializer,
    GenerationRunStartSerializer,
    HistoryEntrySerializer,
    PatrolCancelSerializer,
    PatrolDetailSerializer,
    PatrolRestoreSerializer,
    PatrolSerializer,
    PatrolUpdateSerializer,
    PatrolWriteSerializer,
    SlotFillSerializer,
    StalePatrolSerializer,
    SuggestionSerializer,
    VolunteerSlotSerializer,
)

STALE_MESSAGE = "Someone else changed this patrol since you read it: here it is as it is now. Redo your change on it."
STALE_RESPONSE = OpenApiResponse(
    StalePatrolSerializer,
    description="The patrol changed since you read it (its `version`): the body has it as it is now.",
)


class StaleVersion(exceptions.APIException):
    """409: an edit from a stale copy. The body says so and carries the patrol as it is now."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "stale_version"


class PatrolPagination(KeysetPagination):
    # Served by the index patrol_starts_id (and patrol_area_starts_id within one area).
    ordering = ("starts_at", "id")


class SlotPagination(KeysetPagination):
    # In the order of their patrols' start: walked from the patrols' start index, each patrol's
    # places from the slots' patrol index.
    ordering = ("patrol__starts_at", "patrol_id", "id")


class RunPagination(KeysetPagination):
    # Newest first, as the runs page lists them.
    ordering = ("-queued_at", "-id")


# The actions only inspectors of the patrol's area may take (and admins): edits, and reading how
# the rota was made (history) and who to put on a patrol (suggestions).
_INSPECTOR_ACTIONS = ("create", "partial_update", "cancel", "restore", "history", "suggestions")


@extend_schema_view(
    list=extend_schema(summary="Patrols you may see"),
    retrieve=extend_schema(summary="One patrol, with its officers and CST places"),
)
class PatrolViewSet(PatrolViewAuditAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):  # audit
    """Patrols, scoped as DESIGN.md §6: an officer sees the patrols they are on, a CST coordinator
    the joint patrols of their areas, an inspector every patrol of theirs. Filter with `start` and
    `end` (on the start time), `site`, `kind`, `status` and `area`.

    In order of start time (then id), 50 a page: follow the `next` link (a keyset cursor) for the
    next page. There is no total `count`: counting a million patrols on every page is what made
    this list slow.

    Inspectors of a patrol's area (and admins) edit it: POST adds a one-off patrol, PATCH changes
    one, `cancel/` and `restore/` do what they say, `history/` tells who changed what. Every edit
    of a patrol carries the `version` read: a stale one is refused with 409 and the patrol as it
    now is. An edited patrol is pinned: the nightly generator never changes it again."""

    serializer_class = PatrolSerializer
    permission_classes = [RolePermission]
    write_roles = (Role.INSPECTOR,)
    filterset_class = PatrolFilter
    pagination_class = PatrolPagination

    @property
    def read_roles(self) -> tuple[str, ...]:
        if getattr(self, "action", None) in _INSPECTOR_ACTIONS:
            return (Role.INSPECTOR,)
        return (Role.OFFICER, Role.CST_COORDINATOR, Role.INSPECTOR)

    def _access(self):
        return access_for(self.request.user)

    def get_queryset(self):
        if self.action in _INSPECTOR_ACTIONS:
            return patrols_for_editing(self._access())
        queryset = patrols_for_api(self._access())
        if self.action == "retrieve":
            queryset = patrol_detail_rows(queryset)  # the officers on it: the detail alone
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return PatrolDetailSerializer
        return PatrolSerializer

    def get_serializer_context(self):
        access = self._access()
        return {
            **super().get_serializer_context(),
            "inspects": lambda area_id: access.holds(Role.INSPECTOR, area_id),
            "contact_visible": lambda area_id: access.holds(Role.CST_COORDINATOR, area_id),
        }

    def get_object(self):
        patrol = super().get_object()
        if self.action == "retrieve":
            self._add_visible_slots(patrol)
        return patrol

    def _add_visible_slots(self, patrol) -> None:
        patrol.visible_slots = list(slots_visible_to(self._access()).filter(patrol=patrol).order_by("id"))

    def _detail(self, patrol, *, status_code=status.HTTP_200_OK) -> Response:
        """The patrol as its detail shows it now (re-read: counts, officers, places)."""
        current = patrol_detail_rows(patrols_for_api(self._access())).get(pk=patrol.pk)
        self._add_visible_slots(current)
        return Response(PatrolDetailSerializer(current, context=self.get_serializer_context()).data, status=status_code)

    def _stale(self, patrol) -> StaleVersion:
        current = patrol_detail_rows(patrols_for_api(self._access())).get(pk=patrol.pk)
        self._add_visible_slots(current)
        body = StalePatrolSerializer(
            {"detail": STALE_MESSAGE, "version": [STALE_MESSAGE], "current": current},
            context=self.get_serializer_context(),
        ).data
        error = StaleVersion()
        error.detail = body  # the body as it is, not DRF's string coercion of it
        return error

    def _edit(self, patrol, service, **kwargs):
        """Call a hand-edit service; a stale version is a 409 with the patrol as it is now."""
        try:
            service(patrol=patrol, by=self.request.user, **kwargs)
        except DjangoValidationError as error:
            if getattr(error, "code", None) == "stale":
                raise self._stale(patrol) from None
            raise
        return self._detail(patrol)

    def _sites(self):
        return sites_for_inspection(self._access())

    @extend_schema(
        summary="Add a one-off patrol",
        request=PatrolWriteSerializer,
        responses={201: PatrolDetailSerializer},
        description=(
            "A patrol no rule made, at a site of an area you inspect (an id of any other site is "
            "refused as naming no site). It starts in the future; a joint patrol needs at least "
            "one CST place, and gets them open."
        ),
    )
    def create(self, request, *args, **kwargs):
        body = PatrolWriteSerializer(data=request.data, sites=self._sites())
        body.is_valid(raise_exception=True)
        patrol = services.patrol_create_manual(by=request.user, **body.validated_data)
        return self._detail(patrol, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a patrol (send the version you read)",
        request=PatrolUpdateSerializer,
        responses={200: PatrolDetailSerializer, 409: STALE_RESPONSE},
        description=(
            "Move it (`starts_at`, `ends_at`), change its site, kind, staffing or label. Send "
            "`version` as you read it: if someone changed the patrol since, nothing is changed "
            "and the answer is 409 with the patrol as it now is. Refused (400, naming the field "
            "or the conflict): a patrol that has started, a time that has passed, a site outside "
            "the patrol's area, a move that puts an officer on it on two patrols at once."
        ),
    )
    def partial_update(self, request, *args, **kwargs):
        patrol = self.get_object()
        body = PatrolUpdateSerializer(data=request.data, partial=True, sites=self._sites())
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        expected = fields.pop("version", None)
        if expected is None:
            raise exceptions.ValidationError(
                {"version": ["Send the version you read, so that someone else's change is not overwritten."]}
            )
        if not fields:
            raise exceptions.ValidationError({"non_field_errors": ["Send at least one field to change."]})
        return self._edit(patrol, services.patrol_update, expected_version=expected, **fields)

    @extend_schema(
        summary="Cancel a patrol (with a reason)",
        request=PatrolCancelSerializer,
        responses={200: PatrolDetailSerializer, 409: STALE_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        patrol = self.get_object()
        body = PatrolCancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._edit(
            patrol,
            services.patrol_cancel,
            reason=body.validated_data["reason"],
            expected_version=body.validated_data["version"],
        )

    @extend_schema(
        summary="Restore a cancelled patrol",
        request=PatrolRestoreSerializer,
        responses={200: PatrolDetailSerializer, 409: STALE_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        patrol = self.get_object()
        body = PatrolRestoreSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._edit(patrol, services.patrol_restore, expected_version=body.validated_data["version"])

    @extend_schema(
        summary="Who changed the patrol, what and when",
        description=(
            "Newest first: hand edits (moves, staffing, cancellations with their reasons), officers "
            "assigned and removed (with an inspector's reason for overriding a warning), CST places "
            "asked, confirmed, declined and released (by call sign), and the generator run that last "
            "wrote the patrol. For inspectors of the patrol's area: how the rota is made is theirs "
            "(DESIGN.md §6), as a patrol's rule and version are."
        ),
        responses={200: HistoryEntrySerializer(many=True)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, pk=None):
        patrol = self.get_object()
        # The history tells the patrol's times: recorded as the detail is (audit).
        record_for_request(request, unfinished_area_ids([patrol], timezone.now()), prefix="api:")
        return Response(HistoryEntrySerializer(patrol_history(patrol), many=True).data)

    @extend_schema(
        summary="The officers to put on a patrol, fairest first",
        description=(
            "Every officer rostered in the patrol's area, ranked fairly (fewest patrols, then fewest "
            "Shabbat and festival duties, over the last and next four weeks), each with whether they "
            "are suggested and why, their counts, the hard conflict that refuses them (absent, on an "
            "overlapping patrol) and the warnings an assignment would need overriding. For "
            "inspectors of the patrol's area."
        ),
        responses={200: SuggestionSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def suggestions(self, request, pk=None):
        patrol = self.get_object()
        record_for_request(request, unfinished_area_ids([patrol], timezone.now()), prefix="api:")
        return Response(SuggestionSerializer(officer_suggestions(patrol, now=timezone.now()), many=True).data)


class GenerationRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Rota generation runs of the areas the caller inspects. POST `{"area": "<slug>"}` queues a
    run (the generator runs in the background) and answers 202 with it; poll its detail. An area
    the caller does not inspect is 404. Newest first, 50 a page, linked by keyset cursors (no
    `count`)."""

    serializer_class = GenerationRunSerializer
    permission_classes = [RolePermission]
    read_roles = (Role.INSPECTOR,)
    write_roles = (Role.INSPECTOR,)
    pagination_class = RunPagination

    def get_queryset(self):
        return runs_for_inspection(access_for(self.request.user))

    # A running run whose process stopped is marked failed before it is shown, so a client polling
    # a run's detail sees it fail rather than run for ever.
    def list(self, request, *args, **kwargs):
        services.generation_runs_fail_dead_seen_by(access=access_for(request.user))
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        services.generation_runs_fail_dead_seen_by(access=access_for(request.user))
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=GenerationRunStartSerializer,
        responses={202: GenerationRunSerializer, 404: ERRORS["404"]},
    )
    def create(self, request, *args, **kwargs):
        start = GenerationRunStartSerializer(data=request.data)
        start.is_valid(raise_exception=True)
        areas = areas_with_role(access_for(request.user), Role.INSPECTOR)
        area = get_object_or_404(areas, slug=start.validated_data["area"])
        run = services.generation_run_start(area=area, by=request.user)
        run.refresh_from_db()
        return Response(GenerationRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class VolunteerSlotViewSet(viewsets.ReadOnlyModelViewSet):
    """CST places on joint patrols, scoped as DESIGN.md §6: a coordinator every slot of the joint
    patrols of their areas (with the volunteer's phone and email), an inspector every slot of
    theirs, an officer their partners on the joint patrols they are on (call sign and name). Filter
    with `patrol` and `status`.

    A coordinator acts on a slot with POST `ask/` (`{"volunteer": <id>}`: the volunteer is emailed
    the day and their personal Accept / Decline links; `fill/` is the same), `confirm/`,
    `decline/` and `release/`; each answers the slot as it now is, or 400 naming what was refused.
    POST `ask-many/` asks several volunteers for several places in one go.

    In order of their patrols' start time, 50 a page, linked by keyset cursors (no `count`)."""

    serializer_class = VolunteerSlotSerializer
    permission_classes = [RolePermission]
    read_roles = (Role.OFFICER, Role.CST_COORDINATOR, Role.INSPECTOR)
    write_roles = (Role.CST_COORDINATOR,)
    filterset_class = SlotFilter
    pagination_class = SlotPagination

    def get_queryset(self):
        access = access_for(self.request.user)
        if self.action in ("fill", "ask", "ask_many", "confirm", "decline", "release"):
            return slots_for_coordination(access)
        return slots_visible_to(access)

    def get_serializer_context(self):
        access = access_for(self.request.user)
        return {
            **super().get_serializer_context(),
            "contact_visible": lambda area_id: access.holds(Role.CST_COORDINATOR, area_id),
        }

    def _act(self, service, slot=None, **kwargs):
        slot = slot or self.get_object()
        service(slot=slot, by=self.request.user, **kwargs)
        slot = self.get_queryset().filter(pk=slot.pk).first() or slot  # released from a patrol no longer joint: gone
        return Response(self.get_serializer(slot).data)

    @extend_schema(request=SlotFillSerializer, responses={200: VolunteerSlotSerializer})
    @action(detail=True, methods=["post"])
    def fill(self, request, pk=None):
        return self._fill(request)

    @extend_schema(
        summary="Ask a volunteer for a place (emails them their links)",
        description=(
            "The place becomes `requested` and the volunteer is emailed the day (not the time or "
            "site) and their personal Accept / Decline links, which work once, until the patrol "
            "starts. Refused (400): a place already taken, a volunteer who marked the day "
            "unavailable, is on an overlapping patrol, inactive, or whose card runs out first."
        ),
        request=SlotFillSerializer,
        responses={200: VolunteerSlotSerializer},
    )
    @action(detail=True, methods=["post"])
    def ask(self, request, pk=None):
        return self._fill(request)

    @extend_schema(
        summary="Ask several volunteers for several places",
        description=(
            "Each pair (`slot`, `volunteer`) is asked in its own transaction, as `ask/` asks one: "
            "a refusal does not undo the others. The answer lists every pair, asked or not and "
            "why. A place outside your areas is 404; a place or a volunteer named twice, or more "
            "than 50 pairs, is refused as a whole (400)."
        ),
        request=AskManySerializer,
        responses={200: AskOutcomeSerializer(many=True)},
    )
    @action(detail=False, methods=["post"], url_path="ask-many", pagination_class=None, filterset_class=None)
    def ask_many(self, request):
        body = AskManySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        pairs = body.validated_data["pairs"]
        slot_ids = [pair["slot"] for pair in pairs]
        slots = {slot.pk: slot for slot in self.get_queryset().filter(pk__in=slot_ids)}
        if len(slots) != len(set(slot_ids)):
            raise exceptions.NotFound("No such place.")
        volunteers = {
            volunteer.pk: volunteer
            for volunteer in Volunteer.objects.filter(
                pk__in=[pair["volunteer"] for pair in pairs],
                area_id__in={slot.patrol.area_id for slot in slots.values()},
            )
        }
        chosen = []
        for pair in pairs:
            slot = slots[pair["slot"]]
            volunteer = volunteers.get(pair["volunteer"])
            if volunteer is None or volunteer.area_id != slot.patrol.area_id:
                raise exceptions.ValidationError(
                    {"pairs": [f"No volunteer of {slot.patrol.area} has the id {pair['volunteer']}."]}
                )
            chosen.append((slot, volunteer))
        outcomes = services.slots_fill_many(pairs=chosen, by=request.user)
        current = {slot.pk: slot for slot in self.get_queryset().filter(pk__in=slot_ids)}
        for outcome in outcomes:
            outcome.slot.__dict__.update(current.get(outcome.slot.pk, outcome.slot).__dict__)
        return Response(AskOutcomeSerializer(outcomes, many=True, context=self.get_serializer_context()).data)

    def _fill(self, request):
        slot = self.get_object()
        fill = SlotFillSerializer(data=request.data)
        fill.is_valid(raise_exception=True)
        # Only a volunteer of the patrol's area is looked up: an id from elsewhere names nobody.
        volunteer = slot.patrol.area.volunteers.filter(pk=fill.validated_data["volunteer"]).first()
        if volunteer is None:
            raise exceptions.ValidationError({"volunteer": [f"No volunteer of {slot.patrol.area} has this id."]})
        return self._act(services.slot_fill, slot=slot, volunteer=volunteer)

    @extend_schema(request=None, responses={200: VolunteerSlotSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._act(services.slot_confirm)

    @extend_schema(request=None, responses={200: VolunteerSlotSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._act(services.slot_decline)

    @extend_schema(request=None, responses={200: VolunteerSlotSerializer})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        return self._act(services.slot_release)
