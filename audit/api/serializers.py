from typing import Any

from rest_framework import serializers

from sites.models import Area

from ..models import PatrolViewRecord


class PatrolViewRecordSerializer(serializers.ModelSerializer):
    user: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    area: serializers.SlugRelatedField[Area] = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = PatrolViewRecord
        fields = ["id", "user", "area", "channel", "bucket_start", "first_seen", "last_seen", "count"]
        read_only_fields = fields
