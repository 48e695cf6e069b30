"""Provider staff console: every page under /staff/. It composes tenants, registrations,
compliance and messaging; none of them imports it."""
