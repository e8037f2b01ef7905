"""/api/schema/ is generated once per process for each language and format: the answer kept
is the same bytes, with the same headers, as drf-spectacular's own view generates each time."""

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

from gfss.api import schema_view
from gfss.org.access import Scope

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.foundation.schema_urls")]

GENERATED = "/api/schema-generated/"  # drf-spectacular's own view


@pytest.fixture
def generations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each schema generation, by the language it ran in; the memory of a fresh process."""
    done: list[str] = []
    generate = SchemaGenerator.get_schema

    def counted(self: SchemaGenerator, *args: Any, **kwargs: Any) -> Any:
        done.append(translation.get_language())
        return generate(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    monkeypatch.setattr(schema_view, "_RENDERED", {})
    return done


def _same(response: Any, generated: Any) -> None:
    assert response.status_code == generated.status_code == 200
    assert response.content == generated.content
    assert list(response.headers.items()) == list(generated.headers.items())


def test_the_kept_schema_is_the_generated_one_in_each_language_and_format(generations):
    bodies = set()
    for language in ("kk", "ru", "en"):
        client = Client(headers={"accept-language": language})
        for query in ("", "?format=json"):
            generated = client.get(GENERATED + query)
            first, again = client.get("/api/schema/" + query), client.get("/api/schema/" + query)
            _same(first, generated)
            _same(again, generated)
            assert generated["Content-Language"] == language
            bodies.add(generated.content)
        # Per format, once for drf-spectacular's view and once for the site's: the rest kept.
        assert generations[-4:] == [language] * 4
    assert len(bodies) == len(schema_view._RENDERED) == 6
    # A language asked in the query (drf-spectacular's ?lang=) is kept as its own.
    _same(Client().get("/api/schema/?lang=kk"), Client().get(GENERATED + "?lang=kk"))
    assert len(generations) == 12 + 1


def test_every_caller_gets_the_same_schema(
    generations, admin_client: Client, make_staff: Callable[..., Any], partner_api
):
    specialist = Client()
    specialist.force_login(make_staff())
    anonymous = Client().get(GENERATED).content
    assert admin_client.get(GENERATED).content == anonymous
    assert partner_api(Scope.PAYMENTS).get(GENERATED).content == anonymous
    callers = [admin_client, specialist, partner_api(Scope.REPORTS), Client()]
    assert all(caller.get("/api/schema/").content == anonymous for caller in callers)
    assert len(generations) == 3 + 1


def test_a_schema_asked_otherwise_is_generated_each_time(generations):
    client = Client()
    indented = client.get("/api/schema/", headers={"accept": "application/json; indent=1"})
    assert indented.status_code == 200
    assert indented.content.startswith(b'{\n "openapi"')
    assert client.get("/api/schema/?version=2").content != client.get("/api/schema/").content
    assert client.get("/api/schema/?lang=xx").status_code == 200
    # Only the plain answer was kept: an indent, a version, a language the site has not.
    assert list(schema_view._RENDERED) == [("ru", OpenApiYamlRenderer, settings.ROOT_URLCONF)]
    assert len(generations) == 4
