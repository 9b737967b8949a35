"""The VTA branch (``circuit.vta``): dopamine and local GABA cells driven by the pyramidal cells.

The same cells, receptors and drug block as the cortex, driven by the
pyramidal cells (AMPA + NMDA, event-driven) and by their own Poisson drive;
the GABA cells inhibit the dopamine cells. Nothing projects back to the
cortex. :func:`circuitsim.network.build.build_network` adds it after the
whole cortex.
"""

from __future__ import annotations

import numpy as np

from ..seeds import recorded_rng
from .connectivity import random_pairs, uniform_delays
from .drive import external_drive
from .equations import synapse_namespace
from .groups import cell_group, pathway_synapses
from .inputs import CircuitSpec


def vta_parts(vta) -> tuple[dict, dict, dict]:
    """Cells and external drives by VTA population, and the VTA pathways.

    Pathways: name -> (source, target, Pathway, (delay_min_s, delay_max_s)).
    """
    cells = {"vta_dopamine": vta.dopamine, "vta_gaba": vta.gaba}
    ext = {"vta_dopamine": vta.external_dopamine, "vta_gaba": vta.external_gaba}
    pfc = (vta.pfc_delay_min_s, vta.pfc_delay_max_s)
    local = (vta.local_delay_min_s, vta.local_delay_max_s)
    pathways = {
        "pfc_to_vta_dopamine": ("pyramidal", "vta_dopamine", vta.pfc_to_dopamine, pfc),
        "pfc_to_vta_gaba": ("pyramidal", "vta_gaba", vta.pfc_to_gaba, pfc),
        "vta_gaba_to_dopamine": ("vta_gaba", "vta_dopamine", vta.gaba_to_dopamine, local),
    }
    return cells, ext, pathways


def build_vta(spec: CircuitSpec, formulation: str, common: dict, pyramidal,
              used: dict[str, int] | None = None) -> tuple[dict, list]:
    """The VTA populations, their synapses and drives (``circuit.vta``); returns (groups, objects).

    The cells are the circuit's conductance-based LIF cells, with the same
    Mg2+ unblock and drug block (each population with its own IC50 / k_on)
    and the same event-driven NMDA scheme: a pyramidal spike adds
    g Delta_j to the target's NMDA cascade. The connectivity, delays and
    initial states draw from their own named NumPy streams
    (``connectivity.pfc_to_vta_dopamine``, ...), so they leave the cortex's
    untouched; the VTA's Poisson arrivals draw from Brian2's one random
    stream, which the cortex shares (docs/model.md). The streams drawn from
    are noted in `used` (name -> seed).
    """
    import brian2 as b2

    cc = spec.circuit
    rc = cc.receptors
    cells, ext, pathways = vta_parts(cc.vta)
    groups = {pop: cell_group(spec, pop, p, ext[pop], common, formulation, sender=False, used=used)
              for pop, p in cells.items()}
    all_groups = {"pyramidal": pyramidal, **groups}
    objects: list = list(groups.values())
    g_nmda_max = {pop: np.zeros(p.n) for pop, p in cells.items()}
    for name, (src, dst, pw, (d_min, d_max)) in pathways.items():
        n_src, n_dst = all_groups[src].N, all_groups[dst].N
        i, j = random_pairs(n_src, n_dst, pw.p, recorded_rng(spec.seed, f"connectivity.{name}", used),
                            autapses=True)
        delays = uniform_delays(len(i), d_min, d_max, cc.dt_s, recorded_rng(spec.seed, f"delays.{name}", used))
        syn = pathway_synapses(all_groups[src], all_groups[dst], src != "pyramidal", formulation,
                               synapse_namespace(pw, rc), f"syn_{name}")
        syn.connect(i=i, j=j)
        syn.delay = delays * b2.second
        if src == "pyramidal":
            syn.w_syn = 1.0
            g_nmda_max[dst] += np.bincount(j, minlength=n_dst) * pw.g_nmda_s
        objects.append(syn)
    for pop, g in groups.items():
        g_nmda_max[pop] += external_drive(g, ext[pop], rc, formulation)
        g.g_nmda_max = np.maximum(g_nmda_max[pop], 1e-15) * b2.siemens
    return groups, objects
