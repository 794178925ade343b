"""Project-wide commands: serving, the worker, demo data, key rotation."""
