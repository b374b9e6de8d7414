"""The demo: the real Wikipedia companies, an illustrative set of organisations and opportunities,
and one demo user for each role."""
