from django import forms


class OutboxPageForm(forms.Form):
    """The outbox page's query string: the keyset cursor (messages older than this id)."""

    before = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
