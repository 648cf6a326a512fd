"""scosim: agent-based simulation of consensus decision-making in the Shanghai Cooperation Organisation.

The package is organised in small modules named for what they hold:

- :mod:`sim.evidence` loads and validates the cited evidence base in ``seeds/``;
- :mod:`sim.tables` renders it as readable tables;
- :mod:`sim.cli` is the ``scosim`` command line.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("scosim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    __version__ = "0+unknown"

__all__ = ["__version__"]
