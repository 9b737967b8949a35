"""The external Poisson drive of a population, simulated as arrival events.

Each cell's ``n_inputs`` independent background trains onto AMPA (and NMDA)
are one Poisson process per receptor kind; :func:`external_drive` attaches
them to a NeuronGroup as a custom Brian2 event and starts the background
conductances at their stationary means.
"""

from __future__ import annotations

from .equations import poisson_mean_increment


def external_kinds(ext) -> list[str]:
    """Which Poisson inputs an external drive creates (see :func:`external_drive`)."""
    if ext.n_inputs == 0 or ext.rate_hz == 0:
        return []
    return [k for k, g in (("ampa", ext.g_ampa_s), ("nmda", ext.g_nmda_s)) if g > 0]


def external_drive(group, ext, rc, formulation: str) -> float:
    """Attach the external Poisson drive `ext` to `group`; return the NMDA conductance it adds to each cell's pool (S)."""
    import brian2 as b2

    kinds = external_kinds(ext)
    mean_inc = poisson_mean_increment(rc.nmda_saturation_increment, ext.rate_hz,
                                      rc.tau_nmda_rise_s, rc.tau_nmda_decay_s)
    weights = {"ampa": ("g_ampa", ext.g_ampa_s * b2.siemens),
               "nmda": ("x_nmda", ext.g_nmda_s * mean_inc * b2.siemens)}
    added = 0.0
    if kinds:
        _poisson_events(group, ext.n_inputs * ext.rate_hz, [weights[k] for k in kinds])
        # Receptors of the external synapses count in the cell's pool (s = 1 max).
        added = ext.n_inputs * ext.g_nmda_s
    # Start the background conductances at their stationary means (a Poisson
    # train of rate nu with jump J through decay tau has mean nu J tau), not at
    # zero: the slow NMDA (100 ms) would otherwise leave the NMDA-driven
    # interneurons silent for the first ~0.3 s and let the pyramidal cells
    # fire a synchronous start-up burst.
    flux = ext.n_inputs * ext.rate_hz
    group.g_ampa = flux * ext.g_ampa_s * rc.tau_ampa_s * b2.siemens
    nmda_flux = flux * ext.g_nmda_s * mean_inc
    group.x_nmda = nmda_flux * rc.tau_nmda_rise_s * b2.siemens
    g_name = "g_nmda" if formulation == "event" else "g_nmda_ext"
    setattr(group, g_name, nmda_flux * rc.tau_nmda_decay_s * b2.siemens)
    return added


def _poisson_events(group, rate_hz: float, targets: list[tuple[str, object]]) -> None:
    """External Poisson drive: independent arrivals of rate `rate_hz` per cell for each target.

    Each ``(variable, weight)`` of `targets` stands for the synapses of one
    receptor kind on the cell's `n_inputs` independent trains: their
    superposition is a Poisson process of the summed rate `rate_hz`, and
    each kind gets its own process (the AMPA and NMDA arrivals are
    independent, as with one ``brian2.PoissonInput`` per kind). The k
    processes are run as one of rate k * `rate_hz` whose arrivals are
    assigned to a kind uniformly at random (a marked Poisson process: the
    marks split it into k independent processes of rate `rate_hz`).

    Each cell holds the time of its next arrival, ``t_next_ext``, drawn from
    the exponential inter-arrival distribution; a custom event fires on the
    first step at or after that time, adds the weight of the drawn kind and
    draws the next arrival. Random numbers are thus drawn per arrival, not
    per cell and step: the per-step binomial draws of ``PoissonInput`` took
    about half of the run time of the default circuit
    (benchmarks/fast_stage.py). Every arrival is delivered and the rates are
    exact; an arrival that falls in a step which already delivered one is
    delivered on the next step (0.1 ms later at the default dt; at the
    interneurons' 2 x 2400 /s, about a fifth of their arrivals).

    One uniform number per arrival serves both draws: with u uniform on
    [0, k), the kind int(u) and the fraction u - int(u) are independent and
    uniform, and -log(1 - fraction) is the next exponential interval. One
    draw per firing cell makes every code target (numpy's vectorised
    statements, the loops of cython and C++) consume the random stream in
    the same order, so their spikes are the same.
    """
    import brian2 as b2

    k = len(targets)
    group.namespace["rate_ext"] = k * rate_hz * b2.Hz
    # 1 - rand() lies in (0, 1]: the log is finite.
    group.t_next_ext = "-log(1 - rand()) / rate_ext"
    lines = [f"u_ext = rand() * {k}"]
    if k == 1:
        var, w = targets[0]
        group.namespace["weight_ext_0"] = w
        lines.append(f"{var} += weight_ext_0")
        lines.append("t_next_ext += -log(1 - u_ext) / rate_ext")
    else:
        lines.append("kind_ext = int(u_ext)")
        for m, (var, w) in enumerate(targets):
            group.namespace[f"weight_ext_{m}"] = w
            lines.append(f"{var} += int(kind_ext == {m}) * weight_ext_{m}")
        lines.append("t_next_ext += -log(1 - (u_ext - kind_ext)) / rate_ext")
    group.run_on_event("external", "\n".join(lines), when="synapses", order=0)
