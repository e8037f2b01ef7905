from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        # The apps below send the signal; they never import reporting.
        from gfss.common.signals import data_changed
        from reporting.summaries import summaries_refresh_soon

        data_changed.connect(summaries_refresh_soon, dispatch_uid="reporting.summaries")
