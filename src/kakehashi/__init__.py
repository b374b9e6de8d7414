"""Kakehashi (架け橋): the Italy–Japan industrial partnership platform."""

__version__ = "0.1.0"
