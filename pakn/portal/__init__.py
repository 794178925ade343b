"""The citizen portal and the public transparency pages (issue 3)."""
