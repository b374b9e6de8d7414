"""B2B matchmaking events: events, registrations, meeting requests, scheduling runs, agendas, check-in,
feedback."""
