"""What each role may do, as Django permissions (used by the admin and the views)."""

from gfss.org.models import Role

# E-cases and awards: reading them (the admin's view permissions), and deciding them.
BENEFITS_READ = [
    "benefits.view_application",
    "benefits.view_applicationevent",
    "benefits.view_awarddecision",
    "benefits.view_proactiveoffer",
    "benefits.view_award",
    "benefits.view_awardamount",
]
BENEFITS_CASE_WORK = [*BENEFITS_READ, "benefits.decide_application"]
# The contribution ledger and what came in: read-only for everyone but the loaders.
CONTRIBUTIONS_READ = [
    "contributions.view_receivedfile",
    "contributions.view_paymentdocument",
    "contributions.view_contributionline",
    "contributions.view_quarantinedline",
]
# Refund applications in the admin (the access policy decides who works on them).
REFUNDS_READ = [
    "refunds.view_refundapplication",
    "refunds.view_refundline",
    "refunds.view_refundevent",
    "refunds.view_payoutorder",
    "refunds.view_refundposting",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.SPECIALIST: [
        "participants.view_person",
        "participants.view_payer",
        "participants.view_familylink",
        *BENEFITS_CASE_WORK,
        *CONTRIBUTIONS_READ,
        "contributions.change_quarantinedline",
    ],
    Role.HEAD: [
        "participants.view_person",
        "participants.view_payer",
        "participants.view_familylink",
        *BENEFITS_CASE_WORK,
        "benefits.confirm_application",
        *CONTRIBUTIONS_READ,
        "contributions.change_quarantinedline",
    ],
    Role.REFUND_OFFICER: [
        "participants.view_person",
        "participants.view_payer",
        *CONTRIBUTIONS_READ,
        *REFUNDS_READ,
    ],
    Role.ANALYST: [
        "participants.view_person",
        "participants.view_payer",
        "legal.view_parameter",
        "legal.view_parametervalue",
        *BENEFITS_READ,
        *CONTRIBUTIONS_READ,
        *REFUNDS_READ,
    ],
    Role.ADMINISTRATOR: [
        "legal.view_parameter",
        "legal.add_parameter",
        "legal.change_parameter",
        "legal.view_parametervalue",
        "legal.add_parametervalue",
        "legal.change_parametervalue",
        "legal.view_calendarexception",
        "legal.add_calendarexception",
        "legal.change_calendarexception",
        "legal.delete_calendarexception",
        "org.view_region",
        "org.view_branch",
        "org.change_branch",
        "org.view_staffprofile",
        "org.add_staffprofile",
        "org.change_staffprofile",
        "org.view_partnerclient",
        "org.add_partnerclient",
        "org.change_partnerclient",
        "org.view_partnertoken",
        # Who saw which person's data (read-only for everyone).
        "org.view_accesslogentry",
        "common.view_rejectedinput",
        # Login lockouts: deleting an attempt unlocks that user at that address.
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accesslog",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "participants.view_person",
        "participants.change_person",
        "participants.view_payer",
        "participants.change_payer",
        "participants.view_familylink",
        "jobs.view_batchrun",
        "jobs.manage_batchrun",
        "payouts.view_paymentrun",
        "payouts.operate_paymentrun",
        "payouts.view_payment",
        "payouts.view_payoutfile",
        "payouts.view_recalculationevent",
        "payouts.add_recalculationevent",
        "payouts.apply_recalculationevent",
        "payouts.view_eventapplication",
        "payouts.view_overpayment",
        "payouts.view_recovery",
        "payouts.record_repayment",
        # The employed population per year and region, which the coverage KPI divides by.
        "reporting.view_employedpopulation",
        "reporting.add_employedpopulation",
        "reporting.change_employedpopulation",
        "reporting.view_forecastscenario",
        "reporting.change_forecastscenario",
        *REFUNDS_READ,
    ],
}
