"""An area's duty rules: the longest duty (1–24 hours, default 10) and the shortest rest between
duties (0–24 hours, default 11)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conftest import make_area
from sites.models import Area

pytestmark = pytest.mark.django_db


def test_an_area_starts_with_a_ten_hour_duty_and_eleven_hours_rest():
    area = make_area("limits")
    assert (area.max_duty_hours, area.min_rest_hours) == (10, 11)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("max_duty_hours", 0, "greater than or equal to 1"),
        ("max_duty_hours", 25, "less than or equal to 24"),
        ("min_rest_hours", 25, "less than or equal to 24"),
    ],
)
def test_limits_out_of_range_are_refused_naming_the_field(field, value, message):
    area = make_area("limits")
    setattr(area, field, value)
    with pytest.raises(ValidationError) as refused:
        area.full_clean()
    assert message in " ".join(refused.value.message_dict[field])
    area.refresh_from_db()
    assert (area.max_duty_hours, area.min_rest_hours) == (10, 11)


def test_the_database_refuses_a_duty_over_a_day():
    area = make_area("limits")
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.filter(pk=area.pk).update(max_duty_hours=25)
