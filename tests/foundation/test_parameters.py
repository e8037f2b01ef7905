from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from gfss.common import display
from gfss.legal.models import ParameterValue
from gfss.legal.params import ParameterNotInForce, UnknownParameter
from gfss.legal.selectors import parameter_get, parameter_set, parameter_value

pytestmark = pytest.mark.django_db


def test_value_in_force_is_the_latest_on_or_before_the_date() -> None:
    assert parameter_value("mzp", on=date(2022, 12, 31)) == Decimal("60000")
    assert parameter_value("mzp", on=date(2023, 1, 1)) == Decimal("70000")
    assert parameter_value("mrp", on=date(2022, 4, 1)) == Decimal("3180")
    assert parameter_value("so.rate", on=date(2024, 5, 1)) == Decimal("0.035")


def test_a_date_before_the_first_value_raises_naming_code_and_date() -> None:
    with pytest.raises(ParameterNotInForce) as error:
        parameter_value("mzp", on=date(1999, 1, 1))
    assert error.value.code == "parameter_not_in_force"
    assert "mzp" in error.value.message
    # the message writes the day as pages do; the answer's extra keeps it as ISO
    assert display.day(date(1999, 1, 1)) in error.value.message
    assert "1999-01-01" not in error.value.message
    assert error.value.extra == {"parameter": "mzp", "date": "1999-01-01"}


def test_an_unknown_code_raises() -> None:
    with pytest.raises(UnknownParameter):
        parameter_value("no.such.thing", on=date(2022, 1, 1))


def test_scales_load_as_scales_with_their_source() -> None:
    ksu = parameter_get("stazh.coefficient.long_term", on=date(2025, 1, 1))
    assert ksu.scale.lookup(84) == Decimal("1.04")
    assert ksu.scale.lookup(5) == Decimal("0.1")
    assert ksu.legal_ref.startswith("SC art")


def test_bulk_set_agrees_with_single_lookups() -> None:
    params = parameter_set()
    for code, day in [("mzp", date(2019, 6, 1)), ("nbk.base_rate", date(2022, 3, 1))]:
        assert params.get(code, on=day) == parameter_get(code, on=day)


def test_loading_twice_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    before = ParameterValue.objects.count()
    call_command("load_parameters")
    assert ParameterValue.objects.count() == before
    assert "values created: 0" in capsys.readouterr().out


def test_future_dated_value_is_picked_up_on_its_date() -> None:
    from gfss.legal.models import Parameter

    ParameterValue.objects.create(
        parameter=Parameter.objects.get(code="mzp"),
        valid_from=date(2030, 1, 1),
        value=Decimal("150000"),
    )
    assert parameter_value("mzp", on=date(2029, 12, 31)) == Decimal("85000")
    assert parameter_value("mzp", on=date(2030, 1, 1)) == Decimal("150000")


def test_admin_edit_is_kept_in_history(admin_client) -> None:
    row = ParameterValue.objects.get(parameter__code="mzp", valid_from=date(2024, 1, 1))
    response = admin_client.post(
        f"/en/admin/legal/parametervalue/{row.pk}/change/",
        {
            "parameter": row.parameter_id,
            "valid_from": "2024-01-01",
            "value": "85001",
            "scale": "null",
            "legal_ref": "corrected",
            "tag": "V",
        },
    )
    assert response.status_code == 302
    history = list(row.history.order_by("history_date"))
    assert [h.value for h in history] == [Decimal("85000"), Decimal("85001")]
    assert history[-1].history_user is not None


def test_the_set_is_built_once_and_a_change_counts_at_once(
    django_assert_num_queries,
) -> None:
    first = parameter_set()
    # a second request asks only for the table's version
    with django_assert_num_queries(1):
        assert parameter_set() is first
    # an administrator raises the MZP of 2023: the next calculation sees it
    row = ParameterValue.objects.get(parameter__code="mzp", valid_from=date(2023, 1, 1))
    row.value = Decimal("70001")
    row.save()
    assert parameter_set().get("mzp", on=date(2023, 6, 1)).decimal == Decimal("70001")
    # a value removed is gone at once too
    row.delete()
    assert parameter_set().get("mzp", on=date(2023, 6, 1)).decimal == Decimal("60000")
