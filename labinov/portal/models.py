"""Citizens' proposals (PP 38/2017 lets the public initiate innovations).

A proposal is filed without an account. Its ``token`` is the proposer's only key to its
status page; the proposer's name and contact are read by the region's moderators only.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Proposal(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, waiting for the coordinator")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Not taken up")
        SPAM = "spam", _("Marked as spam")
        IDEA = "idea", _("Passed to a unit as an idea")

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    name = models.CharField(_("your name"), max_length=200, blank=True)
    contact = models.CharField(_("e-mail or phone"), max_length=200, blank=True)
    service = models.CharField(_("the public service concerned"), max_length=250)
    problem = models.TextField(_("the problem of the service"))
    idea = models.TextField(_("your proposed idea"))
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    lab_idea = models.ForeignKey(
        "lab.Idea",
        verbose_name=_("idea"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("citizen's proposal")
        verbose_name_plural = _("citizens' proposals")

    def __str__(self):
        return self.service

    def get_status_url(self) -> str:
        return reverse("portal:proposal_status", kwargs={"token": self.token})

    @property
    def is_open(self) -> bool:
        """Still to be decided, or accepted and not yet passed to a unit."""
        return self.status in (self.Status.RECEIVED, self.Status.ACCEPTED)
