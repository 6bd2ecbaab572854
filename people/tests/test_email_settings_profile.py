"""The officer's two email settings, on their profile page (/me/) and in the API (/api/v1/me/):
shown as they are, changed by the officer only, recorded in the officer's history."""

from django.urls import reverse

from people.models import Officer


def officer_of(world) -> Officer:
    return Officer.objects.get(user=world.users["officer"])


def test_the_profile_page_shows_both_settings_ticked_by_default(world):
    page = world.client("officer").get(reverse("people:profile")).content.decode()
    assert 'id="emails-heading"' in page
    assert 'name="notify_patrol_changes" id="id_notify_patrol_changes" checked' in page
    assert 'name="notify_evening_reminder" id="id_notify_evening_reminder" checked' in page
    assert reverse("people:profile_emails") in page


def test_unticking_a_box_turns_that_email_off_and_is_kept_in_the_history(world):
    client = world.client("officer")
    response = client.post(reverse("people:profile_emails"), {"notify_patrol_changes": "on"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("people:profile"))
    assert "Your email settings are saved." in response.content.decode()
    officer = officer_of(world)
    assert (officer.notify_patrol_changes, officer.notify_evening_reminder) == (True, False)
    record = officer.history.first()
    assert record.history_change_reason == "emails: patrol changes on, evening reminder off"
    assert record.history_user == world.users["officer"]
    page = client.get(reverse("people:profile")).content.decode()
    assert 'name="notify_evening_reminder" id="id_notify_evening_reminder">' in page  # unticked now
    client.post(reverse("people:profile_emails"), {"notify_patrol_changes": "on", "notify_evening_reminder": "on"})
    assert officer_of(world).notify_evening_reminder is True


def test_saving_the_same_settings_records_nothing(world):
    before = officer_of(world).history.count()
    world.client("officer").post(
        reverse("people:profile_emails"), {"notify_patrol_changes": "on", "notify_evening_reminder": "on"}
    )
    assert officer_of(world).history.count() == before


def test_a_get_changes_nothing(world):
    response = world.client("officer").get(reverse("people:profile_emails"))
    assert response.status_code == 405
    assert officer_of(world).notify_patrol_changes is True


def test_the_api_shows_and_changes_the_settings(world):
    client = world.client("officer")
    body = client.get(reverse("me")).json()
    assert (body["notify_patrol_changes"], body["notify_evening_reminder"]) == (True, True)
    response = client.patch(reverse("me"), {"notify_patrol_changes": False}, format="json")
    assert response.status_code == 200
    assert (response.json()["notify_patrol_changes"], response.json()["notify_evening_reminder"]) == (False, True)
    officer = officer_of(world)
    assert (officer.notify_patrol_changes, officer.notify_evening_reminder) == (False, True)
    response = client.patch(reverse("me"), {"notify_evening_reminder": "maybe"}, format="json")
    assert response.status_code == 400 and "notify_evening_reminder" in response.json()
    assert officer_of(world).notify_evening_reminder is True


def test_only_an_officer_changes_their_own_settings(world):
    for persona in ("coordinator", "inspector_a"):
        response = world.client(persona).patch(reverse("me"), {"notify_patrol_changes": False}, format="json")
        assert response.status_code == 403
    assert world.client("anonymous").patch(reverse("me"), {}, format="json").status_code == 401
    assert world.client("inspector_a").post(reverse("people:profile_emails"), {}).status_code == 403
    assert officer_of(world).notify_patrol_changes is True
