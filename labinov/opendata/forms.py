from django import forms
from django.utils.translation import gettext_lazy as _

from labinov.opendata.models import LICENCE_CHOICES


class FeedForm(forms.Form):
    url = forms.CharField(
        label=_("Address of the other installation"),
        max_length=500,
        help_text=_("For example https://labinov.example.go.id (its open feed is found there)."),
    )
    name = forms.CharField(label=_("Name of the installation"), max_length=200, required=False)
    interval_minutes = forms.IntegerField(
        label=_("Harvest every (minutes)"), min_value=5, max_value=60 * 24 * 30, initial=60
    )


class LicenceForm(forms.Form):
    licence = forms.ChoiceField(
        label=_("Licence of the region's open data"), choices=LICENCE_CHOICES
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the innovation withdrawn?"), max_length=2000, widget=forms.Textarea
    )
