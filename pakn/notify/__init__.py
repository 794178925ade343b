"""Notifications: the outbox, its channels and their delivery by the worker (issue 7)."""
