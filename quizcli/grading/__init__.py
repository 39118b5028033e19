"""quizcli answer grading (pure library; sympy/numpy are imported lazily)."""
from .result import GradeResult, ParseError
from .numeric import parse_number, parse_array, grade_numeric
from .symbolic import (DEFAULT_FUNCTIONS, parse_expression, equivalent, grade_symbolic,
                       warm_up)

__all__ = ["GradeResult", "ParseError", "parse_number", "parse_array", "grade_numeric",
           "DEFAULT_FUNCTIONS", "parse_expression", "equivalent", "grade_symbolic", "warm_up"]
from .choice import parse_choice, grade_choice, parse_truefalse, grade_truefalse
from .short import derive_terms, key_terms_found, rating_from_points, parse_point_selection

__all__ += ["parse_choice", "grade_choice", "parse_truefalse", "grade_truefalse",
            "derive_terms", "key_terms_found", "rating_from_points", "parse_point_selection"]
