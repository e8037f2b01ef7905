from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "gfss.common"
    label = "common"
