"""Signals the core sends about staff accounts, for the surfaces to react to without the core importing them."""

from django.dispatch import Signal

# Sent with `user` and `reason` ("second_factor_reset") after an official's credentials were reset by
# someone else; the API revokes the account's device tokens.
credentials_reset = Signal()

# Sent with `proposal` and `step` ("proposed", "approved", "refused") when a category proposal is made or
# decided (R-14.3, pakn.org.proposals); pakn.notify tells the proposer and the administrators.
category_proposal = Signal()
