class SystemActor:
    """The acting user of work started on the server itself: a CLI command, the demo
    loader, an import. It may do what a platform administrator may, and the audit trail
    names it by its label (e.g. "cli: labinov demo")."""

    pk = None
    id = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    is_anonymous = False

    def __init__(self, label: str = "sistem"):
        self.label = label

    def get_username(self) -> str:
        return self.label

    def get_full_name(self) -> str:
        return self.label

    def __str__(self) -> str:
        return self.label
