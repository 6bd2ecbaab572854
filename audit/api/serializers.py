from rest_framework import serializers

from ..models import PatrolViewRecord


class PatrolViewRecordSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = PatrolViewRecord
        fields = ["id", "user", "area", "channel", "bucket_start", "first_seen", "last_seen", "count"]
        read_only_fields = fields
