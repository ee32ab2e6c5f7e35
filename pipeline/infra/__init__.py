"""The machinery the stages use: the per-file cache, atomic files and locks, file
records, worker processes, progress and the build folder's swap.
"""
