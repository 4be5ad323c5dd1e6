"""The integrity-risk model, encoded from the seed documents.

Import from here: ``from qingfeng.risk import CATEGORIES, grade, Assessment``.
"""
from .categories import CATEGORIES, CATEGORY_NAMES, Category, Definition, category
from .disposal import AFTERCARE, TRANSFER, WARNINGS, Warning, parse_warning, warning_for
from .grading import FACTOR_LABELS, Assessment, GradeResult, grade, parse_rating
from .levels import CRITERIA, LEVEL_SCHEMES, SUPERVISION, Level, parse_level
from .measures import MEASURES, Measure, measure, measures_for
from .pdca import EIGHT_STEPS, LUXI_EXAMPLE, METHODS, PDCA, SEARCH_LAYERS, STAGE_NAMES_BY_SEED, STAGES, YEARLY_CYCLE

__all__ = [
    "AFTERCARE", "TRANSFER", "WARNINGS", "Warning", "parse_warning", "warning_for",
    "CATEGORIES", "CATEGORY_NAMES", "Category", "Definition", "category",
    "FACTOR_LABELS", "Assessment", "GradeResult", "grade", "parse_rating",
    "CRITERIA", "LEVEL_SCHEMES", "SUPERVISION", "Level", "parse_level",
    "MEASURES", "Measure", "measure", "measures_for",
    "EIGHT_STEPS", "LUXI_EXAMPLE", "METHODS", "PDCA", "SEARCH_LAYERS", "STAGE_NAMES_BY_SEED", "STAGES", "YEARLY_CYCLE",
]
