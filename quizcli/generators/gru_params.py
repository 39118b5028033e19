"""Parameter count of a GRU layer: see `rnn_params` (formula G·(h·d + h·h + b·h), engine
route: the sizes of the engine GRUCell's built arrays)."""
from __future__ import annotations

from .rnn_params import make_family

FAMILY, generate, solve, check = make_family("gru")
