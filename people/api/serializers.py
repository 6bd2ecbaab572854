from typing import cast

from rest_framework import serializers

from sites.api.serializers import FixedAreaField

from ..models import Officer, Volunteer


class OfficerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Officer
        fields = ["id", "username", "name", "collar_number", "rank", "team", "active"]


class VolunteerSerializer(serializers.ModelSerializer):
    """Full record with contact details: served to CST coordinators and admins only."""

    area = FixedAreaField()

    class Meta:
        model = Volunteer
        fields = ["id", *Volunteer.EDITABLE_FIELDS, "active"]

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            cast(serializers.RelatedField, self.fields["area"]).queryset = areas

    def validate_call_sign(self, value: str) -> str:
        return value.strip().upper()

    def validate(self, attrs):
        # The unique (area, call sign) constraint as a field error rather than a 500.
        area = attrs.get("area", getattr(self.instance, "area", None))
        call_sign = attrs.get("call_sign", getattr(self.instance, "call_sign", None))
        clash = Volunteer.objects.filter(area=area, call_sign=call_sign)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError({"call_sign": "This call sign is already used in this area."})
        return attrs
