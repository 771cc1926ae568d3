"""Studio insight: per-film aggregates kept by tasks, the console's selectors, pages and API.

It reads both floors (community's ratings and reviews, recommender's analyses and taste
profiles), so it lives upstairs; community never imports it. Pages and the API only read
the stored aggregates (`FilmInsight`, `InsightBenchmark`), never compute them.
"""
