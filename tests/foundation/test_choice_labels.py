from django.utils import translation

from benefits.models import Application, BenefitType


def test_a_choice_is_shown_by_its_label_in_the_active_language() -> None:
    application = Application(benefit=BenefitType.JOB_LOSS, status=Application.Status.RECEIVED)
    with translation.override("ru"):
        assert application.get_status_display() == "Поступило"
        russian = application.get_benefit_display()
    # labels read once per language: the next language gets its own, not the first one's
    with translation.override("kk"):
        assert application.get_status_display() == "Түсті"
        assert application.get_benefit_display() not in ("", russian)
    with translation.override("ru"):
        assert application.get_benefit_display() == russian == str(BenefitType.JOB_LOSS.label)


def test_a_value_outside_the_choices_is_shown_as_it_is() -> None:
    assert Application(status="archived").get_status_display() == "archived"
