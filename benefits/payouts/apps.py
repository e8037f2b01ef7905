from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayoutsConfig(AppConfig):
    """Money out and change over time: payment runs, recalculation events, overpayments."""

    name = "benefits.payouts"
    label = "payouts"
    verbose_name = _("Payments and recalculations")
