"""Banded dynamic programming over sentence beads.

Rows are Vietnamese sentence boundaries ``i`` (0..n), columns English boundaries ``j``
(0..m); row ``i`` holds the band ``lo[i] <= j < lo[i] + width``. A bead ``(di, dj)``
ending at ``(i, j)`` covers ``vi[i-di:i]`` and ``en[j-dj:j]``. Only the back pointers
of the whole band are kept (one byte per cell) and the costs of three rows, so memory
grows with ``n * width`` bytes.
"""
from __future__ import annotations

import numpy as np

BEADS = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2))
_ZERO_ONE = BEADS.index((0, 1))


def _gather(row, lo_row, js, width):
    idx = js - lo_row
    ok = (idx >= 0) & (idx < width)
    out = np.full(js.shape, np.inf)
    out[ok] = row[idx[ok]]
    return out


def banded_dp(n: int, m: int, lo, width: int, cost):
    """Cheapest path of beads from (0, 0) to (n, m).

    Parameters:
        n, m: sentence counts.
        lo: int array (n+1) of each row's first column.
        width: band width.
        cost: ``cost(bead_index, i, js) -> array`` of bead costs ending at ``(i, js)``
            (``js`` valid columns, every bead fits).
    Returns:
        list of ``(di, dj, i, j)`` beads in order, or None when (n, m) is outside the band.
    """
    back = np.full((n + 1, width), -1, dtype=np.int8)
    rows: dict = {}
    cols = np.arange(width)
    for i in range(n + 1):
        js = lo[i] + cols
        valid = (js >= 0) & (js <= m)
        best = np.full(width, np.inf)
        arg = np.full(width, -1, dtype=np.int8)
        if i == 0:
            best[js == 0] = 0.0
        for b, (di, dj) in enumerate(BEADS):
            if di == 0 or i - di < 0:
                continue
            ok = valid & (js - dj >= 0)
            if not ok.any():
                continue
            prev = _gather(rows[i - di], lo[i - di], js - dj, width)
            ok &= np.isfinite(prev)
            if not ok.any():
                continue
            c = np.full(width, np.inf)
            c[ok] = prev[ok] + cost(b, i, js[ok])
            better = c < best
            best[better] = c[better]
            arg[better] = b
        # 0-1 beads chain along the row: D[j] = min_k<=j (best[k] + sum c01[k+1..j])
        ok = valid & (js >= 1)
        c01 = np.zeros(width)
        if ok.any():
            c01[ok] = cost(_ZERO_ONE, i, js[ok])
        # columns without a 0-1 bead lie on the band edges, where no finite chain starts
        chained = np.cumsum(c01) + np.minimum.accumulate(best - np.cumsum(c01))
        from_left = chained < best - 1e-9
        best = np.where(from_left, chained, best)
        arg[from_left] = _ZERO_ONE
        best[~valid] = np.inf
        back[i] = arg
        rows[i] = best
        rows.pop(i - 3, None)
    end = m - lo[n]
    if not (0 <= end < width) or not np.isfinite(rows[n][end]):
        return None
    path = []
    i, j = n, m
    while i > 0 or j > 0:
        b = back[i, j - lo[i]]
        if b < 0:
            return None
        di, dj = BEADS[b]
        path.append((di, dj, i, j))
        i, j = i - di, j - dj
    path.reverse()
    return path

