"""docker-compose.yml and the Dockerfile describe a stack that can start: the services, their
commands, health checks and environment. (No Docker engine runs here, so the file is parsed
and checked; `docker compose config` is used too where the client has compose.) The image's
build and start are rehearsed for real by `.ci/prod-smoke`; its Dockerfile reader is tested here.
"""

from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from portal.celery import QUEUES, app

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
WORKERS = ("worker", "worker-aws", "worker-webhooks")
PORTAL_SERVICES = ("migrate", "web", *WORKERS, "beat")
# Secrets: compose must stop with a message when one is missing, never fill in a default.
SECRETS = (
    "SECRET_KEY",
    "POSTGRES_PASSWORD",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "EUM_EVENTS_TOPIC_ARN",
    "SNS_REGISTRATION_TOPIC_ARNS",
)


@functools.cache
def _smoke_module():
    loader = importlib.machinery.SourceFileLoader("prod_smoke", str(ROOT / ".ci" / "prod-smoke"))
    spec = importlib.util.spec_from_loader("prod_smoke", loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["prod_smoke"] = module  # dataclasses look their module up there
    loader.exec_module(module)
    return module


def test_compose_has_the_services_with_health_checks():
    assert set(SERVICES) == {"postgres", "redis", "migrate", "web", *WORKERS, "beat", "sandbox"}
    for name in ("postgres", "redis", "web", *WORKERS, "beat", "sandbox"):
        assert SERVICES[name]["healthcheck"]["test"], name


def test_compose_commands_run_the_portal_parts():
    assert SERVICES["web"]["command"][:2] == ["gunicorn", "portal.wsgi:application"]
    for name in WORKERS:
        assert SERVICES[name]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert SERVICES["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]
    assert SERVICES["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert SERVICES["sandbox"]["command"][:4] == ["python", "-m", "sandbox", "serve"]
    for name in ("web", *WORKERS, "beat"):
        assert (
            SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        )


def _option(command: list[str], name: str) -> str:
    values = [part.split("=", 1)[1] for part in command if part.startswith(f"--{name}=")]
    assert len(values) == 1, (name, command)
    return values[0]


def test_workers_split_the_queues_as_the_celery_settings_route_them():
    consumed: dict[str, str] = {}
    for name in WORKERS:
        for queue in _option(SERVICES[name]["command"], "queues").split(","):
            assert queue not in consumed, f"{queue} is consumed by {consumed.get(queue)} and {name}"
            consumed[queue] = name
    # Every declared queue, and every queue a route sends to, has exactly one worker service.
    assert set(consumed) == set(QUEUES)
    assert {route["queue"] for route in app.conf.task_routes.values()} <= set(consumed)
    # AWS calls (rate-limited, slow) and webhook deliveries (to endpoints we do not control)
    # each have a worker of their own, so neither can starve mail or the other.
    assert _option(SERVICES[consumed["aws"]]["command"], "queues") == "aws"
    assert _option(SERVICES[consumed["webhooks"]]["command"], "queues") == "webhooks"
    hostnames = {_option(SERVICES[name]["command"], "hostname") for name in WORKERS}
    assert len(hostnames) == len(WORKERS)
    for name in WORKERS:  # the health check pings this worker by the name it runs under
        prefix = _option(SERVICES[name]["command"], "hostname").split("@")[0]
        assert f"--destination {prefix}@$$HOSTNAME" in SERVICES[name]["healthcheck"]["test"][1]
        assert re.fullmatch(
            r"\$\{WORKER_[A-Z_]*CONCURRENCY:-\d+\}",
            _option(SERVICES[name]["command"], "concurrency"),
        )


def test_compose_environment_points_at_its_own_database_and_broker():
    for name in PORTAL_SERVICES:
        environment = SERVICES[name]["environment"]
        assert environment["PORTAL_ENVIRONMENT"] == "production"
        assert environment["DATABASE_URL"].startswith("postgres://portal:")
        assert environment["DATABASE_URL"].endswith("@postgres:5432/portal")
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert "SECRET_KEY" in environment
        assert SERVICES[name]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_compose_refuses_to_start_without_its_secrets():
    references = re.findall(r"\$\{([A-Z0-9_]+)(?:(:?[-?+])([^}]*))?\}", COMPOSE_TEXT)
    for name in SECRETS:
        uses = [(op, text) for var, op, text in references if var == name]
        assert uses, f"{name} is not used"
        for op, text in uses:
            assert op == ":?" and text.strip(), f"${{{name}{op}{text}}} is not a required variable"
    assert "${POSTGRES_PASSWORD:?" in SERVICES["postgres"]["environment"]["POSTGRES_PASSWORD"]
    for name in PORTAL_SERVICES:
        environment = SERVICES[name]["environment"]
        assert environment["AWS_ACCESS_KEY_ID"].startswith("${AWS_ACCESS_KEY_ID:?")
        assert environment["AWS_SECRET_ACCESS_KEY"].startswith("${AWS_SECRET_ACCESS_KEY:?")
        # Real AWS unless staging says otherwise: no sandbox address filled in.
        assert "sandbox" not in environment["EUM_ENDPOINT_URL"]
        assert "sandbox" not in environment["SNS_TRUSTED_CERT_ORIGINS"]
    assert "sandbox" not in COMPOSE_TEXT.split("x-portal: &portal")[0].split("x-portal-env:")[1]


def test_the_sandbox_runs_only_in_its_staging_profile():
    assert SERVICES["sandbox"]["profiles"] == ["sandbox"]
    for name in PORTAL_SERVICES:
        assert "sandbox" not in SERVICES[name].get("depends_on", {})


def test_compose_services_use_documented_variables():
    documented = {
        line.split("=", 1)[0].lstrip("# ").strip()
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line
    }
    used = set(SERVICES["web"]["environment"])
    assert used <= documented, sorted(used - documented)
    interpolated = set(re.findall(r"\$\{([A-Z0-9_]+)", COMPOSE_TEXT))
    assert interpolated <= documented, sorted(interpolated - documented)


def test_dockerfile_copies_every_package():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in (
        "portal",
        "tenants",
        "registrations",
        "compliance",
        "messaging",
        "staff",
        "sandbox",
        "templates",
        "static",
    ):
        assert f"COPY {package} ./{package}" in dockerfile


def test_docker_compose_config_when_available():
    docker = shutil.which("docker")
    has_compose = (
        docker
        and subprocess.run(
            [docker, "compose", "version"], capture_output=True, timeout=30
        ).returncode
        == 0
    )
    if not has_compose:
        # Parsing above is the check on machines whose Docker client has no compose plugin.
        assert COMPOSE["volumes"].keys() == {
            "postgres-data",
            "redis-data",
            "portal-files",
            "sandbox-state",
        }
        return
    result = subprocess.run(
        [docker, "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "--quiet"],
        env={
            **os.environ,
            "SECRET_KEY": "x" * 60,
            "POSTGRES_PASSWORD": "p" * 24,
            "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "s" * 40,
            "EUM_EVENTS_TOPIC_ARN": "arn:aws:sns:us-east-1:111122223333:events",
            "SNS_REGISTRATION_TOPIC_ARNS": "arn:aws:sns:us-east-1:111122223333:registrations",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_dockerfile_collects_static_files_under_production_settings(tmp_path):
    """The image's collectstatic line, run as written (only STATIC_ROOT moved to a temporary
    folder), must write the manifest that production's storage reads: without it every page
    that names a static file is a 500."""
    image = _smoke_module().read_dockerfile(ROOT / "Dockerfile")
    assert image.collectstatic_args[:3] == ["python", "manage.py", "collectstatic"]
    assert image.collectstatic_env.get("PORTAL_ENVIRONMENT") == "production"
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    result = subprocess.run(
        [sys.executable, *image.collectstatic_args[1:]],
        cwd=ROOT,
        env={**keep, **image.env, **image.collectstatic_env, "STATIC_ROOT": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in ("css/portal.css", "js/portal.js", "registrations/wizard.js", "api/docs.css"):
        assert name in manifest
        assert (tmp_path / manifest[name]).is_file()
        assert (tmp_path / (manifest[name] + ".gz")).is_file()  # compressed for whitenoise
    # The throwaway build values stay in that one RUN line, not in the image's environment.
    assert "SECRET_KEY" not in image.env


def test_image_command_is_the_compose_web_command_and_the_smoke_binds_it_locally():
    smoke = _smoke_module()
    image = smoke.read_dockerfile(ROOT / "Dockerfile")
    assert image.cmd == SERVICES["web"]["command"]
    assert image.env["DJANGO_SETTINGS_MODULE"] == "portal.settings"
    command = smoke.server_command(image, 18123)
    assert command[1:] == ["portal.wsgi:application", "--bind", "127.0.0.1:18123", *image.cmd[4:]]
    copied = {source for sources, _ in image.copies for source in sources}
    assert {"manage.py", "pyproject.toml", "templates", "static"} <= copied
