"""What every layer shares: the project's configuration, the registry of diagnostic codes
and the diagnostics themselves.
"""
