"""How the gates of design, deliver, display and documentation are checked for an innovation.

Registered under the subject kind "innovation" with ``labinov.lab.stages.register_requirement``
when the app loads, under the keys that the lab's stage declaration names. Each check
answers what is missing, one ``Shortfall`` per object concerned (the innovation, a step of
its action plan, a service measure), so that a refusal names them.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labinov.innovations.models import DESIGN_MIN_WORDS
from labinov.lab.stages import Shortfall, register_requirement


def _about(innovation, label, **names) -> list[Shortfall]:
    """A shortfall of the innovation as a whole, naming it."""
    return [
        Shortfall.of(label % {"name": innovation.name, **names}, innovation, name=innovation.name)
    ]


def design_described(innovation) -> list[Shortfall]:
    words = innovation.design_words
    if words >= DESIGN_MIN_WORDS:
        return []
    return _about(
        innovation,
        _("The design of '%(name)s' has %(words)d of the %(min)d words it needs"),
        words=words,
        min=DESIGN_MIN_WORDS,
    )


def action_plan(innovation) -> list[Shortfall]:
    missing = []
    if not innovation.milestones.exists():
        missing += _about(innovation, _("The action plan of '%(name)s' has no step yet"))
    if not innovation.service_measures.exists():
        missing += _about(innovation, _("'%(name)s' has no service target yet"))
    return missing


def trial_reported(innovation) -> list[Shortfall]:
    from labinov.innovations.models import Evidence

    missing = []
    if innovation.trial_date is None:
        missing += _about(innovation, _("The trial date of '%(name)s' is not set yet"))
    if not Evidence.objects.filter(milestone__innovation=innovation).exists():
        steps = list(innovation.milestones.all())
        if not steps:
            missing += _about(innovation, _("The action plan of '%(name)s' has no step yet"))
        missing += [
            Shortfall.of(
                _("The step '%(step)s' has no evidence of progress yet") % {"step": m.title},
                m,
                name=m.title,
            )
            for m in steps
        ]
    return missing


def results_measured(innovation) -> list[Shortfall]:
    measures = list(innovation.service_measures.all())
    if any(m.actual is not None for m in measures):
        return []
    if not measures:
        return _about(innovation, _("'%(name)s' has no service target yet"))
    return [
        Shortfall.of(
            _("The service measure '%(measure)s' has no actual value yet")
            % {"measure": m.get_measure_display()},
            m,
            kind="service_measure",
            name=str(m.get_measure_display()),
        )
        for m in measures
    ]


def launched(innovation) -> list[Shortfall]:
    missing = []
    if innovation.launch_date is None:
        missing += _about(innovation, _("The launch date of '%(name)s' is not recorded yet"))
    if not innovation.public_summary.strip():
        missing += _about(innovation, _("'%(name)s' has no public summary yet"))
    if not innovation.photos.exists():
        missing += _about(innovation, _("'%(name)s' has no photo yet"))
    return missing


PROFILE_FIELDS = (
    ("aims", gettext_lazy("The aims of '%(name)s' are not written yet")),
    ("benefits", gettext_lazy("The benefits of '%(name)s' are not written yet")),
    ("expected_results", gettext_lazy("The results of '%(name)s' are not written yet")),
)


def profile_written(innovation) -> list[Shortfall]:
    return [
        shortfall
        for field, label in PROFILE_FIELDS
        if not (getattr(innovation, field) or "").strip()
        for shortfall in _about(innovation, str(label))
    ]


def register() -> None:
    _ = gettext_lazy
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
