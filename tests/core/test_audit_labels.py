import re
from pathlib import Path

import pytest
from django.core.management import call_command

from labinov.core.audit_labels import audit_action_labels
from labinov.core.models import AuditEvent

PACKAGE = Path(__file__).resolve().parents[2] / "labinov"


def recorded_actions() -> set[str]:
    """Every audit action code the code base records."""
    # action="app.thing.done", or a helper called as _event(acting_user, "app.thing.done", ...)
    pattern = re.compile(r'(?:action=|_event\(\s*\w+,\s*)"([a-z_]+(?:\.[a-z_]+)+)"')
    return {m for p in PACKAGE.rglob("*.py") for m in pattern.findall(p.read_text())}


def test_every_recorded_action_has_a_readable_label():
    actions = recorded_actions()
    assert "unit.updated" in actions  # the scan finds what it should
    missing = sorted(actions - set(audit_action_labels()))
    assert not missing, f"add these to AUDIT_ACTIONS of their app's actions module: {missing}"


@pytest.mark.django_db
def test_every_action_the_demo_records_has_a_label():
    """Catches codes built at run time (e.g. one per gate outcome) that the scan cannot."""
    call_command("demo")
    recorded = set(AuditEvent.objects.values_list("action", flat=True))
    assert len(recorded) > 5
    missing = sorted(recorded - set(audit_action_labels()))
    assert not missing, f"add these to AUDIT_ACTIONS of their app's actions module: {missing}"
