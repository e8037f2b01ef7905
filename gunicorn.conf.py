"""gunicorn behind the compose proxy (nginx): it writes the access log, IINs masked."""

import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_WORKERS", "3"))
accesslog = "-"
# The client's address as our proxy saw it, not the proxy's own.
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms'
logger_class = "gfss.common.gunicorn_log.MaskingLogger"
