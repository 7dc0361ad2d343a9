# dossier: build, test, demo. `make demo` and `make check` install what is
# missing (scripts/install-deps.sh), so a fresh Debian 12 needs nothing else.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/dossier
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
BUILDDIR ?= build
PKG_CONFIG ?= pkg-config
PKGS := libcmark-gfm libxml-2.0 libzip zlib lua5.4 yaml-0.1 jansson libsodium libcrypto libmicrohttpd gpgme

CC ?= cc
CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wformat=2 -Wno-unused-parameter
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif
ifeq ($(SANITIZE),1)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lcmark-gfm-extensions -lcsv
ALL_CFLAGS = -std=c11 -pthread -D_POSIX_C_SOURCE=200809L $(WARNINGS) $(SANFLAGS) $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = -pthread $(SANFLAGS) $(LDFLAGS)

SRCS := $(sort $(shell find generator -name '*.c' ! -name main.c))
OBJS := $(SRCS:%.c=$(BUILDDIR)/%.o)
LIB := $(BUILDDIR)/libdossier.a
BIN := $(BUILDDIR)/dossier
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILDDIR)/tests/%)

EXAMPLE ?= examples/infusion-pump

.PHONY: all deps test-deps demo check unit install uninstall clean regen format bench leakcheck fuzz

all: $(BIN)

deps:
	@sh scripts/install-deps.sh

# The npm packages the tests run (tests/validators and tests/browser, each
# pinned by its package-lock.json), when npm is there.
test-deps:
	@sh scripts/install-deps.sh --test
	@if command -v npm >/dev/null 2>&1; then cd tests/validators && npm ci --no-audit --no-fund; \
	else echo "npm not found: the CSAF validator tests will be skipped" >&2; fi
	@if command -v npm >/dev/null 2>&1; then cd tests/browser && npm ci --no-audit --no-fund; \
	else echo "npm not found: the browser tests will be skipped" >&2; fi

$(BUILDDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(BUILDDIR)/generator/main.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(BUILDDIR)/tests/%: tests/unit/%.c tests/unit/test.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Igenerator -o $@ $< $(LIB) $(ALL_LDFLAGS) $(PKG_LIBS) -lm

demo: deps
	@sh scripts/install-deps.sh --demo
	$(MAKE) all
	sh scripts/demo-key.sh output/demo-signing-key.asc
	$(BIN) build $(EXAMPLE) -o output/$(notdir $(EXAMPLE)) --pdf --csaf-sign output/demo-signing-key.asc
	@echo "open output/$(notdir $(EXAMPLE))/index.html"

check: test-deps
	$(MAKE) all unit
	BUILDDIR=$(BUILDDIR) sh tests/run.sh

unit: $(UNIT_BINS)

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/dossier
	cp -R lua-templates schemas $(DESTDIR)$(DATADIR)/
	install -d $(DESTDIR)$(DATADIR)/examples
	cp -R examples/minimal $(DESTDIR)$(DATADIR)/examples/
	install -m 644 docs/dossier.1 $(DESTDIR)$(MANDIR)/man1/dossier.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dossier $(DESTDIR)$(MANDIR)/man1/dossier.1
	rm -rf $(DESTDIR)$(DATADIR)

# The libFuzzer targets (fuzz/), FUZZ_SECONDS each (default 600), built with
# clang, ASan and UBSan in build-fuzz/; make check runs a short pass.
FUZZ_SECONDS ?= 600
fuzz: test-deps
	sh fuzz/run.sh fuzz $(FUZZ_SECONDS)

# valgrind's memcheck over representative runs and the unit tests: no invalid
# access, no uninitialised use, no lost block (tests/leakcheck/run.sh).
leakcheck: deps
	$(MAKE) all unit
	BUILDDIR=$(BUILDDIR) sh tests/leakcheck/run.sh

# The benchmark: dossier against Hugo and the cmark-gfm floor (docs/performance.md).
bench: deps
	@sh scripts/install-deps.sh --bench
	$(MAKE) all
	BUILDDIR=$(BUILDDIR) sh bench/run.sh $(BENCH_N)
	-BENCH=1 BUILDDIR=$(BUILDDIR) sh tests/cases/standard_bench.sh

# Files written from one definition: the record schema and the rule table.
regen: $(BIN)
	$(BIN) schema --xsd >schemas/records-file.xsd
	$(BIN) schema --markdown >docs/records.md
	$(BIN) rules --markdown >docs/rules.md

format:
	clang-format -i $$(find generator tests/unit -name '*.[ch]')

clean:
	rm -rf $(BUILDDIR) build-asan build-fuzz output tests/tmp

-include $(OBJS:.o=.d) $(BUILDDIR)/generator/main.d
