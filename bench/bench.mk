# Benchmarks: included by the main Makefile.  See bench/README.md.
#
#   make bench                    the whole benchmark, 100,000 messages (~15 min)
#   make bench BENCH_N=2000       a quick look at a small size
#   make bench BENCH_ROWS=mail    only some rows (mail,repack,flat,code,patchid,hook,hookcost,index,status,applied,profile)
#   make bench-clean              drop the generated data (bench/data/)
#
# The data (an archive of BENCH_N messages, a code repo of 2/5 as many
# commits) is generated once and kept under bench/data/, and regenerated
# when a generator changes.

BENCH_N ?= 100000
BENCH_REPS ?= 5
BENCH_PYTHON ?= python3

bench: $(PROGRAM) t/helper/test-patchid
	@command -v $(BENCH_PYTHON) >/dev/null 2>&1 || \
		{ echo 'bench: $(BENCH_PYTHON) is needed to generate the data and drive the runs' >&2; exit 1; }
	@test -x /usr/bin/time || \
		echo 'bench: /usr/bin/time is missing (apt-get install time): peak RSS will come from wait4() instead' >&2
	BENCH_N='$(BENCH_N)' BENCH_REPS='$(BENCH_REPS)' BENCH_CODE_N='$(BENCH_CODE_N)' \
	BENCH_ROWS='$(BENCH_ROWS)' BENCH_PROFILER='$(BENCH_PROFILER)' \
		$(BENCH_PYTHON) bench/run --program ./$(PROGRAM)

bench-clean:
	$(RM) -r bench/data

.PHONY: bench bench-clean
