"""Shapes of the e-case API. Document fields are optional here on purpose: which a benefit
needs is a rule of the service, answered with ``facts_missing`` naming them."""

from typing import Any

from rest_framework import serializers

from benefits.models import (
    Application,
    Award,
    AwardDecision,
    AwardLifeEvent,
    BenefitType,
    Channel,
    LetterLanguage,
    ProactiveOffer,
    RefusalCode,
)
from benefits.rules import limits
from benefits.rules.limits import BIRTH_DATES, DOCUMENT_DATES, RIGHT_DATES
from participants.models import LifeEvent


def _optional(field: serializers.Field) -> serializers.Field:
    field.required = False
    field.allow_null = True
    return field


class DependentSerializer(serializers.Serializer):
    iin = serializers.CharField(max_length=12, required=False, allow_blank=True)
    birth_date = _optional(serializers.DateField(validators=[BIRTH_DATES]))
    relation = serializers.CharField(max_length=32, required=False, allow_blank=True)


class MedicalExpertiseSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    degree = _optional(
        serializers.DecimalField(
            max_digits=3,
            decimal_places=2,
            min_value=limits.DEGREE_MIN,
            max_value=limits.DEGREE_MAX,
        )
    )
    period_from = _optional(serializers.DateField(validators=[DOCUMENT_DATES]))
    period_to = _optional(serializers.DateField(validators=[DOCUMENT_DATES]))


class DeathCertificateSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    deceased_iin = serializers.CharField(max_length=12, required=False, allow_blank=True)
    death_date = _optional(serializers.DateField(validators=[BIRTH_DATES]))
    dependents: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=DependentSerializer(), required=False, max_length=limits.DEPENDENTS_MAX
    )


class UnemployedRegistrationSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    registered_on = _optional(serializers.DateField(validators=[DOCUMENT_DATES]))


class SickLeaveSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    first_day = _optional(serializers.DateField(validators=[DOCUMENT_DATES]))
    days = _optional(serializers.IntegerField(min_value=1, max_value=limits.DAYS_MAX))


class BirthCertificateSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    child_iin = serializers.CharField(max_length=12, required=False, allow_blank=True)
    birth_date = _optional(serializers.DateField(validators=[BIRTH_DATES]))
    birth_order = _optional(serializers.IntegerField(min_value=1, max_value=limits.BIRTH_ORDER_MAX))


class AdoptionDecisionSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    decision_date = _optional(serializers.DateField(validators=[DOCUMENT_DATES]))
    child_iin = serializers.CharField(max_length=12, required=False, allow_blank=True)
    child_birth_date = _optional(serializers.DateField(validators=[BIRTH_DATES]))


class DocumentsSerializer(serializers.Serializer):
    medical_expertise = MedicalExpertiseSerializer(required=False)
    death_certificate = DeathCertificateSerializer(required=False)
    unemployed_registration = UnemployedRegistrationSerializer(required=False)
    sick_leave = SickLeaveSerializer(required=False)
    birth_certificate = BirthCertificateSerializer(required=False)
    adoption_decision = AdoptionDecisionSerializer(required=False)


class ApplicationCreateInputSerializer(serializers.Serializer):
    iin = serializers.CharField(max_length=12)
    benefit = serializers.ChoiceField(choices=BenefitType.choices)
    channel = serializers.ChoiceField(
        choices=[(Channel.STATE_CORPORATION, ""), (Channel.PORTAL, "")]
    )
    received_on = serializers.DateField(validators=[RIGHT_DATES])
    right_date = serializers.DateField(validators=[RIGHT_DATES])
    documents = DocumentsSerializer()
    # The applicant's language for the decision letter, as the State Corporation records it.
    language = serializers.ChoiceField(
        choices=LetterLanguage.choices, default=LetterLanguage.KK, required=False
    )


class ApplicationOutputSerializer(serializers.ModelSerializer):
    iin = serializers.CharField(source="person.iin")
    branch = serializers.CharField(source="branch.code")

    class Meta:
        model = Application
        fields = [
            "uuid",
            "iin",
            "benefit",
            "channel",
            "branch",
            "status",
            "outcome",
            "refusal_code",
            "received_on",
            "right_date",
            "decision_due",
            "service_due",
            "eligible",
            "calculated_gross",
            "override_gross",
            "documents",
            "checks",
            "calculation",
        ]


class ApplicationListOutputSerializer(serializers.ModelSerializer):
    iin = serializers.CharField(source="person.iin")
    branch = serializers.CharField(source="branch.code")

    class Meta:
        model = Application
        fields = [
            "uuid",
            "iin",
            "benefit",
            "channel",
            "branch",
            "status",
            "received_on",
            "decision_due",
            "calculated_gross",
        ]


class StageSerializer(serializers.Serializer):
    stage = serializers.CharField()
    status = serializers.CharField()
    at = serializers.DateTimeField()
    comment = serializers.CharField()


class ApplicationStatusOutputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    benefit = serializers.CharField()
    status = serializers.CharField()
    outcome = serializers.CharField()
    refusal_code = serializers.CharField()
    received_on = serializers.DateField()
    decision_due = serializers.DateField()
    service_due = serializers.DateField()
    stages = StageSerializer(many=True)


class ApplicationAssignInputSerializer(serializers.Serializer):
    override_gross = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ApplicationRefuseInputSerializer(serializers.Serializer):
    reason_code = serializers.ChoiceField(choices=RefusalCode.choices)
    reason_text = serializers.CharField()


class CommentInputSerializer(serializers.Serializer):
    comment = serializers.CharField()


class AwardOutputSerializer(serializers.ModelSerializer):
    iin = serializers.CharField(source="person.iin")
    branch = serializers.CharField(source="branch.code")
    application = serializers.UUIDField(
        source="application.uuid", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = Award
        fields = [
            "uuid",
            "iin",
            "benefit",
            "branch",
            "application",
            "status",
            "right_date",
            "assigned_on",
            "start_date",
            "end_date",
            "lump_sum",
            "terminated_on",
            "termination_reason",
        ]


class AwardRecalculateInputSerializer(serializers.Serializer):
    effective_date = serializers.DateField(validators=[DOCUMENT_DATES])
    degree = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        required=False,
        allow_null=True,
        min_value=limits.DEGREE_MIN,
        max_value=limits.DEGREE_MAX,
    )
    dependents = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=limits.DEPENDENTS_MAX
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AwardChangeInputSerializer(serializers.Serializer):
    effective_date = serializers.DateField(validators=[DOCUMENT_DATES])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AwardDecisionOutputSerializer(serializers.ModelSerializer):
    award = serializers.UUIDField(source="award.uuid")

    class Meta:
        model = AwardDecision
        fields = ["uuid", "award", "kind", "status", "effective_date", "reason", "gross"]


class OfferCreateInputSerializer(serializers.Serializer):
    iin = serializers.CharField(max_length=12)
    benefit = serializers.ChoiceField(choices=BenefitType.choices)
    right_date = serializers.DateField(validators=[RIGHT_DATES])
    documents = DocumentsSerializer()


class OfferOutputSerializer(serializers.ModelSerializer):
    application = serializers.UUIDField(
        source="application.uuid", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = ProactiveOffer
        fields = [
            "uuid",
            "benefit",
            "right_date",
            "status",
            "offered_at",
            "expires_at",
            "application",
        ]


class LifeEventReportInputSerializer(serializers.Serializer):
    reference = serializers.CharField(
        max_length=64,
        help_text="The partner's own reference of the report: the same one again is the same "
        "report (answered as the first time, 200); with a different body it is refused (409).",
    )
    kind = serializers.ChoiceField(
        choices=LifeEvent.Kind.choices,
        help_text="death (scope life_events.death); deregistration or employment (scope "
        "life_events.employment); disability_degree (scope life_events.disability).",
    )
    iin = serializers.CharField(
        max_length=12, help_text="The person the event is about (for a death: the deceased)."
    )
    date = serializers.DateField(
        help_text="The day of the event: of death, of deregistration or of the new job, or "
        "the day from which the new degree holds. Not after today."
    )
    degree = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="disability_degree only: the new degree of loss of general working "
        "capacity, 0.01 to 1.00.",
    )
    document = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="The number of the registry's document (certificate, order, expertise act).",
    )


class LifeEventAwardOutputSerializer(serializers.ModelSerializer):
    award = serializers.UUIDField(source="award.uuid")
    benefit = serializers.CharField(source="award.benefit", help_text="The award's benefit.")
    effect = serializers.ChoiceField(
        choices=AwardLifeEvent.Effect.choices,
        help_text="ended: the award stops from effective_date; recalculated: a new amount from "
        "effective_date; unchanged: the award had already ended; review: the award has no "
        "e-case to recalculate from, a branch specialist takes it up.",
    )
    decision = serializers.UUIDField(
        source="decision.uuid", default=None, help_text="The award decision made, if any."
    )

    class Meta:
        model = AwardLifeEvent
        fields = ["award", "benefit", "effect", "effective_date", "decision"]


class LifeEventOutputSerializer(serializers.ModelSerializer):
    iin = serializers.CharField(source="person.iin")
    date = serializers.DateField(source="event_date")
    recorded_at = serializers.DateTimeField(source="created_at")
    awards = LifeEventAwardOutputSerializer(
        source="awards_touched", many=True, help_text="Every award the event reached."
    )

    class Meta:
        model = LifeEvent
        fields = [
            "uuid",
            "reference",
            "kind",
            "iin",
            "date",
            "degree",
            "document",
            "recorded_at",
            "awards",
        ]
