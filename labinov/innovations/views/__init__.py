"""Pages of the innovations app."""
