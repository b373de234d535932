"""Background harvests of federated feeds, run by the project's task workers."""

import logging

from django.utils.translation import gettext as _
from django_tasks import task

from labinov.core.system import SystemActor
from labinov.opendata.models import Feed

logger = logging.getLogger(__name__)


@task()
def harvest_feed_task(feed_id: int) -> str:
    from labinov.opendata.actions import _finish, harvest_feed

    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None:
        return "gone"
    actor = SystemActor(f"federasi: {feed.name}")
    try:
        return harvest_feed(acting_user=actor, feed=feed).status
    except Exception as exc:
        logger.exception("Harvest of feed %s failed", feed_id)
        _finish(
            feed,
            acting_user=actor,
            status=Feed.Status.FAILED,
            message=_(
                "The harvest stopped on an unexpected error (%(error)s): it will be tried "
                "again at the next harvest."
            )
            % {"error": type(exc).__name__},
        )
        raise
