"""Similar reviews (under each review) and related threads (on each discussion).

One MiniLM vector per review and per thread, stored with the encoder's version, and each
row's nearest neighbours computed when vectors change (services), so pages read a short list
of ids instead of searching the corpus (selectors). Community shows them through the slots
community.reviews.similar and community.discussions.related, which apps.py fills.
"""
