"""Working calendar and deadline arithmetic (clock hours, working hours, working days, calendar days)."""
