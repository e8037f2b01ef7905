"""The calculator for staff and partners: stated facts, or an IIN whose ledger supplies them."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from benefits.calculation import benefit_calculate
from benefits.rules import Result
from gfss.common.exceptions import ApplicationError
from gfss.org.access import Subject
from gfss.org.actors import Reader
from participants.selectors import person_list_for_user


class IinNotRegisteredError(ApplicationError):
    def __init__(self, iin: str) -> None:
        super().__init__(
            _("No person with IIN %(iin)s is in the registry (or visible to you).") % {"iin": iin},
            code="iin_not_registered",
            extra={"iin": iin},
        )


def benefit_calculator_run(
    *, user: Reader, benefit: str, right_date: date, iin: str | None, stated: dict[str, Any]
) -> Result:
    person = None
    if iin:
        person = person_list_for_user(user=user, subject=Subject.LEDGER).filter(iin=iin).first()
        if person is None:
            raise IinNotRegisteredError(iin)
    return benefit_calculate(benefit=benefit, right_date=right_date, person=person, stated=stated)
