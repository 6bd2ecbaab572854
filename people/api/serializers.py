from typing import cast

from rest_framework import serializers

from sites.api.serializers import FixedAreaField
from sites.models import Site

from ..models import Officer, Volunteer, VolunteerUnavailability
from ..selectors import HOME_SITE_REFUSED, home_site_choices


class OfficerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Officer
        fields = ["id", "username", "name", "collar_number", "rank", "team", "active"]


class VolunteerSerializer(serializers.ModelSerializer):
    """Full record with contact details: served to CST coordinators and admins only."""

    area = FixedAreaField()
    home_site = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.none(),
        allow_null=True,
        required=False,
        help_text=(
            "The id of the site they usually guard (an active site of the volunteer's area with joint "
            "patrols), or null."
        ),
        error_messages={"does_not_exist": HOME_SITE_REFUSED, "incorrect_type": HOME_SITE_REFUSED},
    )

    class Meta:
        model = Volunteer
        fields = ["id", *Volunteer.EDITABLE_FIELDS, "active"]

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            cast(serializers.RelatedField, self.fields["area"]).queryset = areas
            # An id of a site outside the caller's areas, or without joint patrols (DESIGN.md §6: a
            # coordinator sees the sites of joint patrols only), is refused.
            instance = self.instance if isinstance(self.instance, Volunteer) else None
            cast(serializers.RelatedField, self.fields["home_site"]).queryset = home_site_choices(
                areas, current_id=instance.home_site_id if instance is not None else None
            )

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
        home_site = attrs.get("home_site", getattr(self.instance, "home_site", None))
        if home_site is not None and area is not None and home_site.area_id != area.pk:
            raise serializers.ValidationError({"home_site": HOME_SITE_REFUSED})
        return attrs


class UnavailabilitySerializer(serializers.ModelSerializer):
    """A local date the volunteer cannot patrol; asking them for a place that day is refused."""

    class Meta:
        model = VolunteerUnavailability
        fields = ["on_date", "note", "created_at"]
        read_only_fields = ["created_at"]
