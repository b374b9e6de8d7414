"""Events: B2B matchmaking events, registrations, meeting requests, scheduling runs, agendas, the day."""
