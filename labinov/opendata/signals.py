"""The harvest schedule: every background worker looks for lost work every minute
(``core.workers.recovered``); then the feeds that are due are claimed, once each, and
their harvests queued."""

from django.dispatch import receiver

from labinov.core import workers


@receiver(workers.recovered)
def queue_due_harvests(sender, **kwargs) -> None:
    from labinov.opendata.actions import due_feeds
    from labinov.opendata.models import Feed
    from labinov.opendata.tasks import harvest_feed_task

    for feed_id in due_feeds():
        Feed.objects.filter(pk=feed_id).exclude(status=Feed.Status.RUNNING).update(
            status=Feed.Status.WAITING
        )
        harvest_feed_task.enqueue(feed_id)
