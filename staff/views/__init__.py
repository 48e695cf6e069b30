"""The staff console's pages, one module per part: dashboard, registrations, tenants (and the
provider's own profile and the audit log), compliance (message templates), opt_outs."""
