#!/usr/bin/env python3
"""The benchmark network of bench/snn.ts in Brian2, for the speed comparison of issue 7 item 6.

A measurement tool only (Brian2 is not a dependency of the project): Debian's python3-brian 2.5.1
under the system Python (`apt-get install -y python3-brian cython3`), run as

    /usr/bin/python3 scripts/exp-snn-brian2.py [cython|numpy|cpp_standalone|all] [--repeats 3]

Same network as engine/snn/recurrent.ts RECURRENT_LIF_DEFAULTS (docs/engine-snn-speed.md):
1,000 LIF neurons (800 excitatory, 200 inhibitory), connectivity 0.1 (Bernoulli per ordered pair,
no autapses), J = 0.2 mV, inhibitory -g J with g = 5, tau = 20 ms, v_th = 20 mV, v_reset = 10 mV,
refractory 2 ms, 80 external Poisson inputs per neuron at 70 Hz with weight J, dt = 0.1 ms, zero
synaptic delay, exact integration (dv/dt = -v/tau is linear: Brian2's 'exact' method gives
v <- v exp(-dt/tau)). Inputs that reach a refractory neuron are dropped (as in our simulator).

Counting as in bench/snn.ts: synaptic events = sum over spikes of the spiking neuron's out-degree;
events/s = events / wall seconds of `net.run(1 s)`. The network is run once (code generation,
compilation, warm caches), then timed over `--repeats` further 1 s runs (wall and process CPU
seconds); the best is reported with the median. cpp_standalone (Brian2's C++ code generation,
not asked for by the issue but its fastest single-thread mode) is timed by Brian2 itself: the CPU
seconds of the second 1 s run's loop (std::clock), read from device._last_run_time.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

PARAMS = dict(
    n=1000,
    connectivity=0.1,
    inhibitory_fraction=0.2,
    J_mV=0.2,
    g=5.0,
    tau_ms=20.0,
    v_th_mV=20.0,
    v_reset_mV=10.0,
    refractory_ms=2.0,
    input_count=80,
    input_rate_Hz=70.0,
    dt_ms=0.1,
    seconds=1.0,
    seed=1,
)


PROFILE = [False]
# cpp_standalone builds here (a temporary folder, never the repository's ./output).
BUILD_DIR = ['']


def run(target: str, repeats: int) -> dict:
    import brian2 as b2
    from brian2 import ms, mV, Hz, second

    b2.start_scope()
    standalone = target == 'cpp_standalone'
    if standalone:
        import tempfile

        b2.set_device('cpp_standalone', build_on_run=False)
        BUILD_DIR[0] = tempfile.mkdtemp(prefix='brian2-snn-')
    else:
        b2.set_device('runtime')
        b2.prefs.codegen.target = target
    b2.seed(PARAMS['seed'])
    b2.defaultclock.dt = PARAMS['dt_ms'] * ms
    p = PARAMS
    n = p['n']
    n_exc = int(round(n * (1 - p['inhibitory_fraction'])))
    ns = dict(
        tau=p['tau_ms'] * ms,
        v_th=p['v_th_mV'] * mV,
        v_reset=p['v_reset_mV'] * mV,
        J=p['J_mV'] * mV,
    )
    group = b2.NeuronGroup(
        n,
        'dv/dt = -v/tau : volt (unless refractory)',
        threshold='v > v_th',
        reset='v = v_reset',
        refractory=p['refractory_ms'] * ms,
        method='exact',
        namespace=ns,
    )
    syn = b2.Synapses(group, group, 'w : volt', on_pre='v_post += w*int(not_refractory_post)', namespace=ns)
    syn.connect(condition='i != j', p=p['connectivity'])
    syn.w['i < n_exc'] = p['J_mV'] * mV
    syn.w['i >= n_exc'] = -p['g'] * p['J_mV'] * mV
    drive = b2.PoissonInput(
        group, 'v', N=p['input_count'], rate=p['input_rate_Hz'] * Hz, weight='J*int(not_refractory)'
    )
    spikes = b2.SpikeMonitor(group, record=False)
    net = b2.Network(group, syn, drive, spikes)
    if standalone:
        return run_standalone(b2, net, group, syn, spikes, n, p)

    out_degree = np.bincount(np.asarray(syn.i[:]), minlength=n).astype(np.int64)
    t = time.perf_counter()
    net.run(p['seconds'] * second)  # code generation, compilation, first run
    first = time.perf_counter() - t
    runs = []
    for _ in range(repeats):
        before = np.asarray(spikes.count[:]).astype(np.int64)
        t = time.perf_counter()
        c = time.process_time()
        net.run(p['seconds'] * second, profile=PROFILE[0])
        wall = time.perf_counter() - t
        cpu = time.process_time() - c
        if PROFILE[0]:
            print(b2.profiling_summary(net, show=8), file=sys.stderr)
        counts = np.asarray(spikes.count[:]).astype(np.int64) - before
        n_spikes = int(counts.sum())
        events = int((counts * out_degree).sum())
        runs.append(
            dict(
                seconds=wall,
                cpu_seconds=cpu,
                events_per_cpu_s=events / cpu,
                spikes=n_spikes,
                rate_Hz=n_spikes / n / p['seconds'],
                events=events,
                events_per_s=events / wall,
            )
        )
    best = max(runs, key=lambda r: r['events_per_s'])
    return dict(
        target=target,
        synapses=int(len(syn)),
        first_run_seconds=first,
        runs=runs,
        best_events_per_s=best['events_per_s'],
        median_events_per_s=float(np.median([r['events_per_s'] for r in runs])),
    )


def run_standalone(b2, net, group, syn, spikes, n, p) -> dict:
    """cpp_standalone: one build, a warm-up second then a timed second. Brian2 times the run loop of
    the last run itself (std::clock: CPU seconds of the loop, no code generation or compilation)."""
    from brian2 import second

    second_spikes = b2.SpikeMonitor(group, record=False)
    net.add(second_spikes)
    second_spikes.active = False
    net.run(p['seconds'] * second)
    spikes.active = False
    second_spikes.active = True
    net.run(p['seconds'] * second)
    t = time.perf_counter()
    b2.device.build(directory=BUILD_DIR[0], run=True, compile=True)
    build_and_run = time.perf_counter() - t
    counts = np.asarray(second_spikes.count[:]).astype(np.int64)
    out_degree = np.bincount(np.asarray(syn.i[:]), minlength=n).astype(np.int64)
    events = int((counts * out_degree).sum())
    cpu = float(b2.device._last_run_time)
    n_spikes = int(counts.sum())
    return dict(
        target='cpp_standalone',
        synapses=int(len(syn)),
        build_and_run_seconds=build_and_run,
        runs=[
            dict(
                cpu_seconds=cpu,
                spikes=n_spikes,
                rate_Hz=n_spikes / n / p['seconds'],
                events=events,
                events_per_cpu_s=events / cpu,
            )
        ],
        best_events_per_cpu_s=events / cpu,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('target', nargs='?', default='all', choices=['cython', 'numpy', 'cpp_standalone', 'all'])
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--input-rate', type=float, default=PARAMS['input_rate_Hz'], help='Hz per external input')
    ap.add_argument('--profile', action='store_true', help="print Brian2's per-object time (runtime targets)")
    args = ap.parse_args()
    PARAMS['input_rate_Hz'] = args.input_rate
    PROFILE[0] = args.profile
    targets = ['cython', 'numpy', 'cpp_standalone'] if args.target == 'all' else [args.target]
    import brian2

    results = dict(
        brian2=brian2.__version__,
        python=sys.version.split()[0],
        params=PARAMS,
        load_average_before=os.getloadavg(),
        targets=[],
    )
    for target in targets:
        results['targets'].append(run(target, args.repeats))
    results['load_average_after'] = os.getloadavg()
    print(json.dumps(results, indent=2))


if __name__ == '__main__':
    main()
