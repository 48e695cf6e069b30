"""The staff console's tests review registrations made against the sandbox: its process, its
per-test control and the synced catalog are the engine's fixtures."""

from tests.registrations.conftest import catalog, sandbox, sandbox_process  # noqa: F401
