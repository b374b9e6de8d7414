"""The pipeline: expressions of interest → consent and disclosure → introductions brokered by the
agencies → agreements and investments, every step in the append-only audit log.

Identities stay hidden until both sides have accepted an introduction: :mod:`kakehashi.pipeline.views`
is the one place that decides what a viewer sees of the other side.
"""
