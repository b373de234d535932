"""The daily notifications: every background worker looks for lost work every minute
(``core.workers.recovered``); from ``notify.DIGEST_HOUR`` on, the overdue milestones are
notified (once each) and the day's digests sent (once per person: ``send_digests``
claims each person before e-mailing)."""

import logging

from django.dispatch import receiver

from labinov.core import workers

log = logging.getLogger(__name__)

#: The day this process last ran the daily work: each worker runs it once a day at most
#: (several workers may each run it; both steps are idempotent).
_last_run: dict[str, object] = {"day": None}


@receiver(workers.recovered)
def daily_notifications(sender, **kwargs) -> None:
    from django.utils import timezone

    from labinov.accounts.notify import digest_is_due, send_digests
    from labinov.innovations.overdue import notify_overdue

    today = timezone.localdate()
    if not digest_is_due() or _last_run["day"] == today:
        return
    _last_run["day"] = today
    try:
        notify_overdue()
        send_digests()
    except Exception:  # a failing mail server must not stop the worker's other work
        log.exception("daily notifications failed")
