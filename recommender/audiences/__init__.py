""" "What audiences say" on the movie page: a few sentences on what a film's reviewers praise and
criticise, with counts from the review analyses, two verbatim quotes and links to the reviews
behind each point.

facts.py counts the film's visible analysed reviews (two variants: without and with reviews
marked as spoilers); services.py writes the texts (recommender.llm.audiences_generation,
slow queue: tasks.py) when those counts changed enough; selectors.py is the one reader of
the movie page (templatetags/recommender_audiences.py) and the API (api/); views.py lists the
reviews behind a point.
"""
