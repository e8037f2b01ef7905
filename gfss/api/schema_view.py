"""The OpenAPI schema's view (apart from gfss.api.schema, which DRF's settings import first)."""

from typing import Any

from django.conf import settings
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

# The rendered schema, by language, renderer and URL conf (a test may set its own): the same
# for every caller, as the generator reads only the code (the views, serializers, settings).
_Key = tuple[str, type[BaseRenderer], str]
_RENDERED: dict[_Key, bytes | str] = {}


class _RememberingRenderer(BaseRenderer):
    """The negotiated renderer, rendering the schema once per process under ``key``."""

    def __init__(self, renderer: BaseRenderer, key: _Key) -> None:
        self.renderer, self.key = renderer, key
        self.media_type, self.format = renderer.media_type, renderer.format
        self.charset = renderer.charset

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Any = None,
    ) -> bytes | str:
        body = _RENDERED.get(self.key)
        if body is None:
            body = self.renderer.render(data, accepted_media_type, renderer_context)
            _RENDERED[self.key] = body
        return body


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, generated once per process for each language and format: the
    generation takes seconds and its answer is the same bytes each time."""

    def _get_schema_response(self, request: Request) -> Response:
        renderer = request.accepted_renderer
        language = translation.get_language()
        # Only the plain formats of the site's languages, without a version: anything else
        # (an indent asked in the Accept header, say) is generated as it asks.
        if (
            renderer is None
            or request.accepted_media_type != renderer.media_type
            or language not in dict(settings.LANGUAGES)
            or self.api_version is not None
            or request.version is not None
            or self._get_version_parameter(request) is not None
        ):
            return super()._get_schema_response(request)
        key = (language, type(renderer), str(settings.ROOT_URLCONF))
        if key in _RENDERED:
            # The headers as the generator's answer has them; the body is rendered already.
            filename = self._get_filename(request, None)
            response = Response(headers={"Content-Disposition": f'inline; filename="{filename}"'})
        else:
            response = super()._get_schema_response(request)
        request.accepted_renderer = _RememberingRenderer(renderer, key)
        return response
