"""Exercise content pipeline: validate English source, manage gettext catalogs, export bundles."""

__version__ = "0.1.0"
