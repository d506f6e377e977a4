"""The outbox: every message Hearth sends to a person, and the ways it can reach her."""
