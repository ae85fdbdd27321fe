"""Privacy operations: re-sealing under the newest key (`flask privacy rotate-keys`)."""
