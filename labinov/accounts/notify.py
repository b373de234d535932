"""Notifications: the writes (called by the actions that make an event, in their
transaction), marking them read, the daily digest and its opt-out.

An action that makes an event worth telling someone calls ``notify`` with the people
concerned; there are no signals on saves. The text is written in the interface's default
language (Indonesian) when the event happens, as an e-mail would be. Kinds: comments on
one's work, gate decisions, roles given (invitations), jury duty, overdue milestones (see
``innovations/overdue.py``, run daily).
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from labinov.accounts.models import UNIT_ROLES, Notification, RoleAssignment, User
from labinov.core.actions import record_event
from labinov.core.errors import ActionError, NotAllowed

log = logging.getLogger(__name__)

#: The digest goes out on a worker's first look after this local hour.
DIGEST_HOUR = 7


def _ids(people) -> set[int]:
    return {getattr(p, "pk", p) for p in people if getattr(p, "pk", p)}


def unit_people(unit) -> set[int]:
    """The accounts of a unit's head and team members."""
    return set(
        RoleAssignment.objects.filter(unit=unit, role__in=UNIT_ROLES).values_list(
            "user_id", flat=True
        )
    )


def notify(recipients, *, kind: str, text, url: str = "", key: str = "", actor=None) -> int:
    """Tell these people (users or ids) of an event, except the person who made it.
    ``key`` makes the notification once-only per person (an overdue milestone). Answers
    how many were written."""
    ids = _ids(recipients) - _ids([actor] if actor is not None else [])
    if not ids:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        text = str(text)[:500]
    rows = [
        Notification(recipient_id=pk, kind=kind, text=text, url=url[:500], key=key)
        for pk in sorted(ids)
    ]
    if key:
        taken = set(
            Notification.objects.filter(recipient_id__in=ids, key=key).values_list(
                "recipient_id", flat=True
            )
        )
        rows = [r for r in rows if r.recipient_id not in taken]
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(key))
    return len(rows)


def comment_added(comment, *, unit, what: str, url: str) -> int:
    """A comment on a unit's work: its head and team hear of it, and so does everyone who
    commented on the same thing before (the coach who asked hears the answer)."""
    from django.utils.text import Truncator

    earlier = set(
        type(comment)
        .objects.filter(target_type=comment.target_type_id, target_id=comment.target_id)
        .exclude(author=None)
        .values_list("author_id", flat=True)
    )
    author = comment.author
    with translation.override(settings.LANGUAGE_CODE):
        text = _("%(who)s commented on %(what)s: “%(text)s”") % {
            "who": (author.get_full_name() or author.get_username()) if author else "?",
            "what": what,
            "text": Truncator(comment.text).chars(200),
        }
    return notify(
        unit_people(unit) | earlier,
        kind=Notification.Kind.COMMENT,
        text=text,
        url=url,
        actor=author,
    )


def _own(acting_user, ids):
    """The acting user's notifications with these ids; refused unless every id is theirs."""
    try:
        wanted = {int(i) for i in ids}
    except (TypeError, ValueError):
        raise ActionError(_("Choose notifications by their number."), field="ids") from None
    if not wanted:
        raise ActionError(_("Choose the notifications to mark as read."), field="ids")
    qs = Notification.objects.filter(recipient=acting_user, pk__in=wanted)
    if qs.count() != len(wanted):
        raise NotAllowed(_("You may only mark your own notifications as read."))
    return qs


@transaction.atomic
def mark_read(*, acting_user, ids=None, every: bool = False) -> int:
    """Mark some of one's own notifications read (``ids``), or all of them (``every``).
    A number that is not one's own refuses the whole request and changes nothing."""
    if not getattr(acting_user, "pk", None):
        raise NotAllowed(_("Log in to see your notifications."))
    qs = (
        Notification.objects.filter(recipient=acting_user)
        if every
        else _own(acting_user, ids or [])
    )
    return qs.filter(read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def set_daily_digest(*, acting_user, user: User, enabled: bool) -> User:
    if getattr(acting_user, "pk", None) != user.pk:
        raise NotAllowed(_("Only the account's owner chooses its e-mails."))
    if user.daily_digest != enabled:
        user.daily_digest = enabled
        user.save(update_fields=["daily_digest"])
        record_event(
            acting_user=acting_user,
            action="person.digest_changed",
            obj=user,
            details={"daily_digest": enabled},
        )
    return user


def _start_of_today(now) -> datetime.datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def send_digests(*, now: datetime.datetime | None = None) -> int:
    """E-mail each person who wants the daily digest the notifications they have not read
    that came since their last digest. Once a day per person: a person is claimed by a
    conditional update before the e-mail goes, so a second run the same day (or two
    workers at once) sends nothing more. Answers how many e-mails were sent."""
    now = now or timezone.now()
    today = _start_of_today(now)
    waiting = Notification.objects.filter(
        recipient=OuterRef("pk"), read_at__isnull=True, created_at__lte=now
    ).filter(
        Q(created_at__gt=OuterRef("last_digest_at")) | Q(recipient__last_digest_at__isnull=True)
    )
    due = (
        User.objects.filter(is_active=True, daily_digest=True)
        .exclude(email__isnull=True)
        .exclude(email="")
        # Addresses under .invalid (the demo accounts') can never be delivered.
        .exclude(email__iendswith=".invalid")
        .filter(Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=today))
        .filter(Exists(waiting))
    )
    sent = 0
    for user in due:
        previous = user.last_digest_at
        claimed = (
            User.objects.filter(pk=user.pk, last_digest_at=previous).update(last_digest_at=now)
            if previous is not None
            else User.objects.filter(pk=user.pk, last_digest_at__isnull=True).update(
                last_digest_at=now
            )
        )
        if not claimed:
            continue  # another run took this person meanwhile
        items = Notification.objects.filter(
            recipient=user, read_at__isnull=True, created_at__lte=now
        )
        if previous is not None:
            items = items.filter(created_at__gt=previous)
        items = list(items.order_by("created_at", "id")[:100])
        with translation.override(settings.LANGUAGE_CODE):
            context = {"user": user, "items": items, "site": settings.LABINOV_SITE_URL}
            subject = render_to_string("accounts/email/digest_subject.txt", context).strip()
            body = render_to_string("accounts/email/digest.txt", context)
        try:
            send_mail(subject, body, None, [user.email])
        except Exception:  # one refused address must not stop everyone else's digest
            log.exception("daily digest to user %s failed", user.pk)
            continue
        sent += 1
    log.info("daily digest: %d e-mails sent", sent)
    return sent


def digest_is_due(now: datetime.datetime | None = None) -> bool:
    """Whether the scheduler should send today's digests now (after ``DIGEST_HOUR``)."""
    return timezone.localtime(now or timezone.now()).hour >= DIGEST_HOUR
