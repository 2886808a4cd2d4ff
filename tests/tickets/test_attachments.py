"""Ticket attachments are served only to someone who may see the ticket, never from a public media URL."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver
from rest_framework.test import APIClient

from helpdesk.roles import Role
from tests.factories import TicketFactory, UserFactory
from tickets import services
from tickets.models import Attachment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n<html><script>alert(1)</script>"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _attach(ticket, actor, name, content):
    return services.ticket_attachment_add(ticket=ticket, actor=actor, upload=SimpleUploadedFile(name, content))


@pytest.fixture
def ticket(team):
    return TicketFactory(team=team)


@pytest.fixture
def stranger(other_team):
    return UserFactory(username="t-other-agent", role=Role.AGENT, teams=[other_team])


def test_image_is_served_inline_to_an_agent_of_the_team(client_for, agent, ticket):
    attachment = _attach(ticket, agent, "photo.png", PNG)
    response = client_for(agent).get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_pdf_is_a_download_not_rendered(client_for, agent, ticket):
    attachment = _attach(ticket, agent, "invoice.pdf", PDF)
    response = client_for(agent).get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="invoice.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_unknown_stored_type_is_an_octet_stream_download(client_for, agent, ticket):
    attachment = _attach(ticket, agent, "photo.png", PNG)
    Attachment.objects.filter(pk=attachment.pk).update(content_type="text/html")
    response = client_for(agent).get(f"/attachments/{attachment.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_another_teams_agent_gets_404(client_for, agent, stranger, ticket):
    attachment = _attach(ticket, agent, "photo.png", PNG)
    assert client_for(stranger).get(f"/attachments/{attachment.pk}/").status_code == 404


def test_anonymous_is_sent_to_login(client, agent, ticket):
    attachment = _attach(ticket, agent, "photo.png", PNG)
    response = client.get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_missing_attachment_is_404(client_for, agent):
    assert client_for(agent).get("/attachments/999999999/").status_code == 404


def test_media_url_does_not_serve_the_file(client_for, client, agent, ticket):
    attachment = _attach(ticket, agent, "photo.png", PNG)
    path = "/" + settings.MEDIA_URL.strip("/") + "/" + attachment.file.name
    assert client.get(path).status_code == 404
    assert client_for(agent).get(path).status_code == 404


def test_no_url_pattern_or_static_root_serves_media():
    prefix = settings.MEDIA_URL.strip("/")
    assert not any(str(pattern.pattern).startswith(prefix) for pattern in get_resolver().url_patterns)
    assert getattr(settings, "WHITENOISE_ROOT", None) in (None, "")
    assert str(settings.STATIC_ROOT) != str(settings.MEDIA_ROOT)
    assert not any(str(settings.MEDIA_ROOT).startswith(str(d)) for d in settings.STATICFILES_DIRS)


def test_ticket_page_links_to_the_checked_view(client_for, agent, ticket):
    services.ticket_message_add(ticket=ticket, actor=agent, body="请看附件", sender="agent",
                                attachments=[SimpleUploadedFile("a.png", PNG)])
    attachment = Attachment.objects.get(ticket=ticket)
    html = client_for(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert f'href="/attachments/{attachment.pk}/"' in html
    assert settings.MEDIA_URL not in html


def test_api_serves_through_the_ticket_and_hides_other_teams(agent, stranger, ticket):
    attachment = _attach(ticket, agent, "invoice.pdf", PDF)
    api = APIClient()
    api.force_authenticate(agent)
    listed = api.get(f"/api/v1/tickets/{ticket.pk}/attachments/").json()
    assert listed[0]["url"].endswith(f"/api/v1/tickets/{ticket.pk}/attachments/{attachment.pk}/")
    response = api.get(listed[0]["url"])
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    api.force_authenticate(stranger)
    assert api.get(f"/api/v1/tickets/{ticket.pk}/attachments/{attachment.pk}/").status_code == 404
    api.force_authenticate(None)
    assert api.get(f"/api/v1/tickets/{ticket.pk}/attachments/{attachment.pk}/").status_code in (401, 403)


def test_api_attachment_of_another_ticket_is_404(agent, team, ticket):
    other = TicketFactory(team=team)
    attachment = _attach(other, agent, "photo.png", PNG)
    api = APIClient()
    api.force_authenticate(agent)
    assert api.get(f"/api/v1/tickets/{ticket.pk}/attachments/{attachment.pk}/").status_code == 404


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("发票.docx", b"PK\x03\x04" + b"\x00" * 40, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("对账.xlsx", b"PK\x03\x04" + b"\x00" * 40, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("照片.zip", b"PK\x03\x04" + b"\x00" * 40, "application/zip"),
    ("旧合同.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "application/msword"),
    ("说明.txt", "快递单号 SF1234567890".encode(), "text/plain"),
    ("订单.csv", b"number,total\nDD1,99.00\n", "text/csv"),
    ("转发.eml", b"From: a@example.com\r\nSubject: hi\r\n\r\nhi", "message/rfc822"),
])
def test_what_shops_receive_is_kept_and_downloaded_never_shown(client_for, agent, ticket, name, content, content_type):
    attachment = _attach(ticket, agent, name, content)
    assert attachment.content_type == content_type
    response = client_for(agent).get(f"/attachments/{attachment.pk}/")
    assert response["Content-Type"] == content_type and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(("name", "content"), [
    ("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 40),  # a Windows program whatever its name says
    ("setup.msi", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40),  # an OLE store, but an installer
    ("run.sh", b"#!/bin/sh\nrm -rf /\n"),
    ("readme.txt", b"\x7fELF\x02\x01\x01"),
    ("track.js", b"alert(1)"),
    ("a.docx.exe", b"PK\x03\x04" + b"\x00" * 40),
    ("unknown.bin.zip.rar", b"Rar!\x1a\x07\x00"),
])
def test_programs_scripts_and_unknown_files_are_refused_with_a_reason(agent, ticket, name, content):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        _attach(ticket, agent, name, content)
    assert refused.value.message_dict["file"]
    assert not Attachment.objects.exists()
