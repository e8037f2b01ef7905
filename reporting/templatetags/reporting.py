from django import template
from django.utils.http import urlencode

register = template.Library()


@register.filter
def urlencode_dict(query: dict[str, str]) -> str:
    return urlencode(query)
