"""API tokens follow the credentials they were issued against.

A token (django-rest-knox) is issued for a username and password. When the password changes (the
password page, the admin, `manage.py changepassword`, anything that saves a new hash) or the user
is deactivated, every token of that user is revoked, as Django already ends their other sessions
on a password change. Receivers of the user model's save signals, connected in SitesConfig.ready:
the user model is Django's, so there is no service of ours to call this from. Deleting a user
deletes their tokens by cascade.
"""

from django.contrib.auth import get_user_model
from knox.models import get_token_model


def api_tokens_revoke_all(*, user) -> int:
    """Revoke every API token of `user`; returns how many there were."""
    deleted, _ = get_token_model().objects.filter(user=user).delete()
    return deleted


def note_credential_change(sender, instance, update_fields=None, raw=False, **kwargs):
    """pre_save: remember whether this save changes the password or deactivates the user."""
    instance._revoke_api_tokens = False
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    before = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    instance._revoke_api_tokens = before["password"] != instance.password or (
        before["is_active"] and not instance.is_active
    )


def revoke_on_credential_change(sender, instance, raw=False, **kwargs):
    """post_save: revoke the user's tokens once the new password or deactivation is saved."""
    if not raw and getattr(instance, "_revoke_api_tokens", False):
        instance._revoke_api_tokens = False
        api_tokens_revoke_all(user=instance)


def connect():
    from django.db.models.signals import post_save, pre_save

    user_model = get_user_model()
    pre_save.connect(note_credential_change, sender=user_model, dispatch_uid="api_tokens_note_credential_change")
    post_save.connect(revoke_on_credential_change, sender=user_model, dispatch_uid="api_tokens_revoke")
