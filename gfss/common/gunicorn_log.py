"""gunicorn's own log lines (its errors and the access log) with IINs masked, as Django's are."""

from typing import Any

from gunicorn.glogging import Logger

from gfss.common.logfilters import MaskIinFilter


class MaskingLogger(Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.addFilter(MaskIinFilter())
