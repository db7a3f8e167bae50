"""Channels turn a provider's request into one intake service call."""
