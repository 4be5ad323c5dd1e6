"""Exams: blueprints, papers as nbgrader notebooks, static answer reading and scoring."""
