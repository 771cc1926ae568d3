"""Movie notes on community's movie page: the spoiler-free synopsis and the character guide.

Stored per film with the version that produced them (models.py), written by a slow-queue
task (tasks.py) through services.py, read by pages and the API through selectors.py. The
characters come from the studio console's extraction (recommender.insight.mentions), so both
show the same characters.
"""
