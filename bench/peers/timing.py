"""The peers' throughput timing, as bench/record.ts's throughput(): a warm-up, a repeat count
that makes one run last at least min_seconds, the median rate of `runs` runs."""

import statistics
import time


def median_rate(work, units, min_seconds, runs):
    """units/second of work() (each call does `units` units)."""
    work()
    reps = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(reps):
            work()
        seconds = time.perf_counter() - t0
        if seconds >= min_seconds / 4:
            reps = max(1, round(reps * min_seconds / max(seconds, 1e-6)))
            break
        reps *= 4
    rates = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(reps):
            work()
        rates.append(reps * units / (time.perf_counter() - t0))
    return statistics.median(rates)
