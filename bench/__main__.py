"""``python -m bench COMMAND``: the benchmark commands, with production settings unless the environment says otherwise.

    run               time the cases on generated data (``make bench``)
    chat              live chat under load (``make bench-chat``)
    live              the live workspace streams under load (``make bench-live``)
    load              agents at work and live chats at once (``make bench-load``)
    compare           compare saved results files before and after a change
    rival             django-helpdesk's timed rows into the results, set against ours (``make bench-rival``)
    generate          bulk-insert customers, tickets and messages
    orders            order import, returns, upsert and webhook rates over HTTP
    customer-import   the customer import of a generated GBK CSV
    followup-sweep    the follow-up sweep over a million delivered orders
    sla-breach-delay  how late breaches are recorded with the real beat and a worker
"""

import argparse
import importlib
import os
import sys

COMMANDS = {"run": "run", "chat": "chat", "live": "live", "load": "load", "compare": "compare", "rival": "rival", "generate": "generate", "orders": "orders",
            "customer-import": "customer_import", "followup-sweep": "followup_sweep",
            "sla-breach-delay": "sla_breach_delay"}
# Production settings (DEBUG off): what the figures are about. The test client's host and the local servers' are allowed.
PRODUCTION = {"DJANGO_SETTINGS_MODULE": "helpdesk.settings", "DJANGO_DEBUG": "0",
              "DJANGO_SECRET_KEY": "bench-only-not-a-secret", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
              "DJANGO_SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "WARNING"}


def parser_build() -> argparse.ArgumentParser:
    """Return the parser of every command (Django set up already: the commands import models)."""
    parser = argparse.ArgumentParser(prog="python -m bench",
                                     description="The benchmark commands, with production settings unless the environment says otherwise.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(f"bench.commands.{module_name}")
        command = commands.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(main=module.main)
    return parser


def main(argv: list[str] | None = None) -> int:
    for name, value in PRODUCTION.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()
    args = parser_build().parse_args(argv)
    return args.main(args)


if __name__ == "__main__":
    sys.exit(main())
