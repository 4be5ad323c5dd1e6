"""The integrity-risk model, encoded from the seed documents.

Import from here: ``from qingfeng.risk import CATEGORIES, grade, Assessment``.
"""
from .categories import CATEGORIES, CATEGORY_NAMES, Category, Definition, category
from .disposal import (AFTERCARE, NO_WARNING, RISK_POINT, SIGN, SITUATIONS, TRANSFER, VIOLATION, WARNINGS, Situation, Warning,
                       parse_warning, prescribed, situation, situation_for_disposal, warning_for)
from .grading import FACTOR_LABELS, TEACHING_RULE, Assessment, GradeResult, SeedVerdict, grade, parse_rating
from .levels import CRITERIA, LEVEL_SCHEMES, SUPERVISION, Level, parse_level
from .measures import MEASURES, Measure, measure, measures_for
from .pdca import EIGHT_STEPS, LUXI_EXAMPLE, METHODS, PDCA, SEARCH_LAYERS, STAGE_NAMES_BY_SEED, STAGES, YEARLY_CYCLE

__all__ = [
    "AFTERCARE", "TRANSFER", "WARNINGS", "Warning", "parse_warning", "warning_for",
    "NO_WARNING", "RISK_POINT", "SIGN", "SITUATIONS", "VIOLATION", "Situation", "situation", "situation_for_disposal", "prescribed",
    "CATEGORIES", "CATEGORY_NAMES", "Category", "Definition", "category",
    "FACTOR_LABELS", "TEACHING_RULE", "Assessment", "GradeResult", "SeedVerdict", "grade", "parse_rating",
    "CRITERIA", "LEVEL_SCHEMES", "SUPERVISION", "Level", "parse_level",
    "MEASURES", "Measure", "measure", "measures_for",
    "EIGHT_STEPS", "LUXI_EXAMPLE", "METHODS", "PDCA", "SEARCH_LAYERS", "STAGE_NAMES_BY_SEED", "STAGES", "YEARLY_CYCLE",
]
