"""Regions, the fund's branches, staff and the partner systems that call the API."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gfss.common.models import TimeStampedModel


class Role(models.TextChoices):
    """Each role is a permission group of the same name."""

    SPECIALIST = "branch_specialist", _("Branch specialist")
    HEAD = "branch_head", _("Branch head")
    REFUND_OFFICER = "refund_officer", _("Central refund officer")
    ANALYST = "central_analyst", _("Central analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


class Region(TimeStampedModel):
    code = models.CharField(max_length=8, unique=True)
    name_kk = models.CharField(max_length=100)
    name_ru = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    is_city = models.BooleanField(default=False)
    valid_from = models.DateField(
        null=True, blank=True, help_text=_("Set for regions formed later")
    )
    population_share = models.DecimalField(
        max_digits=5, decimal_places=4, help_text=_("Share of participants, for generated data")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "ru")[:2]
        return getattr(self, f"name_{language}", None) or self.name_ru


class Branch(TimeStampedModel):
    """A regional branch, or the central office (no region)."""

    code = models.CharField(max_length=16, unique=True)
    region = models.OneToOneField(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="branch"
    )
    name_kk = models.CharField(max_length=150)
    name_ru = models.CharField(max_length=150)
    name_en = models.CharField(max_length=150)

    class Meta:
        ordering = ["code"]
        verbose_name = _("branch")
        verbose_name_plural = _("branches")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "ru")[:2]
        return getattr(self, f"name_{language}", None) or self.name_ru

    @property
    def is_central(self) -> bool:
        return self.region_id is None


class StaffProfile(TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="staff")
    role = models.CharField(max_length=32, choices=Role)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="org_staffprofile_role_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.branch.code})"


class PartnerClient(TimeStampedModel):
    """A partner system (bank, State Corporation, portal) with its scopes and its tokens."""

    name = models.CharField(max_length=200, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner_client"
    )
    scopes = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("partner system")
        verbose_name_plural = _("partner systems")

    def __str__(self) -> str:
        return self.name


class PartnerToken(TimeStampedModel):
    """One key of a partner system, of which only the hash is kept. It works until it expires
    or is revoked; a rotation issues a new key and leaves the old one a grace period."""

    client = models.ForeignKey(PartnerClient, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("partner token")
        verbose_name_plural = _("partner tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.client} ({self.created_at:%Y-%m-%d})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class AccessedData(models.TextChoices):
    """What of a person's data a staff user saw (the access log)."""

    STATEMENT = "statement", _("statement of contributions")
    CASE = "case", _("e-case")
    CALCULATION = "calculation", _("calculation")
    PERSON = "person", _("person card")


class AccessLogEntry(TimeStampedModel):
    """A staff user saw a person's data: who, when (``created_at``), what, from which address.

    Written by the page or endpoint that showed it; never changed or deleted (the admin shows it
    read-only, and on PostgreSQL a trigger refuses any UPDATE or DELETE of a row).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The viewer's branch when it looked: whose head reads the entry (none: a superuser).
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(max_length=16, choices=AccessedData)
    iin = models.CharField(max_length=12, db_index=True)  # whose data
    reference = models.CharField(max_length=64, blank=True, default="")  # e.g. the e-case
    path = models.CharField(max_length=500)
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["branch", "-created_at"], name="org_accesslog_branch_created")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject__in=AccessedData.values),
                name="org_accesslogentry_subject_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_subject_display()} {self.created_at:%Y-%m-%d %H:%M}"
