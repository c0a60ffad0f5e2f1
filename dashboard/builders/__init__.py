"""Page builders: filters and a viewer's permissions in, a typed Page out."""
