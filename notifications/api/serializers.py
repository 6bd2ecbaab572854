from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sites.access import ANONYMOUS, access_for
from sites.models import Area

from ..models import Notification
from ..selectors import shown_email


class NotificationSerializer(serializers.ModelSerializer):
    """One message of the outbox. Its body is not here: a volunteer's message carries their
    personal Accept and Decline links, which are theirs alone (the outbox page leaves it out too)."""

    area: serializers.SlugRelatedField[Area] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    to_user: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="The user it is to (null when it is to a CST volunteer).",
    )
    recipient = serializers.CharField(source="recipient_label", read_only=True, help_text="Who it is to, by name.")
    about_type = serializers.SerializerMethodField(help_text='What it is about, e.g. "patrols.patrol" (or null).')
    to_email = serializers.SerializerMethodField(
        help_text="The address it went to (blank until sent). Null for a message to a CST volunteer "
        "unless the caller is an administrator or a CST coordinator of its area: a volunteer's "
        "address is a contact detail (DESIGN.md §6)."
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "event_key",
            "area",
            "audience",
            "to_user",
            "to_volunteer",
            "recipient",
            "to_email",
            "about_type",
            "about_id",
            "subject",
            "status",
            "not_before",
            "attempts",
            "last_error",
            "created_at",
            "sent_at",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_to_email(self, notification: Notification) -> str | None:
        request = self.context.get("request")
        access = access_for(request.user) if request is not None else ANONYMOUS
        return shown_email(access, notification)

    @extend_schema_field(OpenApiTypes.STR)
    def get_about_type(self, notification: Notification) -> str | None:
        about_type = notification.about_type
        return None if about_type is None else f"{about_type.app_label}.{about_type.model}"
