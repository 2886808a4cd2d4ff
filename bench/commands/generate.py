"""Bulk-insert realistic volumes (customers, tickets, messages) into the configured database."""

from bench.commands.run import progress
from bench.generators.tickets import generate
from helpdesk.demo import demo_users_load

HELP = "Bulk-insert realistic volumes (customers, tickets, messages) for benchmarks."


def add_arguments(parser):
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--messages-per-ticket", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)


def main(args) -> int:
    demo_users_load()
    result = generate(customers=args.customers, tickets=args.tickets, messages_per_ticket=args.messages_per_ticket,
                      seed=args.seed, progress=progress)
    print(f"\nGenerated {result['customers']} customers, {result['tickets']} tickets, {result['messages']} messages.")
    return 0
