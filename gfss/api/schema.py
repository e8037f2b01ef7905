"""Shared pieces of the OpenAPI description."""

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer."""

    code = serializers.CharField(help_text="A stable, specific error code.")
    message = serializers.CharField(help_text="What went wrong, for a person.")
    extra = serializers.DictField(help_text="Details: the fields, values or limits involved.")


ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}
