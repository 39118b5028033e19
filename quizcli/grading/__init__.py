"""quizcli answer grading (pure library; sympy/numpy are imported lazily)."""
from .result import GradeResult, ParseError
from .numeric import parse_number, parse_array, grade_numeric
from .symbolic import (DEFAULT_FUNCTIONS, parse_expression, equivalent, grade_symbolic,
                       warm_up)

__all__ = ["GradeResult", "ParseError", "parse_number", "parse_array", "grade_numeric",
           "DEFAULT_FUNCTIONS", "parse_expression", "equivalent", "grade_symbolic", "warm_up"]
