"""The lab's pages, one module per part of the work (see urls.py)."""
