"""Every page a role may open reads in Chinese: no untranslated message of the project, no raw key, no English filler.

The pages are the permission matrix's (tests/permissions/matrix.py): every GET it declares a 200 for the
role, with its arguments, plus detail pages of the demo data and, for admins, the changelist and add page
of every model of the project in Django admin. docs/testing.md#the-zh-hans-sweep says how to fix a finding.
"""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from tests.i18n.catalogues import message_pattern, untranslated_messages
from tests.i18n.visible_text import visible_texts
from tests.permissions.matrix import ENDPOINTS, PAGE
from tests.permissions.world import ADMIN, AGENT_OWN, MANAGER, SUPERVISOR_OWN

ROLES = (AGENT_OWN, SUPERVISOR_OWN, MANAGER, ADMIN)
FILLERS = {
    "a select's empty choice": re.compile(r"-{5,}"),
    "a widget's English empty label": re.compile(r"Select an option"),
    "raw seconds": re.compile(r"(?<![A-Za-z0-9_.])\d+ ?s(?![A-Za-z])"),
    "a Python value": re.compile(r"(?<![A-Za-z])(None|True|False)(?![A-Za-z])"),
}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-Hans"}
NOT_PAGES = {"chat:agent_stream", "chat:customer_stream"}  # event streams, open until the client leaves


def _project_apps() -> set[str]:
    base = str(settings.BASE_DIR)
    return {config.label for config in apps.get_app_configs() if config.path.startswith(base) and ".venv" not in config.path}


def _choices_classes(cls=models.Choices):
    for sub in cls.__subclasses__():
        yield sub
        yield from _choices_classes(sub)


def raw_keys() -> dict[str, str]:
    """Return the stored values of the project's choices that differ from their Chinese label, each with its enum."""
    project = tuple(f"{label}." for label in _project_apps())
    keys = {}
    with translation.override("zh-hans"):
        for choices in _choices_classes():
            if not choices.__module__.startswith(project):
                continue
            for member in choices:
                value = member.value
                if isinstance(value, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", value) and str(member.label) != value:
                    keys[value] = choices.__qualname__
    return keys


class RawKeys:
    """Finds stored choice values in a text: one with an underscore anywhere (unmistakable inside a sentence), a plain
    word only when it is the whole text."""

    def __init__(self, keys: dict[str, str]):
        self.keys = keys
        underscored = sorted((key for key in keys if "_" in key), key=len, reverse=True)
        self.pattern = re.compile(rf"(?<![A-Za-z0-9_])({'|'.join(map(re.escape, underscored))})(?![A-Za-z0-9_])")

    def search(self, text: str) -> list[str]:
        found = [match.group(1) for match in self.pattern.finditer(text)]
        if text in self.keys and "_" not in text:
            found.append(text)
        return [f"raw key of {self.keys[key]}" for key in found]


@pytest.fixture(scope="module")
def checks():
    """Return (what, pattern) pairs a visible text must not match, and the raw keys it must not show."""
    base = Path(settings.BASE_DIR)
    found = [(f"untranslated {entry.msgid!r} ({Path(entry.source).relative_to(base)})", pattern)
             for entry in untranslated_messages()
             for text in filter(None, (entry.msgid, entry.msgid_plural))
             if (pattern := message_pattern(text))]
    return found + list(FILLERS.items()), RawKeys(raw_keys())


def matrix_pages(world, viewer: str) -> list[str]:
    """Return the URL of every page the matrix says the viewer opens with a GET (200)."""
    urls = []
    for endpoint in ENDPOINTS:
        for probe in endpoint.probes:
            if (endpoint.kind != PAGE or endpoint.name in NOT_PAGES or probe.method != "GET"
                    or probe.expected(viewer, PAGE) != 200):
                continue
            url = reverse(endpoint.name, kwargs=probe.args(world) if probe.args else None)
            urls.append(f"{url}?{urlencode(probe.query(world), doseq=True)}" if probe.query else url)
    return urls


def admin_pages(user) -> list[str]:
    """Return the changelist and add page of every model of the project the user may open in Django admin."""
    request = RequestFactory().get("/admin/")
    request.user = user
    project = _project_apps()
    return [url for app in admin.site.get_app_list(request) if app["app_label"] in project
            for model in app["models"] for url in (model.get("admin_url"), model.get("add_url")) if url]


def offences(html: str, checks) -> set[str]:
    """Return what the page shows that it should not: "what: text"."""
    patterns, keys = checks
    found = set()
    for text in visible_texts(html):
        whats = [what for what, pattern in patterns if pattern.search(text)] + keys.search(text)
        found.update(f"{what}: {text[:120]!r}" for what in whats)
    return found


@pytest.mark.parametrize("viewer", ROLES)
def test_every_page_reads_in_chinese(viewer, world, demo, checks, client, db):
    user = world.users[viewer]
    client.force_login(user)
    demo_urls = [reverse(name, args=[pk]) for name, pk in demo]
    urls = matrix_pages(world, viewer) + demo_urls + (admin_pages(user) if viewer == ADMIN else [])
    report, read, unread = [], 0, []
    for url in dict.fromkeys(urls):
        response = client.get(url, **ZH)
        if response.streaming:
            b"".join(response.streaming_content)  # a download: read to the end, which closes it as a server would
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            unread.append(url)  # a refusal is the matrix's business, unless it is a demo page the role's team sees
            continue
        read += 1
        report += [f"{url}  {offence}" for offence in sorted(offences(response.content.decode(), checks))]
    assert read >= 10, f"only {read} pages answered {viewer}"
    assert not set(demo_urls) & set(unread), f"demo pages not shown to {viewer}: {sorted(set(demo_urls) & set(unread))}"
    assert not report, f"{len(report)} findings as {viewer}:\n" + "\n".join(report)
