"""The Dash pages: each module's layout and metadata, registered by the app factory."""
