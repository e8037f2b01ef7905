"""Demo staff: one user per role, for the demo and the browser tests."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from gfss.org.models import Branch, Role
from gfss.org.services import staff_user_create

DEMO_PASSWORD = "demo-gfss-2022"  # noqa: S105  # the demo only; printed by seed_demo
DEMO_USERS = [
    ("specialist", Role.SPECIALIST, "B75", "Айгүл", "Серікбаева"),
    ("specialist2", Role.SPECIALIST, "B75", "Марат", "Омаров"),
    ("head", Role.HEAD, "B75", "Динара", "Қасымова"),
    # A second head: a head's own decision is confirmed by another.
    ("head2", Role.HEAD, "B75", "Бауыржан", "Сейітов"),
    ("astana", Role.SPECIALIST, "B71", "Ерлан", "Ахметов"),
    # Astana's head confirms its specialist's refusals and overrides.
    ("astana-head", Role.HEAD, "B71", "Гүлнар", "Әбенова"),
    ("refunds", Role.REFUND_OFFICER, "HQ", "Анна", "Иванова"),
    ("refunds2", Role.REFUND_OFFICER, "HQ", "Серік", "Жұмабаев"),
    ("analyst", Role.ANALYST, "HQ", "Асқар", "Төлеуов"),
    ("admin", Role.ADMINISTRATOR, "HQ", "Жанар", "Нұрланова"),
]


@transaction.atomic
def demo_staff_create() -> list[tuple[str, str, str]]:
    user_model = get_user_model()
    result = []
    hashed = ""
    for username, role, branch_code, first, last in DEMO_USERS:
        branch = Branch.objects.get(code=branch_code)
        if not user_model.objects.filter(username=username).exists():
            user = staff_user_create(
                username=username,
                password=None,
                branch=branch,
                role=role,
                first_name=first,
                last_name=last,
            )
            # One hash for the demo's one password: each takes a good part of a second.
            user.password = hashed = hashed or make_password(DEMO_PASSWORD)
            user.is_superuser = role == Role.ADMINISTRATOR
            user.save(update_fields=["password", "is_superuser"])
        result.append((username, str(Role(role).label), branch.name_en))
    return result
