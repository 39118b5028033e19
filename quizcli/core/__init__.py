"""The bottom of the house: value types and text utilities that import nothing else of quizcli.

- `models`: the bank's items (Bilingual, Topic, Concept, Question, Option, Bank …)
- `session`: what a study session passes around (Item, Answered, Summary)
- `mathtext`: LaTeX → readable Unicode for the terminal (no rich)
- `plots`: activation curves as data (no rich)

Everything above passes these types, never loose dicts.
"""
