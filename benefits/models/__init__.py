from benefits.models.awards import Award, AwardAmount, BenefitType

__all__ = ["Award", "AwardAmount", "BenefitType"]
