"""Re-analysis of the per-dendrite data that Phoumthipphavong et al. 2016 released with their paper.

The authors' repository (github.com/Kwan-Lab/phoumthipphavong2016, commit
5261d77) holds the per-dendrite measurements of the study in one MATLAB
script, ``spine_summary.m``: for each mouse (8 saline, 8 ketamine), spine
formation and elimination (% of the spines at the earlier session) for the
intervals between sessions at days -3, -1, 1, 3, 5, 10 and 15, spine
counts, and which dendrites showed damage. This script reads those numbers
(it does not run or copy the authors' code) and summarises them the way
the paper's abstract describes its comparison: per mouse (the mean over its
dendrites), then mean +- SEM over mice; ketamine dendrites with damage in
the first five sessions are left out, as the released script does.

    python experiments/imaging_schedule/released_data.py PATH/TO/spine_summary.m

Prints formation and elimination per interval and density relative to day
-1 (spine counts, pooled per mouse) for both groups, and the drug-minus-
saline differences that the validation rows of docs/validation.md use.
Last line: RESULT key=value ...
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np

from circuitsim.cli import run_script

DAYS = (-3, -1, 1, 3, 5, 10, 15)
_FIELD = re.compile(r"^\s*(formation|elim|count|damagedd)\{(\d+)\}\s*=\s*(\[.*?\]|zeros\(size\(density\{\d+\}\)\));",
                    re.S | re.M)


def _matrix(text: str) -> np.ndarray:
    rows = [r for r in text.strip("[]").replace("...", " ").split(";") if r.strip()]
    return np.array([[float(x) for x in r.replace("NaN", "nan").split()] for r in rows])


def parse(path: Path) -> dict[str, list[dict[str, np.ndarray]]]:
    """Group -> one dict per mouse with its ``formation``, ``elim``, ``count`` and ``damagedd`` matrices."""
    text = path.read_text()
    split = text.index("elseif jjj==2")
    end = text.index("%% plot population average") if "%% plot population average" in text else len(text)
    out = {}
    for group, part in (("saline", text[:split]), ("ketamine", text[split:end])):
        mice: dict[int, dict[str, np.ndarray]] = {}
        for name, k, body in _FIELD.findall(part):
            mice.setdefault(int(k), {})[name] = None if body.startswith("zeros") else _matrix(body)
        for m in mice.values():
            if m.get("damagedd") is None:
                m["damagedd"] = np.zeros_like(m["count"])
        out[group] = [mice[k] for k in sorted(mice)]
    return out


def _nanmean_rows(a: np.ndarray) -> np.ndarray:
    """Column means ignoring NaN; NaN for a column without values (no warning)."""
    n = np.sum(~np.isnan(a), axis=0)
    return np.where(n > 0, np.nansum(a, axis=0) / np.maximum(n, 1), np.nan)


def summarise(mice: list[dict[str, np.ndarray]], drop_damaged: bool) -> dict[str, np.ndarray]:
    """Per-mouse means over dendrites, then (mean, SEM, n) over mice, per interval or session.

    ``formation_change``: each mouse's formation minus its own first
    interval's (the released script's baseline); ``density``: spines at
    each session over spines at day -1, pooled over the mouse's dendrites
    counted at both.
    """
    form, change, elim, dens = [], [], [], []
    for m in mice:
        keep = np.ones(len(m["count"]), bool)
        if drop_damaged:
            keep = np.nansum(m["damagedd"][:, :5], axis=1) == 0
        if not keep.any():
            continue
        f = _nanmean_rows(m["formation"][keep])
        form.append(f)
        change.append(f - f[0])
        elim.append(_nanmean_rows(m["elim"][keep]))
        counts = m["count"][keep]
        ratio = np.full(counts.shape[1], np.nan)
        for k in range(counts.shape[1]):
            both = ~np.isnan(counts[:, 1]) & ~np.isnan(counts[:, k])
            if both.any():
                ratio[k] = counts[both, k].sum() / counts[both, 1].sum()
        dens.append(ratio)
    out = {}
    for name, values in (("formation", form), ("formation_change", change), ("elim", elim), ("density", dens)):
        a = np.array(values)
        n = np.sum(~np.isnan(a), axis=0)
        out[name] = _nanmean_rows(a)
        sq = np.nansum((a - out[name]) ** 2, axis=0)
        out[name + "_sem"] = np.where(n > 1, np.sqrt(sq / np.maximum(n - 1, 1)) / np.sqrt(np.maximum(n, 1)), np.nan)
        out[name + "_n"] = n
    return out


def difference(a: dict, b: dict, name: str, k: int) -> tuple[float, float]:
    """Group a minus group b of `name` at index k, and its standard error (independent groups)."""
    return float(a[name][k] - b[name][k]), float(np.hypot(a[name + "_sem"][k], b[name + "_sem"][k]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path, help="spine_summary.m of github.com/Kwan-Lab/phoumthipphavong2016")
    args = ap.parse_args()
    data = parse(args.path)
    res = {g: summarise(m, drop_damaged=(g == "ketamine")) for g, m in data.items()}
    print(f"mice: saline {len(data['saline'])}, ketamine {len(data['ketamine'])}")
    print(f"{'interval (d)':<14}{'saline formed':>16}{'ketamine formed':>18}{'saline elim.':>16}{'ketamine elim.':>17}")
    for k in range(len(DAYS) - 1):
        s, q = res["saline"], res["ketamine"]
        print(f"{DAYS[k]:>4} to {DAYS[k + 1]:<5}   {s['formation'][k]:6.1f} +- {s['formation_sem'][k]:4.1f}"
              f"   {q['formation'][k]:6.1f} +- {q['formation_sem'][k]:4.1f}"
              f"   {s['elim'][k]:6.1f} +- {s['elim_sem'][k]:4.1f}   {q['elim'][k]:6.1f} +- {q['elim_sem'][k]:4.1f}"
              f"   (mice {s['formation_n'][k]}/{q['formation_n'][k]})")
    print("density relative to day -1 (per mouse, its dendrites counted at both sessions):")
    for k, d in enumerate(DAYS):
        s, q = res["saline"], res["ketamine"]
        print(f"  day {d:>3}: saline {s['density'][k]:.3f} +- {s['density_sem'][k]:.3f}"
              f"   ketamine {q['density'][k]:.3f} +- {q['density_sem'][k]:.3f}")
    s, q = res["saline"], res["ketamine"]
    print("ketamine minus saline (mean +- SE; mice ketamine/saline):")
    rows = {}
    for k in range(1, len(DAYS) - 1):
        rows[f"formation_change_pp_day{DAYS[k + 1]}"] = difference(q, s, "formation_change", k)
        rows[f"elim_pp_day{DAYS[k + 1]}"] = difference(q, s, "elim", k)
    for k in range(2, len(DAYS)):
        rows[f"density_day{DAYS[k]}"] = difference(q, s, "density", k)
    for key, (v, se) in rows.items():
        print(f"  {key:<28}{v:+8.3f} +- {se:.3f}")
    print("RESULT " + " ".join(f"{key}={v:.3f} {key}_se={se:.3f}" for key, (v, se) in rows.items()
                               if key.endswith(("day1", "day3", "day15"))))


if __name__ == "__main__":
    run_script(main)
