"""Banded dynamic programming over sentence beads.

Rows are Vietnamese sentence boundaries ``i`` (0..n), columns English boundaries ``j``
(0..m); row ``i`` holds the band ``lo[i] <= j < lo[i] + width``. A bead ``(di, dj)``
ending at ``(i, j)`` covers ``vi[i-di:i]`` and ``en[j-dj:j]``. Bead costs come in blocks
of :data:`BLOCK` rows; only the back pointers of the band (one byte per cell), the
costs of one block and three rows are kept, so memory grows with ``n * width`` bytes.
"""
from __future__ import annotations

import numpy as np

BEADS = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2))
ZERO_ONE = BEADS.index((0, 1))
BLOCK = 64


def banded_dp(n: int, m: int, lo, width: int, block_cost):
    """Cheapest path of beads from (0, 0) to (n, m).

    Parameters:
        n, m: sentence counts.
        lo: int array (n+1) of each row's first column.
        width: band width.
        block_cost: ``block_cost(r0, r1) -> array (len(BEADS), r1 - r0, width)``: the cost
            of bead ``b`` ending at ``(i, lo[i] + k)``, ``inf`` where it does not fit.
    Returns:
        list of ``(di, dj, i, j)`` beads in order, or None when (n, m) is outside the band.
    """
    back = np.zeros((n + 1, width), dtype=np.int8)
    cols = np.arange(width)
    rows: dict = {}
    cand = np.empty((len(BEADS), width))
    for r0 in range(0, n + 1, BLOCK):
        r1 = min(n + 1, r0 + BLOCK)
        costs = block_cost(r0, r1)
        for i in range(r0, r1):
            cand.fill(np.inf)
            if i == 0 and 0 <= -lo[0] < width:
                cand[1, -lo[0]] = 0.0  # the start; bead 1 (1-0) never ends on row 0
            for b, (di, dj) in enumerate(BEADS):
                if di == 0 or i < di:
                    continue
                s = lo[i] - dj - lo[i - di]  # column k of row i is column k + s of row i - di
                a, z = max(0, -s), min(width, width - s)
                if a < z:
                    cand[b, a:z] = rows[i - di][a + s:z + s] + costs[b, i - r0, a:z]
            arg = cand.argmin(axis=0)
            best = cand[arg, cols]
            # 0-1 beads chain along the row: D[k] = min_k'<=k (best[k'] + sum c01[k'+1..k])
            c01 = np.where(np.isfinite(costs[ZERO_ONE, i - r0]), costs[ZERO_ONE, i - r0], 0.0)
            run = np.cumsum(c01)
            chained = run + np.minimum.accumulate(best - run)
            left = chained < best - 1e-9
            best = np.where(left, chained, best)
            arg[left] = ZERO_ONE
            first, stop = max(0, -lo[i]), min(width, m - lo[i] + 1)
            best[:first] = np.inf
            best[max(stop, 0):] = np.inf
            back[i] = arg
            rows[i] = best
            rows.pop(i - 3, None)
    end = m - lo[n]
    if not (0 <= end < width) or not np.isfinite(rows[n][end]):
        return None
    path = []
    i, j = n, m
    while i > 0 or j > 0:
        di, dj = BEADS[back[i, j - lo[i]]]
        path.append((di, dj, i, j))
        i, j = i - di, j - dj
    path.reverse()
    return path
