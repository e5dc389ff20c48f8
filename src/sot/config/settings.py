"""Django settings for sot. Every value comes from a declared SOT_* setting (env.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from sot.config import csp, env
from sot.config.database import parse_database_url
from sot.public import conf as public_conf
from sot.vocabulary import Language

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path.cwd()

SECRET_KEY = env.get("SOT_SECRET_KEY")
DEBUG = env.get("SOT_DEBUG")
PRODUCTION = env.get("SOT_PRODUCTION")
ALLOWED_HOSTS = env.get("SOT_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.get("SOT_CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    problems = []
    if SECRET_KEY == env.DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:
        problems.append("SOT_SECRET_KEY is the default or shorter than 32 characters")
    if DEBUG:
        problems.append("SOT_DEBUG is on")
    _site_host = (urlsplit(env.get("SOT_SITE_URL")).hostname or "").lower()
    if _site_host in ("", "localhost", "::1") or _site_host.startswith("127."):
        # the printed notices' QR codes and the snapshot's feeds carry this address
        problems.append("SOT_SITE_URL is empty or a loopback address")
    if problems:
        raise ImproperlyConfigured(
            "sot refuses to start in production mode: " + "; ".join(problems) + "."
        )
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HTTPS only: redirect plain HTTP, and tell browsers never to try it (HSTS).
    SECURE_SSL_REDIRECT = env.get("SOT_SSL_REDIRECT")
    SECURE_HSTS_SECONDS = env.get("SOT_HSTS_SECONDS")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
    SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0

INSTALLED_APPS = [
    "sot.validation",
    "sot.accounts",
    "sot.registry",
    "sot.operations",
    "sot.warnings",
    "sot.outreach",
    "sot.public",
    "sot.box",
    "sot.plans",
    "sot.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
]

CACHES = {
    # per process: rate-limit counters (sot.config.ratelimit)
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # rendered public pages keyed by the public version (sot.public.pagecache);
    # bounded, so a worker's memory does not grow with the pages asked for
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "sot-pages",
        "TIMEOUT": 30,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

MIDDLEWARE = [
    "sot.config.requestid.RequestIdMiddleware",
    # a HEAD gets the GET's headers and no body (gunicorn warned at every one)
    "sot.config.middleware.HeadMiddleware",
    "sot.config.limits.RequestSizeMiddleware",
    # a public page kept whole answers here, before the rest (sot.config.frontcache)
    "sot.config.frontcache.FrontCacheMiddleware",
    # gzip, then ETag/304 for every response that has none yet (API, officials'
    # pages); the public views compress and tag themselves. See docs/scaling.md
    # (BREACH: Django masks the CSRF token anew in every response).
    "sot.config.compression.CompressionMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "sot.public.http.OpenDataCorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sot.config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sot.config.middleware.CSPMiddleware",
    "sot.config.middleware.ErrorMiddleware",
    # last, as django-axes asks: turns a locked-out sign-in into its lockout page
    "axes.middleware.AxesMiddleware",
]

CONTENT_SECURITY_POLICY = csp.policy(
    package_dir=PACKAGE_DIR, tile_url=public_conf.tile_url()
)

ROOT_URLCONF = "sot.config.urls"
WSGI_APPLICATION = "sot.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(env.get("SOT_DATABASE_URL"), base_dir=BASE_DIR)
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"

# Sign-in throttling and lockout (django-axes): after AXES_FAILURE_LIMIT failed
# attempts for one user name from one address, that pair is locked out for
# AXES_COOLOFF_TIME; every failure and lockout is logged (docs/security.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.get("SOT_LOGIN_FAILURE_LIMIT")
AXES_COOLOFF_TIME = timedelta(minutes=env.get("SOT_LOGIN_LOCKOUT_MINUTES"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
AXES_VERBOSE = True
AXES_CLIENT_IP_CALLABLE = "sot.accounts.logins.client_ip"

LANGUAGE_CODE = env.get("SOT_LANGUAGE")
# The languages are defined once (sot.vocabulary.Language), each named in itself.
LANGUAGES = [(lang.value, lang.native) for lang in Language]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env.get("SOT_TIME_ZONE")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / env.get("SOT_STATIC_ROOT")
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / env.get("SOT_MEDIA_ROOT")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Request and upload limits (docs/security.md).
SOT_MAX_UPLOAD_BYTES = env.get("SOT_MAX_UPLOAD_MB") * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # non-file request bodies (JSON, forms)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files spill to a temporary file
FILE_UPLOAD_HANDLERS = [
    "sot.config.limits.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

SITE_URL = env.get("SOT_SITE_URL").rstrip("/")
PUBLISH_DIR = env.get("SOT_PUBLISH_DIR")

EMAIL_BACKEND = env.get("SOT_EMAIL_BACKEND")
EMAIL_HOST = env.get("SOT_EMAIL_HOST")
EMAIL_PORT = env.get("SOT_EMAIL_PORT")
EMAIL_HOST_USER = env.get("SOT_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.get("SOT_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.get("SOT_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env.get("SOT_DEFAULT_FROM_EMAIL")

# "slow": tasks that take seconds (the snapshot's lists of every point), run by a
# worker of their own (`sot serve` starts both) so they never delay a quick one.
SLOW_TASK_QUEUE = "slow"
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", SLOW_TASK_QUEUE],
    }
}

# Every line carries the request id; every 500 is logged with its traceback by
# django.request (also when DEBUG is off, where Django's default only mails admins).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "sot.config.requestid.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "loggers": {
        "sot": {"handlers": ["console"], "level": env.get("SOT_LOG_LEVEL")},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
        "django.security": {"handlers": ["console"], "level": "WARNING"},
        "axes": {"handlers": ["console"], "level": "WARNING"},
    },
}
