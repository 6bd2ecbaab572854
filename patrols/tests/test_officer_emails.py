"""What officers' emails say (pure, no database): the day, the times in the area's zone, a
patrol past midnight naming its end's day, the site only where the area shows it, and the day
alone when the email may not carry times."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from patrols import officer_emails
from patrols.officer_emails import Duty

LONDON = ZoneInfo("Europe/London")
MORNING = Duty(datetime(2027, 1, 16, 9, 0, tzinfo=LONDON), datetime(2027, 1, 16, 12, 0, tzinfo=LONDON))
NIGHT = Duty(datetime(2027, 1, 16, 22, 0, tzinfo=LONDON), datetime(2027, 1, 17, 1, 0, tzinfo=LONDON), "Beth Shalom")


@pytest.mark.parametrize(
    ("duty", "detailed", "text"),
    [
        (MORNING, True, "Saturday 16 January 2027, 09:00–12:00"),
        (NIGHT, True, "Saturday 16 January 2027, 22:00–01:00 on Sunday 17 January at Beth Shalom"),
        (NIGHT, False, "Saturday 16 January 2027"),
    ],
)
def test_duty_text(duty, detailed, text):
    assert officer_emails.duty_text(duty, detailed=detailed) == text


def test_the_reminder_lists_each_patrol_or_only_counts_them_when_not_detailed():
    subject, body = officer_emails.reminder_email(date(2027, 1, 16), [MORNING, NIGHT], link="https://shomer/my-day/")
    assert subject == "Shomer: your duty tomorrow, Saturday 16 January 2027"
    assert body.startswith(
        "Tomorrow you are on 2 patrols:\n- Saturday 16 January 2027, 09:00–12:00\n"
        "- Saturday 16 January 2027, 22:00–01:00 on Sunday 17 January at Beth Shalom\n\n"
        "Details on My day, after signing in:\nhttps://shomer/my-day/\n\n"
    )
    _, body = officer_emails.reminder_email(date(2027, 1, 16), [MORNING, NIGHT], link="L", detailed=False)
    assert "09:00" not in body and "Beth Shalom" not in body
    assert "Tomorrow, Saturday 16 January 2027, you are on 2 patrols." in body


def test_a_cst_audience_email_names_the_day_only():
    for subject, body in (
        officer_emails.assigned_email(NIGHT, link="L", detailed=False),
        officer_emails.moved_email(MORNING, NIGHT, link="L", detailed=False),
        officer_emails.cancelled_email(NIGHT, link="L", detailed=False),
        officer_emails.restored_email(NIGHT, link="L", detailed=False),
        officer_emails.unassigned_email(NIGHT, link="L", detailed=False),
    ):
        assert "Saturday 16 January 2027" in subject + body
        assert ":00" not in subject + body and "Beth Shalom" not in subject + body
