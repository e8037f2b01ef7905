from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayoutsConfig(AppConfig):
    """Money out and change over time: payment runs, recalculation events, overpayments."""

    name = "payouts"
    label = "payouts"
    verbose_name = _("Payments and recalculations")

    def ready(self) -> None:
        from gfss.jobs import registry
        from payouts.services.closing import FILES_JOB_KIND, PayoutFilesJob
        from payouts.services.event_dry_runs import DRY_RUN_JOB_KIND, EventDryRunJob
        from payouts.services.events import EVENT_JOB_KIND, RecalculationEventJob
        from payouts.services.payments import PAYMENT_JOB_KIND, PaymentRunJob

        registry.register(PAYMENT_JOB_KIND, PaymentRunJob())
        registry.register(EVENT_JOB_KIND, RecalculationEventJob())
        registry.register(FILES_JOB_KIND, PayoutFilesJob())
        registry.register(DRY_RUN_JOB_KIND, EventDryRunJob())
