"""Pure functions on text and records: cleaning, canonical URLs, fingerprints, deduplication.

Nothing here does I/O, reads the clock or the environment, or imports another newsetl package.
"""
