from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "gfss.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_setup_reference_data, sender=self)


def _setup_reference_data(**kwargs: object) -> None:
    from gfss.org.services import regions_and_branches_setup, role_groups_setup

    regions_and_branches_setup()
    role_groups_setup()


class FundAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with a site that asks the access policy (gfss.org.admin_site)."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "gfss.org.admin_site.FundAdminSite"
