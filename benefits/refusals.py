"""Which refusal reasons fit an e-case, and the legal ground each refusal cites.

A reason the calculation or a check contradicts is not offered and not accepted: a case whose
every check passed cannot be refused for a short stazh. The reasons a specialist finds in the
documents themselves (invalid documents, not a participant, another reason in words) fit any
case. Grounds are the Social Code's articles (rules.md §4).
"""

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from benefits.models import Application, BenefitType, RefusalCode

# The calculator's own reasons: offered when the calculation refused with that reason.
_CALCULATED = {
    RefusalCode.AMOUNT_NOT_POSITIVE,
    RefusalCode.STAZH_BELOW_MINIMUM,
    RefusalCode.NO_CONTRIBUTION_IN_WINDOW,
}
# Reasons a failed check supports.
_BY_CHECK = {
    "claimed_in_time": RefusalCode.LATE_APPLICATION,
    "documents_complete": RefusalCode.DOCUMENTS_INVALID,
    "death_registered": RefusalCode.DOCUMENTS_INVALID,
    "single_carer": RefusalCode.DOCUMENTS_INVALID,
}
_ALWAYS = (RefusalCode.DOCUMENTS_INVALID, RefusalCode.NOT_A_PARTICIPANT, RefusalCode.OTHER)

# The articles of the Social Code of the Republic of Kazakhstan for each benefit (rules.md §4).
BENEFIT_ARTICLES: dict[str, Promise] = {
    BenefitType.DISABILITY: _("Social Code of the Republic of Kazakhstan, articles 171-182"),
    BenefitType.BREADWINNER: _("Social Code of the Republic of Kazakhstan, articles 229-241"),
    BenefitType.JOB_LOSS: _("Social Code of the Republic of Kazakhstan, articles 113-119"),
    BenefitType.MATERNITY: _("Social Code of the Republic of Kazakhstan, articles 76-78"),
    BenefitType.ADOPTION: _("Social Code of the Republic of Kazakhstan, articles 76-78"),
    BenefitType.CHILDCARE: _("Social Code of the Republic of Kazakhstan, articles 84-86"),
}
# Where a reason has an article of its own.
_GROUNDS: dict[tuple[str, str], Promise] = {
    (BenefitType.DISABILITY, RefusalCode.AMOUNT_NOT_POSITIVE): _(
        "Social Code of the Republic of Kazakhstan, article 172"
    ),
    (BenefitType.JOB_LOSS, RefusalCode.STAZH_BELOW_MINIMUM): _(
        "Social Code of the Republic of Kazakhstan, article 115"
    ),
    (BenefitType.JOB_LOSS, RefusalCode.NO_CONTRIBUTION_IN_WINDOW): _(
        "Social Code of the Republic of Kazakhstan, article 115"
    ),
    (BenefitType.JOB_LOSS, RefusalCode.LATE_APPLICATION): _(
        "Social Code of the Republic of Kazakhstan, article 115"
    ),
    (BenefitType.CHILDCARE, RefusalCode.NO_CONTRIBUTION_IN_WINDOW): _(
        "Social Code of the Republic of Kazakhstan, article 81 paragraph 2"
    ),
}


def refusal_codes_fitting(application: Application) -> list[str]:
    """The reasons this case's calculation and checks allow, the calculation's own first."""
    fitting: list[str] = []
    reason = (application.calculation or {}).get("refusal_reason")
    if reason in _CALCULATED:
        fitting.append(reason)
    for check in application.checks:
        code = _BY_CHECK.get(check["code"])
        if not check["ok"] and code is not None and code not in fitting:
            fitting.append(code)
    fitting.extend(code for code in _ALWAYS if code not in fitting)
    return fitting


def refusal_choices(application: Application) -> list[tuple[str, Any]]:
    labels = dict(RefusalCode.choices)
    return [(code, labels[code]) for code in refusal_codes_fitting(application)]


def legal_ground(*, benefit: str, reason: str) -> Promise | str:
    """The article a refusal (or, without a reason, an assignment) of ``benefit`` cites."""
    ground = _GROUNDS.get((benefit, reason))
    return ground if ground is not None else BENEFIT_ARTICLES.get(benefit, "")
