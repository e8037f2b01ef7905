"""Domain errors of the contributions app (answered as ``{"code", "message", "extra"}``)."""

from django.utils.translation import gettext as _

from gfss.common.exceptions import ApplicationError


class PeriodInvalid(ApplicationError):
    """A requested month is not ``YYYY-MM``, or the range runs backwards."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="period_invalid")


class BenchNeedsPostgres(ApplicationError):
    """The import benchmark measures COPY, which only PostgreSQL has."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "bench_import needs PostgreSQL: set DATABASE_URL to a PostgreSQL database "
                "(e.g. postgres://postgres@127.0.0.1:5432/gfss_bench); SQLite has no COPY."
            ),
            code="bench_needs_postgres",
        )
