"""The English content: the pydantic models that define it, reading YAML with positions,
the text units a document holds, and the rules a library must follow.
"""
