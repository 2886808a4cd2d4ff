#!/usr/bin/env python
"""Run Django administrative tasks."""
import os
import sys


def main():
    """Run the command line utility with the helpdesk settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
