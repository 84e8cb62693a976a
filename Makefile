# Greenlight: greenlightd (daemon) and greenlight (ncurses client).
# Sources are picked up by directory, so adding a file needs no edit here.

BUILD   ?= build
BIN     ?= bin
CC      ?= cc
PYTHON  ?= /usr/bin/python3
VERSION := 0.1.0

PKGS    := libuv lmdb msgpack libsodium jansson libcurl zlib
CFLAGS  ?= -O2 -g
# 'override' keeps these when CFLAGS is given on the command line (make asan does that).
override CFLAGS += -std=c11 -Wall -Wextra -Wpedantic -Werror -Wmissing-prototypes -D_GNU_SOURCE \
           -DGL_VERSION=\"$(VERSION)\"
# Each program has its own include path, so the compiler keeps the layers apart: common/ and
# protocol/ see only each other, the daemon never sees tui/, the client never sees server/. The
# unit tests link daemon objects and take the daemon's path.
INC_COMMON := -Icommon -Iprotocol
INC_SERVER := $(INC_COMMON) -Iserver
INC_TUI    := $(INC_COMMON) -Itui
LDLIBS_D = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -luv -llmdb -lmsgpackc -lsodium -ljansson -lcurl -lz) -lhttp_parser -lpthread -lm
LDLIBS_C = $(shell pkg-config --libs libuv msgpack libsodium ncursesw jansson 2>/dev/null || echo -luv -lmsgpackc -lsodium -lncursesw -ljansson) -lpthread -lm

COMMON_SRC := $(wildcard common/*.c) $(wildcard protocol/*.c)
# EXCLUDE leaves sources out of a build, e.g. work in progress: make EXCLUDE='server/http.c'
SERVER_SRC := $(filter-out server/main.c $(EXCLUDE),$(wildcard server/*.c))
TUI_SRC    := $(filter-out tui/main.c,$(wildcard tui/*.c))
UNIT_SRC   := $(wildcard tests/unit/test_*.c)

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
COMMON_OBJ := $(call obj,$(COMMON_SRC))
SERVER_OBJ := $(call obj,$(SERVER_SRC))
TUI_OBJ    := $(call obj,$(TUI_SRC))
UNIT_BIN   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

# The link pages' translations (server/i18n.h): po/LANG.po compiled, checked, into
# BUILD/locale/LANG/LC_MESSAGES/greenlight.mo, where make run and the tests point the daemon.
PO_FILES := $(wildcard po/*.po)
MO_FILES := $(patsubst po/%.po,$(BUILD)/locale/%/LC_MESSAGES/greenlight.mo,$(PO_FILES))

TARGETS := $(BIN)/greenlightd $(MO_FILES)
ifneq ($(wildcard tui/main.c),)
TARGETS += $(BIN)/greenlight
endif

.PHONY: all deps test test-deps check check-asan fuzz test-unit test-e2e asan test-asan run bench clean format man pot
all: deps $(TARGETS)

deps:
	@scripts/install-deps.sh build

# Order-only on deps: under make -jN nothing compiles before the packages it includes are there.
$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INC) -MMD -MP -c $< -o $@

$(BUILD)/common/%.o $(BUILD)/protocol/%.o: INC = $(INC_COMMON)
$(BUILD)/server/%.o: INC = $(INC_SERVER)
$(BUILD)/tui/%.o: INC = $(INC_TUI)

$(BUILD)/locale/%/LC_MESSAGES/greenlight.mo: po/%.po | deps
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# make pot: the template extracted again from the sources, and every catalogue merged with it
# (new strings come in untranslated; tests/e2e/test_i18n.py fails until they are translated).
# POT_OUT elsewhere only extracts (the test compares that with po/greenlight.pot).
POT_OUT ?= po/greenlight.pot
pot:
	xgettext --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
	    --keyword=NC_:1c,2,3 --add-comments=TRANSLATORS: \
	    --add-location=file --package-name=greenlight --package-version=$(VERSION) \
	    --msgid-bugs-address="see README.md" -o $(POT_OUT) \
	    $(sort $(wildcard server/*.c server/*.h)) protocol/statuses.h
	@if [ "$(POT_OUT)" = po/greenlight.pot ]; then for po in $(PO_FILES); do \
	    msgmerge --quiet --update --backup=none --no-fuzzy-matching $$po po/greenlight.pot; done; fi

$(BIN)/greenlightd: $(BUILD)/server/main.o $(SERVER_OBJ) $(COMMON_OBJ)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $^ -o $@ $(LDFLAGS) $(LDLIBS_D)

$(BIN)/greenlight: $(BUILD)/tui/main.o $(TUI_OBJ) $(COMMON_OBJ)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $^ -o $@ $(LDFLAGS) $(LDLIBS_C)

# Unit tests link against everything but the programs' main().
$(BUILD)/tests/%: tests/unit/%.c $(SERVER_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INC_SERVER) $^ -o $@ $(LDFLAGS) $(LDLIBS_D) -lcmocka

# make test: every test on the default build, then again on the sanitizer build.
test: test-deps
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory check-asan
	@if [ -x fuzz/run.sh ]; then fuzz/run.sh short; fi

# Fuzzing with libFuzzer (clang): each target for a bounded time (fuzz/run.sh).
fuzz: test-deps
	@fuzz/run.sh long

test-deps:
	@scripts/install-deps.sh test

# The tests of one build (BUILD/BIN).
check: all $(UNIT_BIN)
	$(MAKE) --no-print-directory test-unit test-e2e

test-unit: $(UNIT_BIN) $(MO_FILES)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; GL_LOCALE_DIR=$(abspath $(BUILD))/locale $$t; done

test-e2e: all
	GL_BIN=$(abspath $(BIN)) GL_LOCALE_DIR=$(abspath $(BUILD))/locale $(PYTHON) -m pytest -q -p no:cacheprovider tests/e2e $(PYTEST_ARGS)

# AddressSanitizer + UndefinedBehaviorSanitizer build, in its own directories.
ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
ASAN_MAKE := $(MAKE) --no-print-directory BUILD=build-asan BIN=bin-asan CFLAGS="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined"
asan:
	$(ASAN_MAKE) all

check-asan:
	$(ASAN_MAKE) check

test-asan: test-deps check-asan

run: all
	@GL_LOCALE_DIR=$(abspath $(BUILD))/locale scripts/run-demo.sh $(abspath $(BIN))

bench: all
	@scripts/install-deps.sh bench
	@bench/run.sh $(abspath $(BIN))

# make man: the OPTIONS list of the daemon's man page, made again from GL_OPTIONS (server/config.h).
$(BUILD)/tools/manopts: tests/tools/manopts.c $(SERVER_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INC_SERVER) $^ -o $@ $(LDFLAGS) $(LDLIBS_D)

man: $(BUILD)/tools/manopts
	$< packaging/greenlightd.8

format:
	clang-format -i $(wildcard */*.c */*.h tests/unit/*.c)

clean:
	rm -rf build build-* bin bin-*

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# make install / uninstall: PREFIX (default /usr/local) and DESTDIR as usual. The daemon goes to
# sbin (it is a system service), the client to bin, the manual pages to share/man, the example
# configuration to share/doc/greenlight and, when none is there yet, to
# $(SYSCONFDIR)/greenlight/greenlightd.conf (default /etc, where a Debian admin looks), and the
# systemd unit to $(UNITDIR). docs/install.md describes the layout.
PREFIX     ?= /usr/local
LOCALEDIR  ?= $(PREFIX)/share/locale
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
INSTALL    ?= install
.PHONY: install uninstall
install: all
	$(INSTALL) -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
	    $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/doc/greenlight $(DESTDIR)$(SYSCONFDIR)/greenlight \
	    $(DESTDIR)$(UNITDIR)
	$(INSTALL) -m 0755 $(BIN)/greenlightd $(DESTDIR)$(PREFIX)/sbin/greenlightd
	$(INSTALL) -m 0755 $(BIN)/greenlight $(DESTDIR)$(PREFIX)/bin/greenlight
	$(INSTALL) -m 0644 packaging/greenlightd.8 $(DESTDIR)$(PREFIX)/share/man/man8/greenlightd.8
	$(INSTALL) -m 0644 packaging/greenlight.1 $(DESTDIR)$(PREFIX)/share/man/man1/greenlight.1
	$(INSTALL) -m 0644 packaging/greenlightd.conf $(DESTDIR)$(PREFIX)/share/doc/greenlight/greenlightd.conf.example
	$(INSTALL) -m 0644 README.md $(wildcard docs/*.md) $(DESTDIR)$(PREFIX)/share/doc/greenlight/
	@set -e; for po in $(PO_FILES); do l=$$(basename $$po .po); \
	    $(INSTALL) -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES; \
	    $(INSTALL) -m 0644 $(BUILD)/locale/$$l/LC_MESSAGES/greenlight.mo \
	        $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/greenlight.mo; done
	sed 's|/usr/sbin/greenlightd|$(PREFIX)/sbin/greenlightd|; s|/etc/greenlight/|$(SYSCONFDIR)/greenlight/|' \
	    packaging/greenlightd.service > $(DESTDIR)$(UNITDIR)/greenlightd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/greenlightd.service
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/greenlight/greenlightd.conf ]; then \
	    echo "keeping $(DESTDIR)$(SYSCONFDIR)/greenlight/greenlightd.conf"; \
	else \
	    sed 's|^#locale-dir = .*|locale-dir = $(LOCALEDIR)|' packaging/greenlightd.conf \
	        > $(DESTDIR)$(SYSCONFDIR)/greenlight/greenlightd.conf; \
	    chmod 0644 $(DESTDIR)$(SYSCONFDIR)/greenlight/greenlightd.conf; \
	fi

# The configuration is removed only when it is still the example: an edited one is the admin's.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/greenlightd $(DESTDIR)$(PREFIX)/bin/greenlight \
	    $(DESTDIR)$(PREFIX)/share/man/man8/greenlightd.8 \
	    $(DESTDIR)$(PREFIX)/share/man/man1/greenlight.1 $(DESTDIR)$(UNITDIR)/greenlightd.service
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/greenlight
	rm -f $(patsubst po/%.po,$(DESTDIR)$(LOCALEDIR)/%/LC_MESSAGES/greenlight.mo,$(PO_FILES))
	@if sed 's|^#locale-dir = .*|locale-dir = $(LOCALEDIR)|' packaging/greenlightd.conf | \
	    cmp -s - $(DESTDIR)$(SYSCONFDIR)/greenlight/greenlightd.conf; then \
	    rm -f $(DESTDIR)$(SYSCONFDIR)/greenlight/greenlightd.conf; \
	    rmdir $(DESTDIR)$(SYSCONFDIR)/greenlight 2>/dev/null || true; \
	else \
	    echo "keeping $(DESTDIR)$(SYSCONFDIR)/greenlight/greenlightd.conf (edited)"; \
	fi
