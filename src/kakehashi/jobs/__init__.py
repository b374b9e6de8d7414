"""Long work as jobs of one job library, procrastinate (PostgreSQL is the broker: no second server).

- ``registry``: every job the platform knows (name, function, lock, retries): the one place where later
  features add scheduling runs, e-mails and reports.
- ``runs``: the ``job_runs`` table that officers read (status, progress, errors), written by every run.
- ``queue``: the procrastinate app over PostgreSQL, deferring with queueing locks, the worker loop with
  stalled-job recovery (``kakehashi worker``).
- ``service``: what officers may see.

With the SQLite default (or ``jobs_runner = in-process``) the same job functions run in the server process:
the indexing thread calls them through :func:`kakehashi.jobs.registry.run_inline`.
"""
