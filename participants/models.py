"""The registry: insured persons (IIN), payers (BIN or IIN), family links, life events."""

import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gfss.common.models import TimeStampedModel
from participants.validators import iin_birth_date, iin_sex, validate_bin_or_iin, validate_iin


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Person(TimeStampedModel):
    iin = models.CharField(_("IIN"), max_length=12, unique=True, validators=[validate_iin])
    surname = models.CharField(_("surname"), max_length=100, blank=True, default="")
    first_name = models.CharField(_("first name"), max_length=100, blank=True, default="")
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True, default="")
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex)
    death_date = models.DateField(_("death date"), null=True, blank=True)
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="persons"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["surname", "first_name"], name="participants_person_name")]
        constraints = [
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="participants_person_sex"),
            models.CheckConstraint(
                condition=Q(death_date__isnull=True) | Q(death_date__gte=F("birth_date")),
                name="participants_person_death_after_birth",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.iin})"

    @property
    def full_name(self) -> str:
        return " ".join(
            p for p in (self.surname, self.first_name, self.patronymic) if p and p != "-"
        )

    def clean(self) -> None:
        errors: dict[str, Sequence[str | Promise]] = {}
        try:
            validate_iin(self.iin)
        except ValidationError as error:
            errors["iin"] = error.messages
        else:
            if self.birth_date and self.birth_date != iin_birth_date(self.iin):
                errors["birth_date"] = [_("The birth date disagrees with the IIN.")]
            if self.sex and self.sex != iin_sex(self.iin):
                errors["sex"] = [_("The sex disagrees with the IIN's seventh digit.")]
        if errors:
            raise ValidationError(errors)


class Payer(TimeStampedModel):
    class Kind(models.TextChoices):
        EMPLOYER = "employer", _("Employer")
        ENTREPRENEUR = "entrepreneur", _("Individual entrepreneur")
        PRIVATE_PRACTICE = "private_practice", _("Private practice")
        SINGLE_PAYMENT = "single_payment", _("Single-payment payer")

    idn = models.CharField(
        _("BIN or IIN"), max_length=12, unique=True, validators=[validate_bin_or_iin]
    )
    name = models.CharField(_("name"), max_length=200, blank=True, default="")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.EMPLOYER)
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="payers"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payer")
        verbose_name_plural = _("payers")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=["employer", "entrepreneur", "private_practice", "single_payment"]
                ),
                name="participants_payer_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.idn})"


class FamilyLink(TimeStampedModel):
    """``relative`` is the ``kind`` of ``person``: (mother, child, CHILD) reads "child of"."""

    class Kind(models.TextChoices):
        CHILD = "child", _("Child")
        SPOUSE = "spouse", _("Spouse")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Sibling")
        GRANDCHILD = "grandchild", _("Grandchild")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="family_links")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind)

    class Meta:
        verbose_name = _("family link")
        verbose_name_plural = _("family links")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "relative", "kind"], name="participants_familylink_unique"
            ),
            models.CheckConstraint(
                condition=~Q(person=F("relative")), name="participants_familylink_not_self"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["child", "spouse", "parent", "sibling", "grandchild"]),
                name="participants_familylink_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relative_id} is {self.kind} of {self.person_id}"


class LifeEvent(TimeStampedModel):
    """A fact a partner registry reported about a person: a death, the end of unemployment,
    a changed degree of disability. Kept as reported; benefits applies it to the awards.

    ``reference`` is the partner's own: the same one again is the same report (idempotent).
    """

    class Kind(models.TextChoices):
        DEATH = "death", _("Death")
        DEREGISTRATION = "deregistration", _("Deregistration as unemployed")
        EMPLOYMENT = "employment", _("New employment")
        DISABILITY_DEGREE = "disability_degree", _("Changed degree of disability")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="life_events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    event_date = models.DateField(_("date"))
    degree = models.DecimalField(
        _("degree of loss"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    document = models.CharField(_("document"), max_length=64, blank=True, default="")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("partner's reference"), max_length=64)
    # The report as received (normalised): a second report under the reference must match it.
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        indexes = [models.Index(fields=["person", "event_date"], name="participants_lifeevent_on")]
        constraints = [
            models.UniqueConstraint(
                fields=["reported_by", "reference"], name="participants_lifeevent_reference"
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["death", "deregistration", "employment", "disability_degree"]
                ),
                name="participants_lifeevent_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="disability_degree", degree__gt=0, degree__lte=1)
                | (~Q(kind="disability_degree") & Q(degree__isnull=True)),
                name="participants_lifeevent_degree",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.event_date} ({self.person_id})"
