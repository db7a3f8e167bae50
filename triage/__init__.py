"""Pure triage: tokenisation, location, classification, routing, deadlines.

No Flask, SQLAlchemy, Celery or ``intake`` imports here: data in, decisions out.
"""
