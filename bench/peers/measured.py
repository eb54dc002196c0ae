#!/usr/bin/python3
"""Runs one peer script on one thread and says what it used.

usage: measured.py SCRIPT [ARG ...]

The thread pools are fixed by the environment before anything imports torch: Debian's PyTorch
takes its matrix products from OpenBLAS's pthread build, whose pool torch.set_num_threads()
does not reach, so only OPENBLAS_NUM_THREADS (with OMP_ and MKL_ for other builds) keeps it to
one core. After the script's own output, one more JSON line gives the process's CPU seconds
(every thread, user and system) and wall seconds, so a peer that used more than one core
shows it.
"""

import os

for name in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ[name] = '1'

import json
import resource
import runpy
import sys
import time

started = time.perf_counter()
script = sys.argv[1]
sys.argv = sys.argv[1:]
sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
runpy.run_path(script, run_name='__main__')
sys.stdout.flush()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({'cpuSeconds': usage.ru_utime + usage.ru_stime, 'wallSeconds': time.perf_counter() - started}))
