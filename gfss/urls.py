from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from benefits.calculator.api import BenefitCalculateApi
from gfss import cards
from gfss.api.schema_view import SchemaView
from gfss.common.health import healthz
from gfss.org import views as org_views
from reporting import views as reporting_views

api_v1: list[URLPattern | URLResolver] = [
    path("benefits/calculate", BenefitCalculateApi.as_view(), name="benefit-calculate"),
    path("", include("participants.api.urls")),
    path("", include("benefits.api.urls")),
    path("", include("contributions.api.urls")),
    path("", include("reporting.api.urls")),
    path("", include("refunds.api.urls")),
    path("", include("payouts.api.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    # Its script is a file of its own (?script), not inline: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("cases/", include("benefits.urls")),
    path("contributions/", include("contributions.urls")),
    path("calculator/", include("benefits.calculator.urls")),
    path("jobs/", include("gfss.jobs.urls")),
    path("payouts/", include("payouts.urls")),
    path("refunds/", include("refunds.urls")),
    path("reporting/", include("reporting.urls")),
    path("access-log/", org_views.access_log, name="access-log"),
    path("search/", cards.search, name="search"),
    path("persons/<str:iin>/", cards.person_card, name="person-card"),
    path("payers/<str:idn>/", cards.payer_card, name="payer-card"),
    path("", reporting_views.home, name="dashboard"),
    prefix_default_language=True,
)

handler400 = "gfss.api.errors.bad_request"
handler403 = "gfss.api.errors.permission_denied"
handler404 = "gfss.api.errors.page_not_found"
handler500 = "gfss.api.errors.server_error"
