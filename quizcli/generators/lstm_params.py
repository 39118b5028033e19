"""Parameter count of a LSTM layer: see `rnn_params` (formula G·(h·d + h·h + b·h), engine
route: the sizes of the engine LSTMCell's built arrays)."""
from __future__ import annotations

from .rnn_params import make_family

FAMILY, generate, solve, check = make_family("lstm")
