"""docker-compose.yml and the Dockerfile describe a stack that can start: the services, their
commands, health checks and environment. (No Docker engine runs here, so the file is parsed
and checked; `docker compose config` is used too where the client has compose.)"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_compose_has_the_services_with_health_checks():
    assert set(SERVICES) == {"postgres", "redis", "migrate", "web", "worker", "beat", "sandbox"}
    for name in ("postgres", "redis", "web", "worker", "beat", "sandbox"):
        assert SERVICES[name]["healthcheck"]["test"], name


def test_compose_commands_run_the_portal_parts():
    assert SERVICES["web"]["command"][:2] == ["gunicorn", "portal.wsgi:application"]
    assert SERVICES["worker"]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert "--queues=default,aws,mail,webhooks" in SERVICES["worker"]["command"]
    assert SERVICES["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]
    assert SERVICES["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert SERVICES["sandbox"]["command"][:4] == ["python", "-m", "sandbox", "serve"]
    for name in ("web", "worker", "beat"):
        assert (
            SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        )


def test_compose_environment_points_at_its_own_database_and_broker():
    for name in ("migrate", "web", "worker", "beat"):
        environment = SERVICES[name]["environment"]
        assert environment["PORTAL_ENVIRONMENT"] == "production"
        assert environment["DATABASE_URL"].startswith("postgres://portal:")
        assert environment["DATABASE_URL"].endswith("@postgres:5432/portal")
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert "SECRET_KEY" in environment
        assert SERVICES[name]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_compose_services_use_documented_variables():
    documented = {
        line.split("=", 1)[0].lstrip("# ").strip()
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line
    }
    used = set(SERVICES["web"]["environment"])
    assert used <= documented, sorted(used - documented)


def test_dockerfile_copies_every_package():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in (
        "portal",
        "tenants",
        "registrations",
        "compliance",
        "messaging",
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
        env={**os.environ, "SECRET_KEY": "x" * 60},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
