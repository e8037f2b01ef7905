from datetime import date

import pytest
from django.core.exceptions import ValidationError

from participants.validators import iin_birth_date, iin_sex, validate_bin, validate_iin

VALID_IINS = ["850712300017", "011231600042", "900201400027", "921029350851", "061211600012"]
VALID_BINS = ["160440007161", "970740001013", "940140000385", "961141000023", "150540012348"]


@pytest.mark.parametrize("iin", VALID_IINS)
def test_valid_iins_pass(iin: str) -> None:
    validate_iin(iin)


@pytest.mark.parametrize("bin_", VALID_BINS)
def test_valid_bins_pass(bin_: str) -> None:
    validate_bin(bin_)


@pytest.mark.parametrize(
    ("iin", "code"),
    [
        ("850712300018", "check_digit"),
        ("921529350859", "birth_date"),
        ("600400073391", "check_digit"),
        ("85071230001", "format"),
        ("85071230001X", "format"),
    ],
)
def test_invalid_iins_name_the_failed_check(iin: str, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_iin(iin)
    assert error.value.code == code
    assert iin[:11] in str(error.value) or code == "format"


def test_second_pass_check_digit_is_used() -> None:
    # 011231600042 and 961141000023 only validate through the second weight set.
    validate_iin("011231600042")
    validate_bin("961141000023")


def test_iin_carries_birth_date_and_sex() -> None:
    assert iin_birth_date("850712300017").isoformat() == "1985-07-12"
    assert iin_sex("850712300017") == "M"
    assert iin_birth_date("061211600012").isoformat() == "2006-12-11"
    assert iin_sex("061211600012") == "F"


def test_bin_with_bad_check_digit_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        validate_bin("160440007162")
    assert error.value.code == "check_digit"


@pytest.mark.django_db
def test_the_admin_refuses_an_invalid_iin_and_writes_nothing(admin_client) -> None:
    from participants.models import Person

    response = admin_client.post(
        "/en/admin/participants/person/add/",
        {
            "iin": "850712300018",
            "surname": "Test",
            "birth_date": "1985-07-12",
            "sex": "M",
            "family_links-TOTAL_FORMS": "0",
            "family_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "fails its check digit" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_person_whose_birth_date_disagrees_with_the_iin_is_refused() -> None:
    from participants.models import Person

    person = Person(iin="850712300017", birth_date=date(1985, 7, 13), sex="M")
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "birth_date" in error.value.message_dict
