"""quizcli answer grading (pure library; sympy/numpy are imported lazily)."""
from .result import GradeResult, ParseError
from .numeric import parse_number, parse_array, grade_numeric

__all__ = ["GradeResult", "ParseError", "parse_number", "parse_array", "grade_numeric"]
