"""The staff console: inboxes, cases and their actions (issue 4)."""
