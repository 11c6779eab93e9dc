"""Template tags shared by every reader page."""
