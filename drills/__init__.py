"""Drills: the whole stack on loopback, put under load or with one part failing.

Run them with `python -m drills <drill> ...` (see docs/drills.md). Each prints its figures and
ends with a check that nothing was lost. The pieces that need no running stack (the report
maths, the pausable database proxy) are tested in tests/drills/.
"""
