"""Keyset ("cursor") pagination for the API's lists of rows that grow with time.

Patrols, CST places and generation runs grow by the day without bound. Page-number pagination
counts the whole scope on every page (`SELECT COUNT(*)`) and skips with OFFSET, so a page costs
more as the table grows: at a million patrols one page took seconds. A keyset page instead
starts where the last one ended, on a unique ordering the database walks on an index,

    WHERE starts_at >= :t AND (starts_at > :t OR id > :id) ORDER BY starts_at, id LIMIT 51

so its cost depends on the page size, not on how many rows come before or after it. The
leading `>=` bounds the index scan; the OR only sorts out the rows of the same instant.

DRF's own CursorPagination keeps just the first ordering field in its cursor and pages through
equal values with an OFFSET capped at 1,000; two thousand sites patrolled at 08:00 share one
start time, so it would repeat or skip patrols. Here the cursor holds every ordering field.

The answer has `next` and `previous` links (null at either end) and `results`; there is no
`count`. The cursor is opaque to clients; a cursor that cannot be read, or a bad `page_size`,
is a 400 naming the parameter. Every ordering field must be non-null, and the last one unique.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

MAX_CURSOR_LENGTH = 512


class KeysetPagination(BasePagination):
    """Pages of `page_size` rows in `ordering` (field names, "-" for descending; the last one
    unique, e.g. ("starts_at", "id")), linked by opaque cursors. Subclass and set `ordering`."""

    ordering: Sequence[str] = ("id",)
    page_size = 50
    max_page_size = 200
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    # ---- paging ----------------------------------------------------------------------------

    def paginate_queryset(self, queryset: QuerySet[Any], request: Request, view: APIView | None = None) -> list[Any]:
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size = self._page_size(request)
        self.model = queryset.model
        position, backwards = self._decode(request)
        if backwards:
            queryset = queryset.order_by(*(_flip(name) for name in self.ordering))
        else:
            queryset = queryset.order_by(*self.ordering)
        if position is not None:
            queryset = queryset.filter(self._beyond(position, backwards))
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
        # Going forwards, the page before exists if we came from somewhere; going backwards,
        # the page after does (we came from it).
        self.has_next = more if not backwards else True
        self.has_previous = (position is not None) if not backwards else more
        self.page = rows
        return rows

    def _beyond(self, position: list[Any], backwards: bool) -> Q:
        """Rows strictly after `position` in the direction of travel, as a condition the database
        can answer from an index on the ordering: f0 >= v0 AND (f0 > v0 OR (f0 = v0 AND ...))."""
        steps = []
        for name, value in zip(self.ordering, position, strict=True):
            descending = name.startswith("-") != backwards
            steps.append((name.lstrip("-"), value, "lt" if descending else "gt"))
        condition = Q(**{f"{steps[-1][0]}__{steps[-1][2]}": steps[-1][1]})
        for field, value, comparison in reversed(steps[:-1]):
            condition = Q(**{f"{field}__{comparison}": value}) | (Q(**{field: value}) & condition)
        first_field, first_value, first_comparison = steps[0]
        return Q(**{f"{first_field}__{first_comparison}e": first_value}) & condition

    # ---- links -----------------------------------------------------------------------------

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.page:
            return None
        return self._link(self.page[-1], backwards=False)

    def get_previous_link(self) -> str | None:
        if not self.has_previous or not self.page:
            return None
        return self._link(self.page[0], backwards=True)

    def _link(self, row: Model, *, backwards: bool) -> str:
        values = [_json_value(_value_of(row, name.lstrip("-"))) for name in self.ordering]
        payload = json.dumps({"p": values, "r": int(backwards)}, separators=(",", ":")).encode()
        cursor = base64.urlsafe_b64encode(payload).decode("ascii").rstrip("=")
        return replace_query_param(self.base_url, self.cursor_query_param, cursor)

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    # ---- reading the request ---------------------------------------------------------------

    def _page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}, code="invalid"
            )
        return size

    def _decode(self, request) -> tuple[list[Any] | None, bool]:
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None or raw == "":
            return None, False
        try:
            if len(raw) > MAX_CURSOR_LENGTH:
                raise ValueError("too long")
            payload = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
            values, backwards = payload["p"], payload["r"]
            if not isinstance(values, list) or len(values) != len(self.ordering) or backwards not in (0, 1):
                raise ValueError("wrong shape")
            pairs = zip(self.ordering, values, strict=True)
            position = [self._field_value(name.lstrip("-"), value) for name, value in pairs]
        except (ValueError, TypeError, KeyError, OverflowError, binascii.Error, DjangoValidationError):
            raise ValidationError(
                {self.cursor_query_param: ["Not a cursor from this list: follow the next or previous link."]},
                code="invalid",
            ) from None
        return position, bool(backwards)

    def _field_value(self, path: str, value: Any) -> Any:
        """The cursor's value for one ordering field, checked by the model field it names."""
        if value is None or isinstance(value, bool | dict | list):
            raise ValueError("not a value")
        model, field = self.model, None
        for part in path.split("__"):
            try:
                field = model._meta.get_field(part)
            except FieldDoesNotExist:
                raise ValueError(path) from None
            model = field.related_model or model
        if field is None:
            raise ValueError(path)
        if field.is_relation:
            field = field.target_field
        cleaned = field.to_python(value)
        # The column's own limits too (an integer past a bigint is an OverflowError in the
        # database driver, not a row that is not there).
        field.run_validators(cleaned)
        if isinstance(cleaned, datetime):
            if cleaned.tzinfo is None:
                raise ValueError("a naive date-time")
            cleaned = cleaned.astimezone(UTC)  # OverflowError at the ends of the calendar: a 400
        return cleaned

    # ---- schema ------------------------------------------------------------------------------

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page, or null on the last one."},
                "previous": {**link, "description": "The page before, or null on the first one."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: take it from a `next` or `previous` link (opaque).",
                "schema": {"type": "string", "maxLength": MAX_CURSOR_LENGTH},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


def _flip(name: str) -> str:
    return name[1:] if name.startswith("-") else f"-{name}"


def _value_of(row: Model, path: str) -> Any:
    value = row
    for part in path.split("__"):
        value = getattr(value, part)
    return value


def _json_value(value: Any) -> Any:
    """A cursor value as JSON: dates and date-times (a datetime is a date) in ISO 8601."""
    return value.isoformat() if isinstance(value, date) else value
