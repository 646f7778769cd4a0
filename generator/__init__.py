"""Reads the portfolio from disk, reports on it and (later) renders the site."""
