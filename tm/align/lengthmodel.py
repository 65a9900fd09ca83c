"""Gale-Church character-length model for Vietnamese-English sentence beads.

``RATIO`` is the expected English/Vietnamese character-length ratio and ``VARIANCE``
the variance per Vietnamese character of ``len(en) - RATIO * len(vi)``, estimated on
the IWSLT'15 tst2012 pairs (HTML-unescaped lines): reproduce them with
``python benchmarks/align_eval.py --estimate``.
"""
from __future__ import annotations

import numpy as np

RATIO = 0.964
VARIANCE = 2.96


def _norm_sf2(z):
    """2 * (1 - Phi(|z|)) (Abramowitz & Stegun 7.1.26, error < 1.5e-7)."""
    x = np.abs(z) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return poly * np.exp(-x * x)


def length_cost(len_vi, len_en):
    """-log P(length match) of beads with these total lengths (arrays or numbers).

    Parameters:
        len_vi, len_en: character counts of the Vietnamese and English sides
            (both non-zero; beads with an empty side use only their prior).
    """
    lv = np.maximum(np.asarray(len_vi, dtype=float), 1.0)
    le = np.asarray(len_en, dtype=float)
    mean = (lv + le / RATIO) / 2.0
    delta = (le - lv * RATIO) / np.sqrt(mean * VARIANCE)
    return -np.log(np.maximum(_norm_sf2(delta), 1e-12))
