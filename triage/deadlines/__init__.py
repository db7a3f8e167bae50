"""Statutory deadlines: the working-day calendar, policy packs and pure clock maths.

Pure (no Flask, SQLAlchemy, Celery or ``intake`` imports); ``intake`` calls it with
timezone-aware datetimes and stores what it returns.
"""
