"""The throughput benchmark as a script: ``python benchmarks/bench.py [--max-replications N]``.

The benchmark lives in :mod:`sim.bench` (also ``scosim bench`` and ``make bench``).
"""

import sys

from sim.bench import main

if __name__ == "__main__":
    sys.exit(main())
