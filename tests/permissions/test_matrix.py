"""Every endpoint answers every viewer as the permission matrix declares (tests/permissions/matrix.py)."""

from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permissions.matrix import BY_NAME, ENDPOINTS, PAGE, encode
from tests.permissions.world import ANONYMOUS, VIEWERS


def _url_names(resolver=None, prefix="", namespace=""):
    """Yield (route, name) of every named URL, namespaces included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern, route, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield route, namespace + pattern.name


def project_url_names() -> set[str]:
    """Return the URL names of the project: Django admin and DRF's format-suffix variants left out."""
    return {name for route, name in _url_names() if not route.startswith("admin/") and "(?P<format>" not in route}


def test_every_url_name_is_declared_in_the_matrix():
    undeclared = sorted(project_url_names() - set(BY_NAME))
    assert not undeclared, f"say who may use these endpoints in tests/permissions/matrix.py: {undeclared}"


def test_the_matrix_declares_only_url_names_that_exist():
    gone = sorted(set(BY_NAME) - project_url_names())
    assert not gone, f"the matrix declares URL names that no longer exist: {gone}"


def test_the_matrix_declares_each_url_name_once():
    names = [endpoint.name for endpoint in ENDPOINTS]
    twice = sorted({name for name in names if names.count(name) > 1})
    assert not twice, f"declared more than once in tests/permissions/matrix.py: {twice}"


def _cases():
    cases = []
    for endpoint in ENDPOINTS:
        for probe in endpoint.probes:
            for viewer in VIEWERS:
                label = f".{probe.label.replace(' ', '_')}" if probe.label else ""
                case_id = f"{endpoint.name}{label}-{probe.method}-{viewer}"
                marks = ()
                if viewer in probe.holes:
                    hole = probe.holes[viewer]
                    marks = (pytest.mark.xfail(strict=True, raises=AssertionError,
                                               reason=f"{hole.rule} (answers {hole.today} today)"),)
                # Each case comes from an address of its own: rate limits per address stay out of the answer.
                address = f"10.{len(cases) >> 16 & 255}.{len(cases) >> 8 & 255}.{len(cases) & 255}"
                cases.append(pytest.param(endpoint, probe, viewer, address, id=case_id, marks=marks))
    return cases


def _request(client, world, endpoint, probe, viewer, address):
    client.raise_request_exception = False  # a server error is an answer like any other
    url = reverse(endpoint.name, kwargs=probe.args(world) if probe.args else None)
    if probe.query:
        url = f"{url}?{urlencode(probe.query(world), doseq=True)}"
    body, content_type = encode(probe, endpoint.kind, probe.data(world) if probe.data else None)
    headers = dict(probe.headers(world, body if isinstance(body, bytes) else b"")) if probe.headers else {}
    if viewer != ANONYMOUS:
        if endpoint.kind == PAGE:
            client.force_login(world.users[viewer])
        else:
            headers["Authorization"] = f"Token {world.tokens[viewer]}"
    if content_type is not None:
        return client.generic(probe.method, url, body, content_type=content_type, headers=headers, REMOTE_ADDR=address)
    send = getattr(client, probe.method.lower())
    if body is None:
        return send(url, headers=headers, REMOTE_ADDR=address)
    return send(url, body, headers=headers, REMOTE_ADDR=address)


def _excerpt(response) -> str:
    if response.streaming:
        return "(a stream)"
    return response.content[:300].decode(errors="replace")


@pytest.mark.parametrize(("endpoint", "probe", "viewer", "address"), _cases())
def test_each_viewer_gets_the_declared_answer(endpoint, probe, viewer, address, world, client, db):
    response = _request(client, world, endpoint, probe, viewer, address)
    try:
        expected = probe.expected(viewer, endpoint.kind)
        allowed = expected if isinstance(expected, frozenset) else {expected}
        hole = probe.holes.get(viewer)
        if hole and response.status_code not in allowed | {hole.today}:
            pytest.fail(f"{probe.method} {endpoint.name} as {viewer} answers {response.status_code}: neither the "
                        f"rule's {sorted(allowed)} nor the {hole.today} the matrix records for the known hole")
        assert response.status_code in allowed, (
            f"{probe.method} {endpoint.name}{f' ({probe.label})' if probe.label else ''} as {viewer}: "
            f"expected {sorted(allowed)}, got {response.status_code}: {_excerpt(response)}")
        if probe.hidden and viewer not in probe.hidden[1] and not response.streaming:
            secret = getattr(world, probe.hidden[0])
            assert secret not in response.content.decode(errors="replace"), (
                f"{endpoint.name} shows {probe.hidden[0]} to {viewer}")
    finally:
        response.close()

