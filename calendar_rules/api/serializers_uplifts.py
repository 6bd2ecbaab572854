from typing import cast

from rest_framework import serializers

from sites.api.serializers import FixedAreaField
from sites.models import RiskTier, SiteKind

from .. import jewish_calendar
from ..models import StaffingUplift


class StaffingUpliftSerializer(serializers.ModelSerializer):
    """A staffing uplift: on these observances or periods (or while the area's alert level is
    raised), at sites of these kinds and risk tiers (empty: all), raise the officers required by
    `officers_value` (`add`) or to at least it (`at_least`), and make the patrol joint with at
    least `cst_places` CST places. Deactivate with `active: false`; it is never deleted."""

    area = FixedAreaField()
    observance_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=list(jewish_calendar.CATEGORIES)), required=False
    )
    observance_keys = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(jewish_calendar.OBSERVANCE_KINDS)), required=False
    )
    periods = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(jewish_calendar.PERIODS)), required=False
    )
    site_kinds = serializers.ListField(child=serializers.ChoiceField(choices=SiteKind.choices), required=False)
    risk_tiers = serializers.ListField(child=serializers.ChoiceField(choices=RiskTier.choices), required=False)
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version you read; required on update, ignored on create."
    )

    class Meta:
        model = StaffingUplift
        fields = [
            "id",
            "area",
            "label",
            "observance_categories",
            "observance_keys",
            "periods",
            "during_surge",
            "site_kinds",
            "risk_tiers",
            "officers_mode",
            "officers_value",
            "cst_places",
            "active",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]
        validators: list = []  # the model names the label when it is taken in the area

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            cast(serializers.RelatedField, self.fields["area"]).queryset = areas
