"""Roster context: grades, classes (with homeroom teachers, 班主任), students, guardians, pickup adults,
and the term calendar (``roster.calendar``)."""
