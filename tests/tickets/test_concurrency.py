import threading

import pytest
from django.db import connections

from helpdesk.roles import Role
from tests.factories import CustomerFactory, TeamFactory, TicketFactory, UserFactory
from tickets.services import ClaimConflict, ticket_claim, ticket_create

def run_parallel(count, work):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def runner(i):
        try:
            barrier.wait()
            results.append(work(i))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_creations_get_fifty_distinct_numbers():
    team, customer = TeamFactory(), CustomerFactory()
    results, errors = run_parallel(50, lambda i: ticket_create(actor=None, customer=customer, team=team, subject=f"并发{i}").number)
    assert errors == []
    assert len(set(results)) == 50


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_claims_yield_one_owner():
    team = TeamFactory()
    agents = [UserFactory(role=Role.AGENT, teams=[team]) for _ in range(2)]
    ticket = TicketFactory(team=team)
    results, errors = run_parallel(2, lambda i: ticket_claim(ticket=ticket, actor=agents[i]).assignee_id)
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], ClaimConflict)
    ticket.refresh_from_db()
    assert ticket.assignee_id == results[0]
