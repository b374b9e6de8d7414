"""The real-process fixtures of tests/deploy (a migrated PostgreSQL, the workers' environment, the started
processes stopped after the test), for the job tests that start ``kakehashi worker`` processes."""

from tests.deploy.test_processes import environment, migrated, processes

__all__ = ["environment", "migrated", "processes"]
