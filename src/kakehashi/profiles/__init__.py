"""Organisations and opportunities: the catalogue that everything else stands on."""
