"""Sign-in, roles and the request guard. See SECURITY.md for the threat model."""
