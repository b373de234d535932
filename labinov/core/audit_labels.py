"""Readable names of audit actions. Each app declares the actions it records in
``AUDIT_ACTIONS`` of its ``actions`` module (a dict of code → translated label); this
module gathers them, so the audit trail reads as sentences, not codes."""

from functools import cache
from importlib import import_module

from django.apps import apps


@cache
def audit_action_labels() -> dict:
    labels = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("labinov."):
            continue
        try:
            module = import_module(f"{config.name}.actions")
        except ModuleNotFoundError:
            continue
        labels.update(getattr(module, "AUDIT_ACTIONS", {}))
    return labels


def audit_action_label(code: str) -> str:
    return str(audit_action_labels().get(code, code))
