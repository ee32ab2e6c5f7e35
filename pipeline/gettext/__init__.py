"""The gettext side: reading and writing catalogs, templates from documents, the
translation memory and merge, and the checks a translation must pass.
"""
