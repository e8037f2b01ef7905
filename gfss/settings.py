"""One settings module; every difference between deployments comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# No key is built in. Without SECRET_KEY a server (gunicorn, a Celery worker or beat) refuses
# to start unless DEBUG is set (gfss/startup.py); other commands and the tests, which sign
# nothing that outlives them, run on a random key of their own process.
SECRET_KEY_GIVEN = bool(env.str("SECRET_KEY", default=""))
SECRET_KEY = env.str("SECRET_KEY", default="") or get_random_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "gfss.org.apps.FundAdminConfig",  # django.contrib.admin, asking the access policy
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "axes",
    "gfss.common",
    "gfss.legal",
    "gfss.org",
    "gfss.jobs",
    "participants",
    "contributions",
    "benefits",
    "payouts",
    "refunds",
    "reporting",
    # The composition root: its demo command calls every app's own generator.
    "gfss",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "gfss.common.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "gfss.common.middleware.ControlCharacterMiddleware",
    "gfss.common.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: it turns a refused login into the login page that says why.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gfss.urls"
WSGI_APPLICATION = "gfss.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gfss.org.context_processors.staff",
            ],
        },
    },
]

# The embedded default is a SQLite file so that `make run` needs nothing installed;
# production and CI set DATABASE_URL to PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services own their transactions
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
# A streaming replica for the reports and exports (gfss.common.replica); it is never migrated
# and never written: it follows default by PostgreSQL's own replication.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "ATOMIC_REQUESTS": False,
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["gfss.common.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The lockout backend first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "gfss.org.backends.PolicyBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "ru"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django has no Kazakh number and date formats: ours (gfss/formats/kk).
FORMAT_MODULE_PATH = ["gfss.formats"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")

REDIS_URL = env.str("REDIS_URL", default="")
# Redis when configured; while it is unreachable each process falls back to a cache of its own
# (gfss.common.cache), so the pages, the API and its rate limits keep working.
CACHES = {
    "default": {
        "BACKEND": "gfss.common.cache.FallbackRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Without Redis every task runs inline, so the demo needs no broker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Seconds from a change of the data to the rebuild of the report summaries (changes meanwhile
# ride along); the nightly rebuild is in the beat schedule.
REPORTING_REFRESH_DELAY = env.int("REPORTING_REFRESH_DELAY", default=300)
# Seconds a batch step works before it hands the run over to a fresh message (gfss.jobs).
JOBS_STEP_SECONDS = env.int("JOBS_STEP_SECONDS", default=8)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A send to a stopped Redis gives up within about a second (the web answers meanwhile); what
# could not be sent is kept in the database (gfss.common.outages).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 5}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
# django-celery-beat's, sending each entry at most once per scheduled time (gfss.jobs.beat).
CELERY_BEAT_SCHEDULER = "gfss.jobs.beat:OncePerSlotScheduler"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "gfss.api.authentication.PartnerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "gfss.api.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # JSON only: the browsable HTML API needs inline script and style (the docs are /api/docs/).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "gfss.api.schema.FundAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "gfss.api.pagination.LimitOffsetPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "gfss.api.exception_handler.handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "gfss.api.throttling.PartnerThrottle",
        "gfss.api.throttling.StaffThrottle",
        "gfss.api.throttling.RefusedWriteThrottle",
    ],
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "GFSS API",
    "DESCRIPTION": "State Social Insurance Fund: payments in, benefits out, for partner systems.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "gfss.api.schema.error_responses_hook",
    ],
    # Several models have a "status" or "channel": name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "benefits.models.applications.Application.Status",
        "ApplicationChannelEnum": "benefits.models.applications.Channel",
        "RefusalCodeEnum": "benefits.models.applications.RefusalCode",
        "PaymentDocumentStatusEnum": "contributions.models.PaymentDocument.Status",
        "AwardStatusEnum": "benefits.models.awards.Award.Status",
        "RefundStatusEnum": "refunds.models.RefundApplication.Status",
        "PayoutOrderStatusEnum": "refunds.models.PayoutOrder.Status",
        "LifeEventKindEnum": "participants.models.LifeEvent.Kind",
        "LifeEventEffectEnum": "benefits.models.awards.AwardLifeEvent.Effect",
    },
}

# API rates (gfss/api/throttling.py), "N/s", "N/min", "N/hour" or "N/day"; "none": no limit.
API_THROTTLE_RATES = {
    scope: None if rate == "none" else rate
    for scope, rate in {
        "partner": env.str("THROTTLE_PARTNER", default="600/min"),
        "staff": env.str("THROTTLE_STAFF", default="300/min"),
        "bad_token": env.str("THROTTLE_BAD_TOKEN", default="10/min"),
        "refused_write": env.str("THROTTLE_REFUSED_WRITE", default="100/hour"),
    }.items()
}

# A partner token works for PARTNER_TOKEN_DAYS from its issue; after a rotation the old one
# keeps working for PARTNER_TOKEN_GRACE_HOURS, so the partner can switch without a gap.
PARTNER_TOKEN_LIFETIME = timedelta(days=env.int("PARTNER_TOKEN_DAYS", default=365))
PARTNER_TOKEN_GRACE = timedelta(hours=env.int("PARTNER_TOKEN_GRACE_HOURS", default=48))

# Logins: after LOGIN_FAILURE_LIMIT failures for one username from one address, that pair is
# refused for LOGIN_LOCKOUT_MINUTES (django-axes; the attempts are kept in the database).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "gfss.org.views.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "gfss.common.http.client_address"

# Set where our reverse proxy (docker-compose's nginx) is in front: only then are its
# X-Forwarded-Proto and X-Forwarded-For believed (a client could send either header itself).
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# DEBUG turns the cookie and HSTS settings below off for local use.
# TLS redirects are the proxy's job by default; set SECURE_SSL_REDIRECT where Django faces clients.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Every script and style comes from our own static files: no page needs an inline one.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features no page uses, turned off (gfss.common.middleware).
PERMISSIONS_POLICY = dict.fromkeys(
    [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "screen-wake-lock",
        "xr-spatial-tracking",
    ],
    (),  # allowed to no origin, this one included
)

# A staff session ends 8 hours after login, and when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# An e-case a specialist took is released after this many minutes without an action of theirs.
CASE_HOLD_MINUTES = env.int("CASE_HOLD_MINUTES", default=30)

# A body Django reads into memory (a form, a request's ``body``) is at most 1 MB, like the
# API's JSON; MT-102 files are streamed with a limit of their own (CONTRIBUTIONS_MAX_FILE_BYTES).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000

# One handler for every line, masking IINs (gfss.common.logfilters). Django's own loggers (its
# request warnings, runserver's access log) lose their default handlers and come here too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_iins": {"()": "gfss.common.logfilters.MaskIinFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_iins"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
    },
}
