"""MT-102 payment documents (docs/mt102.md): decode, parse, validate and build, with no ORM.

``parse_and_validate`` in ``validate`` is the entry point for importers.
"""
