"""Use cases: open a unit of work, load, apply the process rules, record the audit event, commit."""
