"""How the gates of design, deliver, display and documentation are checked for an innovation.

Registered under the subject kind "innovation" with ``labinov.lab.stages.register_requirement``
when the app loads, under the keys that the lab's stage declaration names.
"""

from django.utils.translation import gettext_lazy as _

from labinov.innovations.models import DESIGN_MIN_WORDS
from labinov.lab.stages import register_requirement


def design_described(innovation) -> bool:
    return innovation.design_words >= DESIGN_MIN_WORDS


def action_plan(innovation) -> bool:
    return innovation.milestones.exists() and innovation.service_measures.exists()


def trial_reported(innovation) -> bool:
    from labinov.innovations.models import Evidence

    return (
        innovation.trial_date is not None
        and Evidence.objects.filter(milestone__innovation=innovation).exists()
    )


def results_measured(innovation) -> bool:
    return innovation.service_measures.filter(actual__isnull=False).exists()


def launched(innovation) -> bool:
    return (
        innovation.launch_date is not None
        and bool(innovation.public_summary.strip())
        and innovation.photos.exists()
    )


def profile_written(innovation) -> bool:
    return all(
        (getattr(innovation, f) or "").strip() for f in ("aims", "benefits", "expected_results")
    )


def register() -> None:
    for key, label, check in (
        (
            "design_described",
            _("The design (rancang bangun) has at least 300 words"),
            design_described,
        ),
        (
            "action_plan",
            _("The action plan has a milestone and a service target"),
            action_plan,
        ),
        (
            "trial_reported",
            _("The trial date is set and a milestone has evidence"),
            trial_reported,
        ),
        ("results_measured", _("An actual service measure is recorded"), results_measured),
        (
            "launched",
            _("The launch is recorded and the public summary has a photo"),
            launched,
        ),
        ("profile_written", _("The aims, benefits and results are written"), profile_written),
    ):
        register_requirement("innovation", key, label, check)
