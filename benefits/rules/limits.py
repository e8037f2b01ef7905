"""The legal range of each stated fact. A value outside it is refused before any calculation,
so that no claim can state a year of leave or a million dependents (rules.md §4)."""

from datetime import date
from decimal import Decimal

from gfss.common.dates import DateWindow

# The degree of loss of general working capacity the medical-social expertise sets (КУТ) [V].
DEGREE_MIN = Decimal("0.30")
DEGREE_MAX = Decimal("1.00")
# The longest leave a certificate gives: 184 days, a complicated birth in the zones of the
# former Semipalatinsk test site; an adoption gives fewer.
DAYS_MAX = 184
# The breadwinner's coefficient and the childcare allowance stop growing well before 20.
DEPENDENTS_MAX = 20
BIRTH_ORDER_MAX = 20
# Seventy years of participation: more than a working life.
STAZH_MONTHS_MAX = 840
# Six years of earlier job-loss benefit: more than a working life draws.
PREVIOUS_JOB_LOSS_MONTHS_MAX = 72

# The fund pays rights that arose from its first year; a right is stated at most a year ahead
# (a leave that begins next month). Births are past; a document's dates are near.
RIGHT_DATES = DateWindow(date(2005, 1, 1), years_ahead=1)
BIRTH_DATES = DateWindow(date(1900, 1, 1))
DOCUMENT_DATES = DateWindow(date(1900, 1, 1), years_ahead=1)

# fact -> (lowest, highest) of the counts the calculators check (degree has its own error).
COUNT_RANGES: dict[str, tuple[int, int]] = {
    "stazh_months": (0, STAZH_MONTHS_MAX),
    "days": (1, DAYS_MAX),
    "dependents": (1, DEPENDENTS_MAX),
    "birth_order": (1, BIRTH_ORDER_MAX),
    "previous_job_loss_months": (0, PREVIOUS_JOB_LOSS_MONTHS_MAX),
}
