from django import forms
from django.utils.translation import gettext_lazy as _

from labinov.accounts.models import Role
from labinov.regions.models import Region, Unit


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["code", "name", "kind", "province"]


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "head_name", "head_position"]


class InviteForm(forms.Form):
    """Give a person a role in the region; a new person gets an e-mail to set a password."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail address"))
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"))
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Required for a unit head or team member."),
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(region=region)
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r != Role.PLATFORM_ADMIN]
