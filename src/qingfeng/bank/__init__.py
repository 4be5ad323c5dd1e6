"""The question bank: hand-editable YAML items, validated."""
from .loading import Bank, load_bank
from .model import ITEM_TYPES, OBJECTIVE_TYPES, SUBJECTIVE_TYPES, TOPICS, Blank, Item, RubricPoint
from .validation import BankProblem

__all__ = ["Bank", "load_bank", "ITEM_TYPES", "OBJECTIVE_TYPES", "SUBJECTIVE_TYPES", "TOPICS", "Blank", "Item",
           "RubricPoint", "BankProblem"]
