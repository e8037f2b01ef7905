from tests.payouts.conftest import eager_celery, make_award

__all__ = ["eager_celery", "make_award"]
