"""Notifications: e-mail through SMTP (and, later, in-app notices), in the recipient's language."""
