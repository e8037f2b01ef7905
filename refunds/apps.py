from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RefundsConfig(AppConfig):
    name = "refunds"
    verbose_name = _("Refunds")

    def ready(self) -> None:
        from gfss.common.signals import reversal_origins
        from refunds.selectors import refund_reversal_origins

        # The statement names the application behind a refund's reversal row.
        reversal_origins.connect(refund_reversal_origins, dispatch_uid="refund_reversal_origins")
