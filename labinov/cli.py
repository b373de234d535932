"""The ``labinov`` console script: Django's management commands under one name, as
``sentry`` or ``label-studio`` do. ``labinov import-library`` runs the management command
``import_library``; any other Django command passes through unchanged."""

import os
import sys

#: The commands a person is most likely to want, shown first by ``labinov --help``.
#: A command listed here but not installed (a later feature) is left out of the help.
FEATURED = [
    "serve",
    "migrate",
    "demo",
    "import-library",
    "export-library",
    "search",
    "harvest",
    "score",
    "send-digests",
    "notify-overdue",
    "backup",
    "restore",
    "createsuperuser",
]


def _command_name(name: str) -> str:
    return name.replace("-", "_")


def _print_help() -> None:
    from django.core.management import get_commands, load_command_class

    commands = get_commands()
    print("usage: labinov COMMAND [options]    (labinov COMMAND --help for its options)\n")
    print("Labinov commands:")
    for name in FEATURED:
        command = _command_name(name)
        if command in commands:
            help_text = load_command_class(commands[command], command).help.strip().splitlines()
            print(f"  {name:<16} {help_text[0] if help_text else ''}")
    others = sorted(c for c in commands if c.replace("_", "-") not in FEATURED)
    print("\nEvery other Django management command works too:")
    print("  " + ", ".join(others))


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labinov.settings")
    import django

    args = list(sys.argv[1:] if argv is None else argv)
    django.setup()
    if not args or args[0] in ("-h", "--help", "help"):
        _print_help()
        return
    if args[0] in ("--version", "version"):
        from importlib.metadata import version

        print(version("labinov"))
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["labinov", _command_name(args[0]), *args[1:]])


if __name__ == "__main__":
    main()
