"""Moved to `quizcli.core.models` (the value types sit at the bottom of the house); kept as a
name for code written against the old place."""
from ..core.models import *  # noqa: F401,F403
from ..core.models import Bilingual, Question, Concept, Topic, Option, Source, Formula, Bank  # noqa: F401
