# fuzz.mk - libFuzzer targets for the parsers that read strangers' mail.
#
# Included by the top-level Makefile (`-include fuzz/fuzz.mk`), run from
# the top of the tree:
#
#   make fuzz-build       build fuzz/build/fuzz-<target> for every target
#   make fuzz             build, then run each target for FUZZ_TIME seconds
#                         (default 60) on a scratch copy of its seed corpus
#   make fuzz-regress     build, then replay fuzz/regressions/<target>/*
#                         (inputs that once crashed) and the seed corpus
#   make fuzz-clean       remove fuzz/build and fuzz/corpus-run
#
#   make fuzz FUZZ_TARGETS='mail subject' FUZZ_TIME=600
#
# The library sources are compiled again with clang and the sanitizers
# into fuzz/build/, so the main build's lib/*.o are never touched.

FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_TARGETS ?= mail mailpath subject trailer followup body render digest delta
FUZZ_DIR = fuzz
FUZZ_BUILD = $(FUZZ_DIR)/build
FUZZ_RUN_DIR = $(FUZZ_DIR)/corpus-run

FUZZ_DEPS = libgit2 gmime-3.0 libpcre2-8 json-glib-1.0 zlib
FUZZ_PKG_CFLAGS := $(shell $(or $(PKG_CONFIG),pkg-config) --cflags $(FUZZ_DEPS) 2>/dev/null)
FUZZ_PKG_LIBS := $(shell $(or $(PKG_CONFIG),pkg-config) --libs $(FUZZ_DEPS) 2>/dev/null) -lpthread

FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -g -O1 -Wall -Wextra $(FUZZ_SAN) \
	$(FUZZ_PKG_CFLAGS)

# Every library source goes into the archive, so a module split or a new
# dependency never breaks this build; the linker takes only the objects a
# target reaches.
FUZZ_LIB_SRCS = $(wildcard lib/*.c)
FUZZ_LIB_OBJS = $(patsubst lib/%.c,$(FUZZ_BUILD)/lib/%.o,$(FUZZ_LIB_SRCS))
FUZZ_LIB = $(FUZZ_BUILD)/libkvmdigest-fuzz.a
FUZZ_BINS = $(addprefix $(FUZZ_BUILD)/fuzz-,$(FUZZ_TARGETS))

# Longest input per target: a mail may be big, the rest are one field.
FUZZ_MAX_LEN_mail = 65536
FUZZ_MAX_LEN_mailpath = 65536
FUZZ_MAX_LEN_body = 65536
FUZZ_MAX_LEN_trailer = 16384
FUZZ_MAX_LEN_subject = 4096
FUZZ_MAX_LEN_render = 16384
FUZZ_MAX_LEN_digest = 131072
FUZZ_MAX_LEN_delta = 65536

# The recipes loop over targets in the shell, where $(FUZZ_MAX_LEN_$$t)
# would name no make variable (it gave an empty -max_len=): a case
# statement made here maps each target to its limit.
fuzz_rparen := )
FUZZ_MAX_LEN_CASE = case $$t in $(foreach x,$(FUZZ_TARGETS),$(x)$(fuzz_rparen) max=$(FUZZ_MAX_LEN_$(x));;) *$(fuzz_rparen) max=65536;; esac

# A UBSan report or a leak is a failure too, with a stack to read.
FUZZ_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	G_SLICE=always-malloc G_DEBUG=gc-friendly

# Static pattern rules: the objects are explicit targets, so the top-level
# `.SECONDARY:` cannot leave a new module's object unbuilt.
$(FUZZ_LIB_OBJS): $(FUZZ_BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	$(RM) $@
	$(AR) rcs $@ $^

$(FUZZ_BINS:=.o): $(FUZZ_BUILD)/fuzz-%.o: $(FUZZ_DIR)/fuzz-%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -c -o $@ $<

$(FUZZ_BINS): $(FUZZ_BUILD)/fuzz-%: $(FUZZ_BUILD)/fuzz-%.o $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(FUZZ_PKG_LIBS)

fuzz-build: $(FUZZ_BINS)

# Each target runs on a scratch copy of its seeds, so what it learns never
# lands in the tree; crash-*, leak-* and timeout-* files go to fuzz/build/.
# Every target runs even when one crashes; the rule fails at the end.
fuzz: fuzz-build
	@fail=; for t in $(FUZZ_TARGETS); do \
		rm -rf $(FUZZ_RUN_DIR)/$$t && mkdir -p $(FUZZ_RUN_DIR)/$$t && \
		{ cp $(FUZZ_DIR)/corpus/$$t/* $(FUZZ_RUN_DIR)/$$t/ 2>/dev/null || :; } && \
		echo "*** fuzz-$$t for $(FUZZ_TIME)s ***" && \
		$(FUZZ_MAX_LEN_CASE) && \
		$(FUZZ_ENV) $(FUZZ_BUILD)/fuzz-$$t -max_total_time=$(FUZZ_TIME) \
			-max_len=$$max -timeout=10 -rss_limit_mb=4096 \
			-print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/$$t- \
			$(FUZZ_RUN_DIR)/$$t || fail="$$fail $$t"; \
	done; \
	if test -n "$$fail"; then echo "fuzz: crashed:$$fail (see $(FUZZ_BUILD)/<target>-crash-*)"; exit 1; fi

# Replays every input once: regressions (inputs that crashed a target
# once) and the seeds.  Fails when any target crashes, leaks or times out.
fuzz-regress: fuzz-build
	@fail=; for t in $(FUZZ_TARGETS); do \
		files=$$(ls -d $(FUZZ_DIR)/regressions/$$t/* $(FUZZ_DIR)/corpus/$$t/* 2>/dev/null || :); \
		test -n "$$files" || continue; \
		echo "*** fuzz-$$t: $$(echo "$$files" | wc -l) inputs ***"; \
		$(FUZZ_ENV) $(FUZZ_BUILD)/fuzz-$$t -timeout=10 -rss_limit_mb=4096 \
			-runs=1 $$files >$(FUZZ_BUILD)/regress-$$t.log 2>&1 || { \
			grep -a -B2 -A30 -m1 -e '^==[0-9]*==' -e 'differ in' -e '^kvmd_render_safe' \
				$(FUZZ_BUILD)/regress-$$t.log | head -n 60; \
			grep -a '^Running: ' $(FUZZ_BUILD)/regress-$$t.log | tail -n 1; \
			fail="$$fail $$t"; }; \
	done; \
	if test -n "$$fail"; then echo "fuzz-regress: crashed:$$fail"; exit 1; fi; \
	echo "fuzz-regress: no crash"

fuzz-clean:
	$(RM) -r $(FUZZ_BUILD) $(FUZZ_RUN_DIR)

.PHONY: fuzz fuzz-build fuzz-regress fuzz-clean

-include $(wildcard $(FUZZ_BUILD)/*.d $(FUZZ_BUILD)/lib/*.d)
