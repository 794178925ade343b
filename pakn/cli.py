"""The `pakn` command: Django's manage.py under the project's name (pakn migrate, pakn sweep, ...)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pakn.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # Module names cannot hold dashes: `pakn import-areas` runs the import_areas command.
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
