"""An assignment racing an absence of the same officer waits for it and sees it (PostgreSQL: both
lock the officer's row)."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from patrols.models import Assignment
from patrols.services import assignment_create, patrol_create_manual
from people.models import AbsenceKind
from people.services import absence_create

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")


def _wait_for_a_blocked_lock(timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


@pytest.mark.django_db(transaction=True)
def test_an_assignment_made_while_an_absence_is_being_recorded_waits_and_is_refused(world):
    officer = world.users["officer"].officer
    starts = timezone.now() + timedelta(days=2)
    patrol = patrol_create_manual(
        site=world.objects["site_a"], starts_at=starts, ends_at=starts + timedelta(hours=1), by=None
    )
    day = starts.astimezone(world.area_a.zone).date()
    recorded, release = threading.Event(), threading.Event()
    errors: list[ValidationError] = []

    def record():
        try:
            with transaction.atomic():
                absence_create(officer=officer, kind=AbsenceKind.SICKNESS, starts_on=day, ends_on=day, by=None)
                recorded.set()
                release.wait(10)
        finally:
            connections.close_all()

    def assign():
        try:
            assignment_create(patrol=patrol, officer=officer, by=None)
        except ValidationError as error:
            errors.append(error)
        finally:
            connections.close_all()

    recorder = threading.Thread(target=record)
    recorder.start()
    assert recorded.wait(10)
    assigner = threading.Thread(target=assign)
    assigner.start()
    try:
        assert _wait_for_a_blocked_lock(), "the assignment should wait for the officer's row"
    finally:
        release.set()
        recorder.join(20)
        assigner.join(20)
    assert [error.code for error in errors] == ["absent"]
    assert not Assignment.objects.exists()
