"""Users, agencies (ICE, JETRO), roles, passwords, sessions and API tokens."""

from kakehashi.accounts.roles import VISITOR, Actor, Role

__all__ = ["VISITOR", "Actor", "Role"]
