"""A parameter of one value given twice is a 400, not its last value; an instant before 1970 is a 400, not an offset ISO 8601 cannot write."""

import pytest

from tests.factories import TicketFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_filter_given_twice_is_refused_naming_it(api, manager):
    response = api(manager).get("/api/v1/surveys/responses/?customer=5&customer=", **EN)
    assert response.status_code == 400 and response.json() == {"customer": ["Give this parameter once."]}
    assert api(manager).get("/api/v1/surveys/responses/?customer=5", **EN).status_code == 200


def test_a_filter_of_several_values_still_takes_them(api, manager):
    assert api(manager).get("/api/v1/tickets/?status=new&status=open").status_code == 200


def test_a_query_serializer_parameter_given_twice_is_refused(api, supervisor, team):
    response = api(supervisor).get(f"/api/v1/kpi/summary/?team={team.pk}&team={team.pk}", **EN)
    assert response.status_code == 400 and response.json()["team"] == ["Give this parameter once."]


@pytest.mark.parametrize("due_at", ["0218-02-27T15:40:47-13:43", "1900-01-01T00:00:00+08:00"])
def test_an_instant_before_1970_is_refused(api, agent, team, due_at):
    ticket = TicketFactory(team=team)
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/tasks/", {"title": "核实物流", "department": "logistics",
                                                                      "due_at": due_at}, format="json", **EN)
    assert response.status_code == 400 and response.json() == {"due_at": ["Enter a date and time between the years 1970 and 9999."]}


def test_an_instant_in_range_reads_back_with_its_offset(api, agent, team):
    ticket = TicketFactory(team=team)
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/tasks/", {"title": "核实物流", "department": "logistics",
                                                                      "due_at": "2027-01-04T09:00:00Z"}, format="json")
    assert response.status_code == 201 and response.json()["due_at"] == "2027-01-04T17:00:00+08:00"


@pytest.mark.parametrize("due_at", [{}, 12, ["2027-01-04T09:00:00Z"]])
def test_an_instant_that_is_not_a_string_is_a_field_error(api, agent, team, due_at):
    ticket = TicketFactory(team=team)
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/tasks/", {"title": "核实物流", "department": "logistics",
                                                                      "due_at": due_at}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["due_at"]
