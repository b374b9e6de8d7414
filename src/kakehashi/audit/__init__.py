"""The security audit log: who signed in, failed, was throttled, changed what account or role, and every
opportunity transition. Append-only: the service has no update or delete, and on PostgreSQL a trigger
refuses UPDATE and DELETE on the table."""
