-- The ticket page lists a ticket's penalties and rewards by ticket.
CREATE INDEX ticket_sanctions_ticket ON ticket_sanctions (ticket_id);
