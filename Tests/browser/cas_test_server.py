"""A real CAS 3.0 server for the tests: django-cas-server (PyPI), configured here in process.

    cas_test_server.py PORT DATA_FOLDER USER PASSWORD EMAIL DISPLAY_NAME

Serves https-less CAS on http://127.0.0.1:PORT/cas/ (login, logout, serviceValidate,
p3/serviceValidate) with one account, USER / PASSWORD, whose attributes are `mail` and
`displayName`, released to any service on 127.0.0.1. Prints "ready" once it accepts requests.
"""
import os
import signal
import sys

# The test process may ignore SIGTERM (graceful shutdown), and children inherit that: stop on it.
signal.signal(signal.SIGTERM, signal.SIG_DFL)

port, data, user, password, email, display_name = sys.argv[1:7]

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    SECRET_KEY="museolab-tests-only",
    INSTALLED_APPS=[
        "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
        "django.contrib.messages", "django.contrib.staticfiles", "cas_server",
    ],
    MIDDLEWARE=[
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ],
    TEMPLATES=[{
        "BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
        "OPTIONS": {"context_processors": [
            "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
            "django.contrib.messages.context_processors.messages",
        ]},
    }],
    ROOT_URLCONF=__name__,
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(data, "cas.sqlite3")}},
    STATIC_URL="/static/",
    USE_TZ=True,
    CAS_AUTH_CLASS="cas_server.auth.TestAuthUser",
    CAS_TEST_USER=user,
    CAS_TEST_PASSWORD=password,
    CAS_TEST_ATTRIBUTES={"mail": email, "displayName": display_name},
    CAS_SHOW_POWERED=False,
    CAS_NEW_VERSION_HTML_WARNING=False,
    CAS_NEW_VERSION_EMAIL_WARNING=False,
)
django.setup()

from django.urls import include, path

urlpatterns = [path("cas/", include("cas_server.urls", namespace="cas_server"))]

from django.core.management import call_command

call_command("migrate", verbosity=0, interactive=False)

from cas_server.models import ReplaceAttributName, ServicePattern

pattern, _ = ServicePattern.objects.get_or_create(name="MuséoLab", pattern=r"^http://127\.0\.0\.1:\d+/.*$")
ReplaceAttributName.objects.get_or_create(name="*", replace="", service_pattern=pattern)

from django.core.servers.basehttp import WSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


server = WSGIServer(("127.0.0.1", int(port)), QuietHandler)
server.set_app(get_wsgi_application())
print("ready", flush=True)
server.serve_forever()
