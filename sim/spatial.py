r"""A random spatial voting model: the baseline of "diverging interests" without any evidence.

Each of ``n`` members has an ideal point :math:`x_i` uniform on
:math:`[-1, 1]^D` and salience weights :math:`w_{id}` uniform on [0, 1]; the
status quo is the origin and a proposal moves policy to a point :math:`y`
uniform on :math:`[-1, 1]^D`.  Member :math:`i` supports when the proposal is
closer to its ideal point than the status quo,

.. math::

    \sum_d w_{id} (x_{id} - y_d)^2 < \sum_d w_{id} x_{id}^2 ,

and under consensus the proposal passes when every member supports.  Unlike
impartial voting (independent fair coins, :math:`2^{-n}`), support here is
correlated through the common proposal, so the pass rate falls more slowly
than :math:`2^{-n}`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["spatial_passes"]


def spatial_passes(n: int, replications: int, rng: np.random.Generator, dims: int = 6, chunk: int = 8192) -> int:
    """Count the replications, out of ``replications``, in which every one of ``n`` members supports.

    Parameters
    ----------
    n
        Members.
    replications
        Independent draws of members and proposal.
    rng
        The generator (the caller owns the randomness).
    dims
        Policy dimensions (six, as in the evidence base).
    chunk
        Replications drawn at a time (bounds memory).
    """
    passed = 0
    for start in range(0, replications, chunk):
        r = min(chunk, replications - start)
        x = rng.uniform(-1.0, 1.0, (n, dims, r))
        w = rng.uniform(0.0, 1.0, (n, dims, r))
        y = rng.uniform(-1.0, 1.0, (dims, r))
        support = np.sum(w * ((x - y) ** 2 - x**2), axis=1) < 0
        passed += int(np.count_nonzero(support.all(axis=0)))
    return passed
