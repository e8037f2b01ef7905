"""The access matrix: every route (the API, the staff pages, the admin) × every caller, each
answer written out below and in tests/access/matrix_pages.py.

The objects belong to Almaty; ``specialist`` and ``head`` are Almaty's, ``*_71`` Astana's.
Each request runs in its own savepoint, so a write allowed in one cell leaves the next cell
the same world (a logout ends a session of its own). A pattern without its row fails
``test_every_pattern_has_a_row``.
Statuses: 200/201/204 answered, 302 sent to the login (pages) or back (admin), 400 the input
is wrong (so the caller got past access), 401 not authenticated, 403 refused, 404 no such
object or not the caller's, 405 method, 409 state, 422 refused by a rule.
"""

import re
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver

from tests.access.matrix_pages import ADMIN, PAGES
from tests.access.matrix_world import CALLERS, World, world_build

pytestmark = pytest.mark.django_db


def _routes(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


# Where a route's parameters come from (the first match wins).
_PARAMETERS = [
    (
        r"cases/<uuid:uuid>/award-decisions/<uuid:decision>",
        "cases/{case}/award-decisions/{decision}",
    ),
    (r"award-decisions/<uuid:uuid>", "award-decisions/{decision}"),
    (r"(applications|cases)/<uuid:uuid>", r"\1/{case}"),
    (r"awards/<uuid:uuid>", "awards/{award}"),
    (r"documents/<uuid:uuid>", "documents/{document}"),
    (r"<uuid:uuid>", "{missing}"),
    (r"<str:iin>", "{iin}"),
    (r"<str:idn>", "{idn}"),
    (r"<int:award_id>", "{award_id}"),
    (r"<str:period>", "2025-01"),
    (r"<slug:table>", "coverage"),
    (r"<slug:slug>\.<str:fmt>", "coverage.csv"),
    (r"<(int|path|str):[a-z_]+>", "0"),
    (r"<id>", "0"),
    (r"\^\(\?P<app_label>[^$]*\$", "participants/"),
    (r"\^\(\[\^/\]\+\)/history/\(\[\^/\]\+\)/\$", "0/history/0/"),
    (r"\(\?P<url>\.\*\)\$", "nowhere/"),
]


def concrete(route: str, ids: dict) -> str:
    path = route
    for pattern, replacement in _PARAMETERS:
        path = re.sub(pattern, replacement, path)
    return "/" + path.format(**ids)


# route -> (method, one status per caller in CALLERS' order):
# anonymous, outsider, outsider_flagged, specialist, specialist_71, head, head_71, analyst, refunds, admin, then
# the partner scopes payments, applications, calculate, registry.read, statements, reports,
# refunds, payouts and the three life_events scopes (death, employment, disability).
TABLE: dict[str, tuple[str, str]] = {
    "api/docs/": (
        "GET",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    "api/schema/": (
        "GET",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    "api/v1/applications/": (
        "POST",
        "401 403 403 403 403 403 403 403 403 403 403 400 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/applications/<uuid:uuid>/": (
        "GET",
        "401 403 403 200 404 200 404 200 403 200 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/applications/<uuid:uuid>/assign": (
        "POST",
        "401 403 403 200 404 200 404 403 403 403 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/applications/<uuid:uuid>/confirm": (
        "POST",
        "401 403 403 403 404 409 404 403 403 403 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/applications/<uuid:uuid>/decline": (
        "POST",
        "401 403 403 400 400 400 400 400 403 400 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/applications/<uuid:uuid>/refuse": (
        "POST",
        "401 403 403 400 400 400 400 400 403 400 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/applications/<uuid:uuid>/return": (
        "POST",
        "401 403 403 400 400 400 400 400 403 400 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/applications/<uuid:uuid>/status": (
        "GET",
        "401 403 403 200 404 200 404 200 403 200 403 404 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/applications/list": (
        "GET",
        "401 403 403 200 200 200 200 200 403 200 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/award-decisions/<uuid:uuid>/confirm": (
        "POST",
        "401 403 403 403 404 200 404 403 403 403 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/awards/": (
        "GET",
        "401 403 403 200 200 200 200 200 403 200 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/awards/<uuid:uuid>/": (
        "GET",
        "401 403 403 200 404 200 404 200 403 200 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/awards/<uuid:uuid>/months/": (
        "GET",
        "401 403 403 200 404 200 404 200 403 200 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/awards/<uuid:uuid>/recalculate": (
        "POST",
        "401 403 403 400 400 400 400 400 403 400 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/awards/<uuid:uuid>/resume": (
        "POST",
        "401 403 403 400 400 400 400 400 403 400 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/awards/<uuid:uuid>/suspend": (
        "POST",
        "401 403 403 400 400 400 400 400 403 400 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/awards/<uuid:uuid>/terminate": (
        "POST",
        "401 403 403 400 400 400 400 400 403 400 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/benefits/calculate": (
        "POST",
        "401 403 403 400 400 400 400 400 400 400 403 403 400 403 403 403 403 403 403 403 403",
    ),
    "api/v1/life-events/": (
        "POST",
        "401 403 403 403 403 403 403 403 403 403 403 403 403 403 403 403 403 403 400 400 400",
    ),
    "api/v1/offers/": (
        "POST",
        "401 403 403 403 403 403 403 403 403 403 403 400 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/offers/<uuid:uuid>/accept": (
        "POST",
        "401 403 403 403 403 403 403 403 403 403 403 404 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/payers/": (
        "GET",
        "401 403 403 200 200 200 200 200 200 200 403 403 403 200 403 403 403 403 403 403 403",
    ),
    "api/v1/payments/arrears/": (
        "GET",
        "401 403 403 200 200 200 200 200 200 200 403 403 403 200 403 403 403 403 403 403 403",
    ),
    "api/v1/payments/documents/": (
        "GET",
        "401 403 403 200 200 200 200 200 200 200 200 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/payments/documents/<uuid:uuid>/": (
        "GET",
        "401 403 403 404 404 404 404 200 200 200 404 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/payments/monitoring/": (
        "GET",
        "401 403 403 400 400 400 400 400 400 400 403 403 403 400 403 403 403 403 403 403 403",
    ),
    "api/v1/payments/mt102/": (
        "POST",
        "401 403 403 403 403 403 403 403 403 403 422 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/payments/quarantine/": (
        "GET",
        "401 403 403 200 200 200 200 200 200 200 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/payments/quarantine/<int:line_id>/correct": (
        "POST",
        "401 403 403 400 400 400 400 403 403 403 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/payouts/files/": (
        "GET",
        "401 403 403 403 403 403 403 200 403 200 403 403 403 403 403 403 403 200 403 403 403",
    ),
    "api/v1/payouts/files/<uuid:uuid>/": (
        "GET",
        "401 403 403 403 403 403 403 404 403 404 403 403 403 403 403 403 403 404 403 403 403",
    ),
    "api/v1/payouts/files/<uuid:uuid>/document": (
        "GET",
        "401 403 403 403 403 403 403 404 403 404 403 403 403 403 403 403 403 404 403 403 403",
    ),
    "api/v1/payouts/files/<uuid:uuid>/register": (
        "GET",
        "401 403 403 403 403 403 403 404 403 404 403 403 403 403 403 403 403 404 403 403 403",
    ),
    "api/v1/persons/": (
        "GET",
        "401 403 403 200 200 200 200 200 200 200 403 403 403 200 403 403 403 403 403 403 403",
    ),
    "api/v1/persons/<str:iin>/": (
        "GET",
        "401 403 403 200 404 200 404 200 200 200 403 403 403 200 403 403 403 403 403 403 403",
    ),
    "api/v1/persons/<str:iin>/statement": (
        "GET",
        "401 403 403 200 404 200 404 200 200 200 403 403 200 403 200 403 403 403 403 403 403",
    ),
    "api/v1/refunds/": (
        "POST",
        "401 403 403 403 403 403 403 403 403 403 403 403 403 403 403 403 400 403 403 403 403",
    ),
    "api/v1/refunds/<uuid:uuid>/": (
        "GET",
        "401 403 403 404 404 404 404 404 404 404 403 403 403 403 403 403 404 403 403 403 403",
    ),
    "api/v1/refunds/<uuid:uuid>/bank-return": (
        "POST",
        "401 403 403 403 403 403 403 403 404 403 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/refunds/<uuid:uuid>/confirm": (
        "POST",
        "401 403 403 403 403 403 403 403 404 403 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/refunds/<uuid:uuid>/decide": (
        "POST",
        "401 403 403 403 403 403 403 403 400 403 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/refunds/<uuid:uuid>/decline": (
        "POST",
        "401 403 403 403 403 403 403 403 404 403 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/refunds/<uuid:uuid>/status": (
        "GET",
        "401 403 403 404 404 404 404 404 404 404 403 403 403 403 403 403 404 403 403 403 403",
    ),
    "api/v1/refunds/list": (
        "GET",
        "401 403 403 200 200 200 200 200 200 200 403 403 403 403 403 403 200 403 403 403 403",
    ),
    "api/v1/refunds/orders/": (
        "POST",
        "401 403 403 403 403 403 403 403 201 403 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/refunds/orders/<uuid:uuid>/paid": (
        "POST",
        "401 403 403 403 403 403 403 403 400 403 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "api/v1/refunds/report": (
        "GET",
        "401 403 403 200 200 200 200 200 200 200 403 403 403 403 403 403 200 403 403 403 403",
    ),
    "api/v1/reports/": (
        "GET",
        "401 403 403 200 200 200 200 200 403 200 403 403 403 403 403 200 403 403 403 403 403",
    ),
    "api/v1/reports/<slug:table>/": (
        "GET",
        "401 403 403 200 200 200 200 200 403 200 403 403 403 403 403 200 403 403 403 403 403",
    ),
    "healthz": (
        "GET",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    "i18n/setlang/": (
        "GET",
        "302 302 302 302 302 302 302 302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ),
}


def _row(route: str) -> tuple[str, str] | None:
    return TABLE.get(route) or PAGES.get(route)


ALL_ROUTES = sorted(set(_routes(get_resolver().url_patterns)))
ADMIN_ROUTES = [route for route in ALL_ROUTES if route.startswith("ru/admin/")]
ROUTES = [route for route in ALL_ROUTES if route not in ADMIN_ROUTES]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    # Built once for the module inside a transaction that is rolled back at its end.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        block = transaction.atomic()
        block.__enter__()
        try:
            yield world_build()
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


def test_every_pattern_has_a_row():
    assert [route for route in ROUTES if _row(route) is None] == []
    assert [route for route in ADMIN_ROUTES if route not in ADMIN] == []


def _client(world: World, caller: str, url: str) -> Client:
    if not url.endswith("/logout/"):
        return world.clients[caller]
    # A logout ends its session: it gets a session of its own, the others keep theirs.
    client = Client(**world.clients[caller].defaults)  # a partner's token stays in its headers
    if caller in world.users:
        client.force_login(world.users[caller])
    return client


def _answer(world: World, caller: str, method: str, url: str) -> int:
    block = transaction.atomic()
    # A durable service may run inside, as it may inside any test's transaction.
    block._from_testcase = True
    with block:
        client = _client(world, caller, url)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, {}, content_type="application/json")
        transaction.set_rollback(True)
    return response.status_code


@pytest.mark.parametrize("route", ROUTES)
def test_each_caller_gets_its_answer(world, route):
    row = _row(route)
    assert row is not None, route
    method, expected = row
    url = concrete(route, world.ids)
    answers = " ".join(str(_answer(world, caller, method, url)) for caller in CALLERS)
    assert answers == expected, f"{route!r}: ({method!r}, {answers!r})"


# An admin object route opens a real object of its model: ".../<path:object_id>/change/",
# a user's password, a received file's download; a recorded version of it, its history's.
_ADMIN_OBJECT = re.compile(
    r"^ru/admin/(?P<model>[a-z_]+/[a-z_]+)/(?P<id><path:object_id>|<id>|<int:pk>)/"
)
_ADMIN_VERSION = re.compile(
    r"^ru/admin/(?P<model>[a-z_]+/[a-z_]+)/\^\(\[\^/\]\+\)/history/\(\[\^/\]\+\)/\$$"
)


def admin_concrete(route: str, world: World) -> str:
    if found := _ADMIN_VERSION.match(route):
        model = found["model"]
        return f"/ru/admin/{model}/{world.admin_pks[model]}/history/{world.admin_versions[model]}/"
    if found := _ADMIN_OBJECT.match(route):
        pk = world.admin_pks[found["model"]]
        route = route.replace(found["id"], "{admin_pk}")
        return concrete(route, {**world.ids, "admin_pk": pk})
    return concrete(route, world.ids)


def test_every_admin_object_route_opens_a_real_object(world):
    objects = [route for route in ADMIN_ROUTES if _ADMIN_OBJECT.match(route)]
    versions = [route for route in ADMIN_ROUTES if _ADMIN_VERSION.match(route)]
    # Only the admin's link to an object's own page names no model (none has such a page).
    rest = [route for route in ADMIN_ROUTES if "<path:object_id>" in route or "/history/" in route]
    assert sorted(set(rest) - set(objects) - set(versions)) == [
        "ru/admin/r/<path:content_type_id>/<path:object_id>/"
    ]
    assert {_ADMIN_OBJECT.match(route)["model"] for route in objects} == set(world.admin_pks)
    assert {_ADMIN_VERSION.match(route)["model"] for route in versions} == set(world.admin_versions)


@pytest.mark.parametrize("route", ADMIN_ROUTES)
def test_only_the_administrator_enters_the_admin(world, route):
    row = ADMIN.get(route)
    assert row is not None, route
    method, administrator, everyone_else = row
    url = admin_concrete(route, world)
    answers = {caller: str(_answer(world, caller, method, url)) for caller in CALLERS}
    assert answers.pop("admin") == administrator, route
    assert set(answers.values()) == {everyone_else}, (route, answers)
