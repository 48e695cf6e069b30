"""Settings come from the environment and refuse bad values at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal import env

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "s" * 60


def _settings_in_subprocess(**variables: str) -> subprocess.CompletedProcess:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], 'broker': s.CELERY_BROKER_URL, "
        "'storage': s.STORAGES['default']['BACKEND'], 'debug': s.DEBUG, 'eum': s.EUM_ENDPOINT_URL, "
        "'email': s.EMAIL_BACKEND}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**keep, "DJANGO_SETTINGS_MODULE": "portal.settings", **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_embedded_defaults_need_no_server():
    result = _settings_in_subprocess()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '{"db": "django.db.backends.sqlite3", "broker": "filesystem://", '
        '"storage": "django.core.files.storage.FileSystemStorage", "debug": true, '
        '"eum": "http://127.0.0.1:4599", "email": "django.core.mail.backends.console.EmailBackend"}'
    )


def test_variables_switch_to_the_real_parts():
    result = _settings_in_subprocess(
        DATABASE_URL="postgres://u:p@db.internal:5432/portal",
        REDIS_URL="redis://cache.internal:6379/0",
        AWS_STORAGE_BUCKET_NAME="portal-files",
        AWS_S3_REGION_NAME="us-east-1",
        EUM_ENDPOINT_URL="https://sms-voice.us-east-1.amazonaws.com",
        EMAIL_HOST="smtp.internal",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '{"db": "django.db.backends.postgresql", "broker": "redis://cache.internal:6379/0", '
        '"storage": "storages.backends.s3.S3Storage", "debug": true, '
        '"eum": "https://sms-voice.us-east-1.amazonaws.com", '
        '"email": "django.core.mail.backends.smtp.EmailBackend"}'
    )


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        (
            {"PORTAL_ENVIRONMENT": "prod"},
            "PORTAL_ENVIRONMENT='prod' is not one of: development, production.",
        ),
        ({"PORTAL_ENVIRONMENT": "production"}, "SECRET_KEY is required and is not set."),
        (
            {"PORTAL_ENVIRONMENT": "production", "SECRET_KEY": "short"},
            "SECRET_KEY must be at least 50 characters in production.",
        ),
        (
            {"PORTAL_ENVIRONMENT": "production", "SECRET_KEY": GOOD_SECRET},
            "ALLOWED_HOSTS is required in production",
        ),
        (
            {"PORTAL_ENVIRONMENT": "production", "SECRET_KEY": GOOD_SECRET, "DEBUG": "true"},
            "DEBUG cannot be on when PORTAL_ENVIRONMENT=production.",
        ),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL must start with one of postgres://"),
        ({"REDIS_URL": "http://x"}, "REDIS_URL must start with one of redis://, rediss://"),
        ({"AWS_STORAGE_BUCKET_NAME": "b"}, "AWS_S3_REGION_NAME is required and is not set."),
        ({"EUM_CONTROL_PLANE_RPS": "fast"}, "EUM_CONTROL_PLANE_RPS='fast' is not a number."),
        (
            {
                "AWS_ACCESS_KEY_ID": "AKIA",
                "AWS_SECRET_ACCESS_KEY": "",
                "PORTAL_ENVIRONMENT": "production",
                "SECRET_KEY": GOOD_SECRET,
                "ALLOWED_HOSTS": "x",
                "PORTAL_BASE_URL": "https://x",
            },
            "Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither.",
        ),
    ],
)
def test_bad_configuration_stops_the_start(variables, message):
    result = _settings_in_subprocess(**variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


PRODUCTION = {
    "PORTAL_ENVIRONMENT": "production",
    "SECRET_KEY": GOOD_SECRET,
    "ALLOWED_HOSTS": "sms.example.com",
    "PORTAL_BASE_URL": "https://sms.example.com",
    "SNS_REGISTRATION_TOPIC_ARNS": "arn:aws:sns:us-east-1:111122223333:registration-events",
    "EUM_EVENTS_TOPIC_ARN": "arn:aws:sns:us-east-1:111122223333:sms-events",
}


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"SNS_REGISTRATION_TOPIC_ARNS": ""},
            "SNS_REGISTRATION_TOPIC_ARNS is required in production",
        ),
        ({"EUM_EVENTS_TOPIC_ARN": ""}, "EUM_EVENTS_TOPIC_ARN is required in production"),
        (
            {"SNS_TOPIC_ARNS": "arn:aws:sns:us-east-1:111122223333:x"},
            "SNS_TOPIC_ARNS is no longer read",
        ),
        (
            {"SNS_REGISTRATION_TOPIC_ARNS": "*"},
            "SNS_REGISTRATION_TOPIC_ARNS: '*' is not an SNS topic ARN",
        ),
        (
            {"SNS_INBOUND_TOPIC_ARNS": "arn:aws:sns:us-east-1:1:inbound"},
            "SNS_INBOUND_TOPIC_ARNS: 'arn:aws:sns:us-east-1:1:inbound' is not an SNS topic ARN",
        ),
    ],
)
def test_production_refuses_to_start_without_its_sns_topics(variables, message):
    result = _settings_in_subprocess(**{**PRODUCTION, **variables})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_sns_topics_default_to_the_sandbox_in_development_and_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SNS_REGISTRATION_TOPIC_ARNS, s.EUM_EVENTS_TOPIC_ARN, s.SNS_INBOUND_TOPIC_ARNS)"
    )
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}

    def topics(**variables: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
            env={**keep, "DJANGO_SETTINGS_MODULE": "portal.settings", **variables},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert topics() == (
        "['arn:aws:sns:us-east-1:123456789012:eum-registration-events'] "
        "arn:aws:sns:us-east-1:123456789012:portal-sms-events []"
    )
    assert topics(
        **PRODUCTION, SNS_INBOUND_TOPIC_ARNS=" arn:aws:sns:eu-west-1:111122223333:in ,"
    ) == (
        "['arn:aws:sns:us-east-1:111122223333:registration-events'] "
        "arn:aws:sns:us-east-1:111122223333:sms-events "
        "['arn:aws:sns:eu-west-1:111122223333:in']"
    )


def test_production_with_everything_set_starts():
    result = _settings_in_subprocess(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert '"debug": false' in result.stdout
    assert '"eum": ""' in result.stdout  # real AWS unless an endpoint is set


def test_secret_from_a_file(tmp_path, monkeypatch):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SOME_SECRET_FILE", str(secret))
    monkeypatch.delenv("SOME_SECRET", raising=False)
    assert env.env_str("SOME_SECRET") == "from-a-file"
    monkeypatch.setenv("SOME_SECRET", "also-set")
    with pytest.raises(ImproperlyConfigured, match="Set either SOME_SECRET or SOME_SECRET_FILE"):
        env.env_str("SOME_SECRET")


def test_database_urls(tmp_path):
    pg = env.database_from_url(
        "DATABASE_URL",
        "postgresql://po%40st:pw@127.0.0.1:5433/portal?sslmode=require",
        base_dir=tmp_path,
    )
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"], pg["OPTIONS"]) == (
        "po@st",
        "pw",
        "127.0.0.1",
        "5433",
        "portal",
        {"sslmode": "require"},
    )
    relative = env.database_from_url("DATABASE_URL", "sqlite:///var/x.sqlite3", base_dir=tmp_path)
    assert relative["NAME"] == str(tmp_path / "var/x.sqlite3")
    absolute = env.database_from_url("DATABASE_URL", "sqlite:////tmp/y.sqlite3", base_dir=tmp_path)
    assert absolute["NAME"] == "/tmp/y.sqlite3"
    with pytest.raises(ImproperlyConfigured, match="needs a database name"):
        env.database_from_url("DATABASE_URL", "postgres://127.0.0.1:5432/", base_dir=tmp_path)


def test_numbers_and_lists(monkeypatch):
    monkeypatch.setenv("N", "0")
    with pytest.raises(ImproperlyConfigured, match="N=0 is below the minimum of 1."):
        env.env_int("N", 5, minimum=1)
    monkeypatch.setenv("L", " a, b ,,c ")
    assert env.env_list("L", []) == ["a", "b", "c"]
