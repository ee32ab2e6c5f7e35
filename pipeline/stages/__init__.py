"""What the commands run, from source/ to build/: validate, extract, update, the gate of
`check`, export, build, preview and watch.
"""
