"""Everything a student sees. Importing the package gives rich a line breaker that respects
Chinese (render/wrap.py)."""
from .wrap import install as _install_wrap

_install_wrap()
