from django import forms

from .models import NotificationStatus


class OutboxPageForm(forms.Form):
    """The outbox page's query string: the keyset cursor (messages older than this id) and a status
    (e.g. only the failed ones, which the inspector's Today panel links to)."""

    before = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *NotificationStatus.choices])
