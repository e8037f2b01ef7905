"""What each role may do, as Django permissions (used by the admin and the views)."""

from gfss.org.models import Role

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.SPECIALIST: [
        "participants.view_person",
        "participants.view_payer",
        "participants.view_familylink",
    ],
    Role.HEAD: [
        "participants.view_person",
        "participants.view_payer",
        "participants.view_familylink",
    ],
    Role.REFUND_OFFICER: ["participants.view_person", "participants.view_payer"],
    Role.ANALYST: [
        "participants.view_person",
        "participants.view_payer",
        "legal.view_parameter",
        "legal.view_parametervalue",
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
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "participants.view_person",
        "participants.change_person",
        "participants.view_payer",
        "participants.change_payer",
        "participants.view_familylink",
    ],
}
