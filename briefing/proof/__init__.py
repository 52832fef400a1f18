"""Proof-listening: what an offline recogniser hears in the built chapters."""
