"""Signals the core sends about staff accounts, for the surfaces to react to without the core importing them."""

from django.dispatch import Signal

# Sent with `user` and `reason` ("second_factor_reset") after an official's credentials were reset by
# someone else; the API revokes the account's device tokens.
credentials_reset = Signal()
