"""The site's URLs and drf-spectacular's own schema view beside the site's, to compare."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from gfss import urls as root_urls

urlpatterns = [
    *root_urls.urlpatterns,
    path("api/schema-generated/", SpectacularAPIView.as_view(urlconf="gfss.urls")),
]
