from benefits.models.applications import (
    Application,
    ApplicationEvent,
    AwardDecision,
    Channel,
    LetterLanguage,
    ProactiveOffer,
    RefusalCode,
)
from benefits.models.awards import Award, AwardAmount, AwardLifeEvent, BenefitType

__all__ = [
    "Application",
    "ApplicationEvent",
    "Award",
    "AwardAmount",
    "AwardDecision",
    "AwardLifeEvent",
    "BenefitType",
    "Channel",
    "LetterLanguage",
    "ProactiveOffer",
    "RefusalCode",
]
