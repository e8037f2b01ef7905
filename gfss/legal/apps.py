from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "gfss.legal"
    label = "legal"
    verbose_name = _("Legal parameters and calendar")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_load_parameters, sender=self)


def _load_parameters(**kwargs: object) -> None:
    # Every database, the test ones included, carries the shipped legal parameters.
    from gfss.legal.services import parameters_load

    parameters_load()
