"""The structure the architecture document promises (docs/architecture.md), held by the source.

- no import cycle between the apps' modules (services start tasks through ``portal.enqueue``;
  tasks import services, never the reverse);
- dependencies run one way: ``staff``, ``messaging`` → ``registrations`` → ``compliance`` →
  ``tenants`` → ``portal``; only the composition modules (URL root, Celery app, runner, WSGI)
  import across the whole product; the sandbox is AWS, not part of the portal;
- imports inside functions are few and each says why;
- AWS operation names appear only in ``registrations/aws/``.

The first tests prove the reader finds what it looks for on a small made-up codebase, so that
the checks below cannot pass by reading nothing.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.architecture import AWS_EDGE, Codebase

MAX_LOCAL_IMPORTS = 10


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.fixture
def made_up(tmp_path) -> Codebase:
    _write(
        tmp_path,
        {
            "tenants/__init__.py": "",
            "tenants/services.py": """
                from typing import TYPE_CHECKING

                from tenants import tasks

                if TYPE_CHECKING:
                    from registrations.models import Registration


                def invite():
                    from registrations import models  # needed late: made-up reason
                    import json

                    # parsed on demand
                    import csv
                    return tasks, models, json, csv
                """,
            "tenants/tasks.py": "from .services import invite\n",
            "registrations/__init__.py": "",
            "registrations/models.py": "from tenants.services import invite\n",
            "registrations/aws/__init__.py": "",
            "registrations/aws/gateway.py": (
                "def go(gw):\n    return gw.call('CreateRegistration')\n"
            ),
            "registrations/services.py": """
                def submit(gw):
                    gw.call("SubmitRegistrationVersion")
                    gw.call("lower_case_is_not_a_wire_name")
                    return gw._pages("DescribeRegistrations", "Registrations")
                """,
        },
    )
    return Codebase(tmp_path, ("tenants", "registrations"))


def test_reader_finds_cycles_through_relative_and_function_imports(made_up):
    # services → tasks → services (relative import), services → models → services (in a function)
    assert made_up.cycles() == [["registrations.models", "tenants.services", "tenants.tasks"]]


def test_reader_ignores_type_checking_imports_and_sees_upward_ones(made_up):
    assert made_up.upward() == [("tenants.services", "registrations.models")]


def test_reader_finds_local_imports_and_their_reasons(made_up):
    found = {(item.line, item.target): item.reason for item in made_up.local_imports()}
    reasons = sorted(found.values())
    assert len(found) == 3
    assert reasons == ["", "needed late: made-up reason", "parsed on demand"]


def test_reader_finds_wire_names_outside_the_edge_only(made_up):
    assert [(module, name) for module, _, name in made_up.wire_calls()] == [
        ("registrations.services", "SubmitRegistrationVersion"),
        ("registrations.services", "_pages"),
    ]


# -- the project itself --------------------------------------------------------------------


@pytest.fixture(scope="module")
def codebase() -> Codebase:
    return Codebase()


def test_the_reader_reads_the_project(codebase):
    assert len(codebase.modules) > 100
    assert any(module.imports for module in codebase.modules.values())


def test_no_import_cycles(codebase):
    assert codebase.cycles() == [], "modules that import each other, directly or around a circle"


def test_no_dependency_runs_upward(codebase):
    assert codebase.upward() == [], (
        "staff, messaging → registrations → compliance → tenants → portal: these run the other way"
    )


def test_function_local_imports_are_few_and_each_says_why(codebase):
    local = codebase.local_imports()
    unexplained = [str(item) for item in local if not item.reason]
    assert unexplained == [], "a function-local import needs a comment saying why it is there"
    assert len(local) <= MAX_LOCAL_IMPORTS, [f"{item}  # {item.reason}" for item in local]


def test_aws_wire_names_live_only_in_the_aws_edge(codebase):
    assert codebase.wire_calls() == [], f"PascalCase AWS operations belong in {AWS_EDGE}"


def test_the_sandbox_is_not_part_of_the_portal():
    sandbox = Codebase(packages=("sandbox",))
    apps = ("portal", "tenants", "compliance", "registrations", "messaging", "staff", "django")
    assert sandbox.imports_of_package("sandbox", apps) == []
    portal = Codebase()
    users = [
        (module, line)
        for app in ("tenants", "compliance", "registrations", "messaging", "staff")
        for module, line in portal.imports_of_package(app, ("sandbox",))
    ]
    assert users == [], "the portal reaches the sandbox over HTTP, as it would reach AWS"
