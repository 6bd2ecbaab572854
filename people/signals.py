"""Signals people sends for work in higher rooms (DESIGN.md §2: people must not import them)."""

from django.dispatch import Signal

# Sent inside the transaction that withdraws every link sent to a volunteer so far — their email
# address changed, they were deactivated, or a coordinator withdrew their links — after their
# `links_version` was raised (which kills the availability links). Arguments: `volunteer`. The
# patrols room connects to it to withdraw the volunteer's standing Accept / Decline links, so
# they roll back together.
volunteer_links_withdrawn = Signal()
