"""Settings, extensions, the database and its models, and the vocabularies every layer shares."""
