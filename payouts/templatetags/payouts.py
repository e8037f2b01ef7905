from typing import Any

from django import template

from payouts.selectors import award_balance

register = template.Library()


@register.simple_tag
def award_overpayment_balance(award_id: int) -> dict[str, Any]:
    """For ``payouts/_award_balance.html``: the award's overpayments, recoveries and balance."""
    return award_balance(award_id=award_id)
