"""Who viewed which area's future patrol times, through which page or endpoint, and when.

Future patrol times at Jewish sites are the most sensitive thing Shomer holds; after a leak, an
investigation asks who could have seen them. Each row is one (user, area, channel, hour) with how
many times and when first and last: a busy day is a few rows per user, not one per request.

Append-only: rows are written only by `audit.services.patrol_view_record` (an upsert that adds to
the count) and removed only by `audit.services.patrol_view_records_purge` once older than the
retention setting. No page, endpoint or admin screen edits or deletes them.
"""

from django.conf import settings
from django.db import models

from sites.models import Area


class PatrolViewRecord(models.Model):
    # PROTECT: a user or area with records is deactivated, not deleted, while the records are kept.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    # The route that showed the times: a page ("patrols:rota") or an API endpoint ("api:patrol-list").
    channel = models.CharField(max_length=100)
    bucket_start = models.DateTimeField(help_text="The hour (UTC) the views fell in.")
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    count = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "patrol view record"
        constraints = [
            # The upsert's conflict target: one row per user, area, channel and hour.
            models.UniqueConstraint(
                fields=["user", "area", "channel", "bucket_start"], name="audit_view_one_row_per_hour"
            ),
            models.CheckConstraint(condition=models.Q(count__gte=1), name="audit_view_count_positive"),
            models.CheckConstraint(
                condition=models.Q(first_seen__lte=models.F("last_seen")), name="audit_view_seen_in_order"
            ),
        ]
        indexes = [
            # The inspector's page and the API: an area's records, newest hour first.
            models.Index(fields=["area", "-bucket_start", "-id"], name="audit_view_area_hour_id"),
            # An admin's pages of every area, in the same keyset order.
            models.Index(fields=["-bucket_start", "-id"], name="audit_view_hour_id"),
            # The retention purge: every row older than a cut-off.
            models.Index(fields=["bucket_start"], name="audit_view_hour"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} viewed area {self.area_id} via {self.channel} at {self.bucket_start:%Y-%m-%d %H:00}Z"
