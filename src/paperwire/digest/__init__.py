"""E-mail digests: subscriptions (double opt-in), composing editions, the send ledger and the sender."""
