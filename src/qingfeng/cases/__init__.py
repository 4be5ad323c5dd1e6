"""The risk case library: real disposal records with training annotations."""
from .library import LoadedLibrary, dump_case, load_library
from .model import SCHEMA_VERSION, Annotation, Case, Source, case_from_dict
from .summary import LibrarySummary, summarise
from .validation import Problem, validate_case

__all__ = ["LoadedLibrary", "dump_case", "load_library", "SCHEMA_VERSION", "Annotation", "Case",
           "Source", "case_from_dict", "LibrarySummary", "summarise", "Problem", "validate_case"]
