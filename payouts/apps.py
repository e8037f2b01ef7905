from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayoutsConfig(AppConfig):
    """Money out and change over time: payment runs, recalculation events, overpayments."""

    name = "payouts"
    label = "payouts"
    verbose_name = _("Payments and recalculations")

    def ready(self) -> None:
        from gfss.jobs import registry
        from gfss.jobs.registry import Field
        from payouts.services.closing import FILES_JOB_KIND, PayoutFilesJob
        from payouts.services.event_dry_runs import DRY_RUN_JOB_KIND, EventDryRunJob
        from payouts.services.events import EVENT_JOB_KIND, RecalculationEventJob
        from payouts.services.payments import PAYMENT_JOB_KIND, PaymentRunJob

        month = Field(_("Month"), "month")
        event = Field(_("Event no."), "text")
        registry.register(
            PAYMENT_JOB_KIND,
            PaymentRunJob(),
            label=_("Payment run"),
            fields={
                "period": month,
                "lines": Field(_("Lines"), "count"),
                "top_ups": Field(_("Top-ups"), "count"),
                "top_up_net": Field(_("Top-ups, net"), "money"),
                "payable": Field(_("Payable"), "money"),
                "deducted": Field(_("Deductions"), "money"),
                "overpayments": Field(_("Overpayments"), "count"),
                "overpaid": Field(_("Overpaid"), "money"),
            },
        )
        registry.register(
            EVENT_JOB_KIND,
            RecalculationEventJob(),
            label=_("Recalculation event applied"),
            fields={"event_id": event, "awards_with_event": Field(_("Awards changed"), "count")},
        )
        registry.register(
            FILES_JOB_KIND,
            PayoutFilesJob(),
            label=_("Payout files"),
            fields={"period": month, "files": Field(_("Files"), "items")},
        )
        registry.register(
            DRY_RUN_JOB_KIND,
            EventDryRunJob(),
            label=_("Dry run of a recalculation event"),
            fields={
                "event_id": event,
                "horizon": Field(_("Up to"), "day"),
                "awards_selected": Field(_("Awards selected"), "count"),
                "awards_changed": Field(_("would change"), "count"),
                "already_applied": Field(_("already applied"), "count"),
                "months": Field(_("Months"), "count"),
            },
        )
