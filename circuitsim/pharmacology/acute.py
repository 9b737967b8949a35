"""The acute, concentration-tracking effects: the dissociation index.

Dissociative symptoms of ketamine (CADSS scores) track its concentration
within minutes: with 0.5 mg/kg i.v. over 40 min they peak at the end of the
infusion and resolve within about 2 hours (Zarate et al. 2006, Arch Gen
Psychiatry 63:856; Luckenbaugh et al. 2014, J Affect Disord 155:78), and
they rise about linearly with plasma ketamine over ~50-200 ng/mL (SCIENCE.md,
stage 9).

The index is a sigmoid Emax function of the effect-site (brain) concentration
in plasma-equivalent ng/mL of racemic ketamine,

    D = C^n / (C^n + C50^n),   C50 = 125 ng/mL,  n = 3  (config
                                pharmacology.dissociation: c50, hill_n),

so that D(50) = 0.06, D(100) = 0.34, D(150) = 0.63, D(200) = 0.80: steps
of 0.28, 0.29 and 0.17 per 50 ng/mL, about linear over the stated range
and saturating above it. C50 and n are calibration choices: C50 at the
middle of the 50-200 ng/mL range, n the smallest integer for which the
index after the clinical infusion falls below a tenth of its peak within
2 hours of the end of the infusion (tests/test_timeline.py measures it).
The concentration is the NMDA-weighted racemic equivalent of S and R
(:func:`circuitsim.pharmacology.pd.racemic_equivalent_um`): esketamine is
the more dissociative enantiomer per mg.
"""

from __future__ import annotations

import numpy as np


def dissociation_index(c_ng_ml, c50_ng_ml: float, n: float) -> np.ndarray:
    """Dissociation index in [0, 1) from the effect-site concentration (ng/mL, racemic equivalent).

    `c50_ng_ml`, `n`: config ``pharmacology.dissociation.c50`` and ``hill_n``.
    """
    c = np.asarray(c_ng_ml, dtype=float)
    if np.any(c < 0):
        raise ValueError("concentration must be non-negative")
    x = (c / c50_ng_ml) ** n
    return x / (1.0 + x)
