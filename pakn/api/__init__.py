"""The REST API v1 for the citizens' and officials' apps (django-ninja, issue 5)."""
