"""Unit-wide exam statistics: data loading, Moodle-style measures, charts and reports."""
