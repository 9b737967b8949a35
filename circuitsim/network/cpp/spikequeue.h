// circuitsim's spike queue for Brian2's C++ standalone device.
//
// Installed by circuitsim.network.standalone in place of Brian2's
// brianlib/spikequeue.h; same class name and the same public interface as
// the generated code uses (constructor, openmp_padding, prepare, push, peek,
// advance, and the store/restore pair).
//
// Brian2's queue pushes every synapse of a spiking neuron on its own, into
// the ring bin (offset + delay) % size. Here the synapses of each source
// neuron are grouped once, in prepare(), into runs of equal delay (in
// ascending synapse index within a run), and push() appends each run to its
// bin as one block. Every bin then receives the same synapse indices in the
// same order as with Brian2's queue (spiking neurons in the order given,
// then ascending synapse index), so the simulation is bit-identical; it only
// avoids one integer division and one vector growth check per synapse.

#ifndef CIRCUITSIM_SPIKEQUEUE_H
#define CIRCUITSIM_SPIKEQUEUE_H

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>
#include "stdint_compat.h"

using namespace std;

class CSpikeQueue
{
public:
    // queue[(offset + d) wrapped] holds the synapses that arrive d steps from now.
    vector< vector<int32_t> > queue;
    int offset;
    double dt;
    int32_t source_start;
    int32_t source_end;
    int openmp_padding;

    CSpikeQueue(int _source_start, int _source_end)
        : offset(0), dt(0.0), source_start(_source_start), source_end(_source_end), openmp_padding(0)
    {
        queue.resize(1);
    }

    template <typename scalar> void prepare(scalar *real_delays, int n_delays,
                                            int32_t *sources, int n_synapses, double _dt)
    {
        if (dt != 0.0 && dt != _dt)
            rebin(dt / _dt);
        dt = _dt;
        const int n_sources = source_end - source_start;
        // Delay of each synapse in steps, rounded as Brian2 rounds it.
        vector<int> steps(n_synapses, 0);
        for (int i = 0; i < n_synapses; i++)
        {
            const scalar d = n_delays == 0 ? (scalar)0 : real_delays[n_delays == 1 ? 0 : i];
            steps[i] = (int)(d / _dt + 0.5);
        }
        // Synapses by source neuron (a stable counting sort keeps ascending
        // index within a neuron), then by delay (stable again).
        vector<int32_t> count(n_sources + 1, 0);
        for (int i = 0; i < n_synapses; i++)
            count[sources[i] - source_start + 1]++;
        for (int k = 0; k < n_sources; k++)
            count[k + 1] += count[k];
        vector<int32_t> order(n_synapses);
        {
            vector<int32_t> next(count.begin(), count.end() - 1);
            for (int i = 0; i < n_synapses; i++)
                order[next[sources[i] - source_start]++] = i;
        }
        ids.assign(n_synapses, 0);
        run_begin.assign(1, 0);
        run_delay.clear();
        neuron_runs.assign(n_sources + 1, 0);
        int max_delay = 0;
        for (int k = 0; k < n_sources; k++)
        {
            int32_t *first = &order[0] + count[k];
            int32_t *last = &order[0] + count[k + 1];
            stable_sort(first, last, [&steps](int32_t a, int32_t b) { return steps[a] < steps[b]; });
            for (int32_t *p = first; p != last; ++p)
            {
                const int pos = (int)(p - &order[0]);
                ids[pos] = *p + openmp_padding;
                if (p == first || steps[*p] != steps[*(p - 1)])
                {
                    if (p != first)
                        run_begin.push_back(pos);
                    run_delay.push_back(steps[*p]);
                    max_delay = max(max_delay, steps[*p]);
                }
            }
            if (first != last)
                run_begin.push_back((int)(last - &order[0]));
            neuron_runs[k + 1] = (int32_t)run_delay.size();
        }
        if (max_delay >= (int)queue.size())
            grow(max_delay + 1);
    }

    void push(int32_t *spikes, int nspikes)
    {
        if (nspikes == 0)
            return;
        const int32_t *start = lower_bound(spikes, spikes + nspikes, source_start);
        const int32_t *stop = upper_bound(spikes, spikes + nspikes, source_end - 1);
        const int size = (int)queue.size();
        for (const int32_t *s = start; s != stop; ++s)
        {
            const int k = *s - source_start;
            for (int r = neuron_runs[k]; r < neuron_runs[k + 1]; r++)
            {
                int bin = offset + run_delay[r];
                if (bin >= size)
                    bin -= size;
                vector<int32_t> &q = queue[bin];
                q.insert(q.end(), ids.begin() + run_begin[r], ids.begin() + run_begin[r + 1]);
            }
        }
    }

    inline vector<int32_t>* peek()
    {
        return &queue[offset];
    }

    void advance()
    {
        queue[offset].clear();
        offset = offset + 1 == (int)queue.size() ? 0 : offset + 1;
    }

    pair<int, vector< vector<int32_t> > > _full_state()
    {
        return pair<int, vector< vector<int32_t> > >(offset, queue);
    }

    void _clear()
    {
    }

    void _restore_from_full_state(const pair<int, vector< vector<int32_t> > > state)
    {
        queue = state.second;
        if (queue.empty())
            queue.resize(1);
        offset = state.first;
    }

private:
    vector<int32_t> ids;         // synapse indices (+ padding), by neuron, delay, index
    vector<int32_t> run_begin;   // run r covers ids[run_begin[r], run_begin[r + 1])
    vector<int32_t> run_delay;   // delay of run r, in steps
    vector<int32_t> neuron_runs; // runs of source neuron k: [neuron_runs[k], neuron_runs[k + 1])

    // Make the ring `n` bins long, keeping what is in flight at its delay.
    void grow(size_t n)
    {
        rotate(queue.begin(), queue.begin() + offset, queue.end());
        offset = 0;
        queue.resize(n);
    }

    // dt changed by `factor` (old / new): move what is in flight to its new bin.
    void rebin(double factor)
    {
        const size_t old_size = queue.size();
        vector< vector<int32_t> > old(old_size);
        for (size_t i = 0; i < old_size; i++)
            old[i].swap(queue[(offset + i) % old_size]);
        queue.assign((size_t)(old_size * factor) + 1, vector<int32_t>());
        for (size_t i = 0; i < old_size; i++)
        {
            vector<int32_t> &q = queue[(size_t)(i * factor + 0.5)];
            q.insert(q.end(), old[i].begin(), old[i].end());
        }
        offset = 0;
    }
};

#endif
