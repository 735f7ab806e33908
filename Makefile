# git-kvmdigest: digest KVM list archive fetches into git notes.
#
#   make            build git-kvmdigest
#   make test       install missing test dependencies, then run `make check`
#   make check      check-layers, unit tests, then the end-to-end suite (t/)
#   make check-layers  fail when a lib/ module uses one above its layer
#   make demo       install missing build dependencies, build, digest the sample
#   make SANITIZE=1 build (and test) under AddressSanitizer and UBSan

prefix ?= /usr/local
bindir = $(prefix)/bin
mandir = $(prefix)/share/man
sharedir = $(prefix)/share/git-kvmdigest

CC ?= cc
NM ?= nm
PKG_CONFIG ?= pkg-config
DEPS = libgit2 gmime-3.0 libpcre2-8 json-glib-1.0 zlib sqlite3
VERSION = 0.1

WARNINGS = -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wvla
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -Ilib $(WARNINGS) $(CFLAGS) \
	-DKVMD_VERSION='"$(VERSION)"' \
	$(shell $(PKG_CONFIG) --cflags $(DEPS) 2>/dev/null)
LIBS = $(shell $(PKG_CONFIG) --libs $(DEPS) 2>/dev/null) -lpthread

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
# leaks inside libgit2 1.5 (see t/lsan.supp); full stacks to match them
export LSAN_OPTIONS = suppressions=$(CURDIR)/t/lsan.supp:print_suppressions=0
export ASAN_OPTIONS = fast_unwind_on_malloc=0
endif

LIB_OBJS = $(patsubst %.c,%.o,$(wildcard lib/*.c))
LIB = lib/libkvmdigest.a
PROGRAM = git-kvmdigest
HELPERS = $(patsubst %.c,%,$(wildcard t/helper/*.c))
UNIT_TESTS = $(patsubst %.c,%,$(wildcard t/unit/test-*.c))

all: $(PROGRAM)

# Rebuild everything when the flags change (e.g. SANITIZE=1 after a plain build).
BUILD_FLAGS: FORCE
	@echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(LIBS)' | cmp -s - $@ || \
		echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(LIBS)' >$@

%.o: %.c BUILD_FLAGS
	$(CC) $(ALL_CFLAGS) $(OBJ_CFLAGS) -MMD -MP -c -o $@ $<

# Only the front end knows where the hooks are installed: another prefix
# (make install prefix=..., DESTDIR staging) rebuilds that one file.
SHAREDIR: FORCE
	@echo '$(sharedir)' | cmp -s - $@ || echo '$(sharedir)' >$@

git-kvmdigest.o: OBJ_CFLAGS = -DKVMD_SHAREDIR='"$(sharedir)"'
git-kvmdigest.o: SHAREDIR

$(LIB): $(LIB_OBJS)
	$(RM) $@
	$(AR) rcs $@ $^

# the front end: the program's own files, outside lib/ (they print, exit, fork)
FRONT_OBJS = git-kvmdigest.o pager.o

$(PROGRAM): $(FRONT_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

t/helper/%: t/helper/%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

t/unit/test-%: t/unit/test-%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

# What the tests need (cmocka, public-inbox, asciidoctor...) first, in its
# own make as for demo: the unit tests' link flags come from pkg-config.
test:
	@sh .ci/install-deps test
	@$(MAKE) --no-print-directory check

check: $(PROGRAM) $(HELPERS) $(UNIT_TESTS) check-layers
	@sh t/run-unit.sh $(UNIT_TESTS)
	@sh t/run-tests.sh

# lib/ is three layers, each using only those below it: read from the
# object files, so that no include or declaration can hide a use.
check-layers: $(LIB_OBJS)
	@sh t/check-layers.sh $(NM)

# Dependencies first, in their own make, so pkg-config then finds them.
demo:
	@sh .ci/install-deps build
	@$(MAKE) --no-print-directory all
	@sh sample/demo.sh

doc: Documentation/git-kvmdigest.1

# asciidoctor is installed when missing (.ci/install-deps doc), as make demo
# installs the build's dependencies: the page is generated, never committed.
Documentation/git-kvmdigest.1: Documentation/git-kvmdigest.adoc
	@sh .ci/install-deps doc
	asciidoctor -b manpage -a mansource=git-kvmdigest -a manversion=$(VERSION) \
		-a manmanual='Git Manual' -o $@ $<

HOOK_SCRIPTS = hooks/post-merge hooks/reference-transaction

install: all doc
	install -d '$(DESTDIR)$(bindir)' '$(DESTDIR)$(mandir)/man1' '$(DESTDIR)$(sharedir)/hooks'
	install -m 755 $(PROGRAM) '$(DESTDIR)$(bindir)/'
	install -m 644 Documentation/git-kvmdigest.1 '$(DESTDIR)$(mandir)/man1/'
	install -m 755 $(HOOK_SCRIPTS) '$(DESTDIR)$(sharedir)/hooks/'

# Removes what install put there, and the directories it leaves empty.
uninstall:
	$(RM) '$(DESTDIR)$(bindir)/$(PROGRAM)' '$(DESTDIR)$(mandir)/man1/git-kvmdigest.1'
	for f in $(HOOK_SCRIPTS); do $(RM) "$(DESTDIR)$(sharedir)/$$f" || exit; done
	-rmdir '$(DESTDIR)$(sharedir)/hooks' '$(DESTDIR)$(sharedir)' \
		'$(DESTDIR)$(mandir)/man1' '$(DESTDIR)$(mandir)' '$(DESTDIR)$(bindir)' \
		'$(DESTDIR)$(prefix)/share' 2>/dev/null || true

clean:
	$(RM) $(PROGRAM) $(LIB) lib/*.o lib/*.d *.o *.d t/unit/*.o t/unit/*.d \
		t/helper/*.o t/helper/*.d $(HELPERS) $(UNIT_TESTS) BUILD_FLAGS SHAREDIR
	$(RM) -r t/trash\ directory.* demo

.PHONY: all test check check-layers demo doc install uninstall clean FORCE
.SECONDARY:

-include $(wildcard lib/*.d *.d t/unit/*.d t/helper/*.d)

# Benchmarks (bench/bench.mk) and fuzzing (fuzz/fuzz.mk) keep their rules
# beside their sources.
-include bench/bench.mk
-include fuzz/fuzz.mk
