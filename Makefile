# mod_pamps: `make run` to try it, `make test` to check it.
APXS    ?= apxs
CC      ?= gcc
PORT    ?= 8080
DB      ?= sqlite3
DATA_DIR ?= $(CURDIR)/var
PYTHON  ?= /usr/bin/python3

BUILD   := build
MODULE  := .libs/mod_pamps.so
HEADERS := $(wildcard include/*.h src/api/*.h)
# the warning set mod_md builds with, as errors
WARN    := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
           -Wpointer-arith -Wdeclaration-after-statement -Wformat=2 -Wundef
LIBS    := -ljwt -ljansson -largon2 -lsqlite3
APR_CFLAGS := $(shell pkg-config --cflags apr-1 apr-util-1 2>/dev/null)
APR_LIBS   := $(shell pkg-config --libs apr-1 apr-util-1 2>/dev/null)
HTTPD_INC  := $(shell $(APXS) -q INCLUDEDIR 2>/dev/null)

# The layers (README "Layout"): the core knows no httpd and is built once,
# as a static library that the module, the pamps command and the unit tests
# all link; the module adds the httpd glue and the API's handlers.
# A libtool convenience library, as mod_md's libmd.la: PIC objects that
# libtool links whole into the module and into programs alike.
LIBTOOL  := $(shell $(APXS) -q LIBTOOL 2>/dev/null | sed 's/ --no-silent//') --silent
CORE_SRC := $(wildcard src/core/*.c) $(BUILD)/pamps_migrations.c
CORE_OBJ := $(patsubst %.c,$(BUILD)/core/%.lo,$(notdir $(CORE_SRC)))
CORE_LIB := $(BUILD)/libpamps_core.la
MODULE_SRC := mod_pamps.c $(wildcard src/httpd/*.c) $(wildcard src/api/*.c)
CLI        := pamps
CLI_SRC    := $(wildcard src/cli/*.c)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/%,$(wildcard tests/unit/test_*.c))

.PHONY: all deps run test unit e2e valgrind install install-module install-extras uninstall \
        deb deps-deb test-deb clean check-layers lint fuzz asan test-asan

all: $(MODULE) $(CLI)

deps:
	@sh scripts/deps.sh

$(BUILD)/pamps_migrations.c: scripts/embed_sql.sh $(wildcard sql/*/*.sql)
	@mkdir -p $(BUILD)
	sh scripts/embed_sql.sh sql > $@.tmp && mv $@.tmp $@

$(BUILD)/core/%.lo: src/core/%.c $(HEADERS)
	@mkdir -p $(BUILD)/core
	$(LIBTOOL) --mode=compile $(CC) $(WARN) -O2 -g -I include $(APR_CFLAGS) -c -o $@ $<

$(BUILD)/core/pamps_migrations.lo: $(BUILD)/pamps_migrations.c $(HEADERS)
	@mkdir -p $(BUILD)/core
	$(LIBTOOL) --mode=compile $(CC) $(WARN) -O2 -g -I include $(APR_CFLAGS) -c -o $@ $<

$(CORE_LIB): $(CORE_OBJ)
	$(LIBTOOL) --mode=link $(CC) -o $@ $^

$(MODULE): $(MODULE_SRC) $(HEADERS) $(CORE_LIB)
	$(APXS) -c -I include -I src/api $(addprefix -Wc$(comma),$(WARN)) \
	    -Wc,-DPAMPS_DOCS_DIR='\"$(DOCSDIR)\"' -o mod_pamps.so \
	    $(MODULE_SRC) $(CORE_LIB) $(LIBS)

comma := ,

$(CLI): $(CLI_SRC) $(HEADERS) $(CORE_LIB)
	$(LIBTOOL) --mode=link $(CC) $(WARN) -O2 -g -I include $(APR_CFLAGS) -o $@ $(CLI_SRC) \
	    $(CORE_LIB) $(APR_LIBS) -largon2 -ljansson

$(BUILD)/test_%: tests/unit/test_%.c $(CORE_LIB) $(HEADERS)
	@mkdir -p $(BUILD)
	$(LIBTOOL) --mode=link $(CC) $(WARN) -g -I include $(APR_CFLAGS) -o $@ $< $(CORE_LIB) \
	    $(APR_LIBS) $(LIBS) -lcmocka

unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do ./$$t; done

# every end-to-end test (or those of E2E) on SQLite, then on a private PostgreSQL
E2E    ?= tests/e2e
PYTEST := $(PYTHON) -m pytest -q -p no:cacheprovider
e2e: $(MODULE) $(CLI)
	PAMPS_TEST_DB=sqlite3 $(PYTEST) $(E2E)
	PAMPS_TEST_DB=pgsql $(PYTEST) $(E2E)

# the module under valgrind (httpd -X) through a mixed workload
valgrind: $(MODULE)
	$(PYTHON) scripts/valgrind_smoke.py

# The same code with ASan and UBSan, in build/asan: its own core library,
# module, command and unit tests, never mixed with the normal build (gcc's
# runtimes; any report aborts). httpd is not instrumented, so the e2e harness
# preloads the ASan runtime into it (PAMPS_TEST_PRELOAD) and fails a test
# that leaves a sanitizer report or a crashed child (tests/e2e/pampsenv.py).
ASAN_DIR      := $(BUILD)/asan
SAN_FLAGS     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_CFLAGS   := $(WARN) -O1 -g $(SAN_FLAGS) -I include $(APR_CFLAGS)
ASAN_CORE_OBJ := $(patsubst %.c,$(ASAN_DIR)/core/%.lo,$(notdir $(CORE_SRC)))
ASAN_CORE_LIB := $(ASAN_DIR)/libpamps_core.la
ASAN_MOD_OBJ  := $(patsubst %.c,$(ASAN_DIR)/mod/%.lo,$(notdir $(MODULE_SRC)))
ASAN_MODULE   := $(ASAN_DIR)/.libs/mod_pamps.so
ASAN_CLI      := $(ASAN_DIR)/pamps
ASAN_UNIT     := $(patsubst tests/unit/%.c,$(ASAN_DIR)/%,$(wildcard tests/unit/test_*.c))
ASAN_RUNTIME  := $(shell $(CC) -print-file-name=libasan.so)
# the module also sees httpd's headers and the API's own
HTTPD_CFLAGS  := -I $(HTTPD_INC) -I src/api
# the unit tests and the command: every report fatal, leaks included
UNIT_SAN_ENV  := ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1 \
                 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1
# what the e2e harness runs instead of the normal build
ASAN_E2E_ENV  := PAMPS_TEST_MODULE=$(CURDIR)/$(ASAN_MODULE) PAMPS_TEST_CLI=$(CURDIR)/$(ASAN_CLI) \
                 PAMPS_TEST_PRELOAD=$(ASAN_RUNTIME)

# one rule per source folder, the same recipe
asan_compile = mkdir -p $(@D)
asan_compile += && $(LIBTOOL) --mode=compile --tag=disable-static $(CC) $(ASAN_CFLAGS)

$(ASAN_DIR)/core/%.lo: src/core/%.c $(HEADERS)
	$(asan_compile) -c -o $@ $<

$(ASAN_DIR)/core/pamps_migrations.lo: $(BUILD)/pamps_migrations.c $(HEADERS)
	$(asan_compile) -c -o $@ $<

$(ASAN_CORE_LIB): $(ASAN_CORE_OBJ)
	$(LIBTOOL) --mode=link $(CC) -o $@ $^

$(ASAN_DIR)/mod/%.lo: src/httpd/%.c $(HEADERS)
	$(asan_compile) $(HTTPD_CFLAGS) -c -o $@ $<

$(ASAN_DIR)/mod/%.lo: src/api/%.c $(HEADERS)
	$(asan_compile) $(HTTPD_CFLAGS) -c -o $@ $<

$(ASAN_DIR)/mod/%.lo: %.c $(HEADERS)
	$(asan_compile) $(HTTPD_CFLAGS) -c -o $@ $<

$(ASAN_MODULE): $(ASAN_MOD_OBJ) $(ASAN_CORE_LIB)
	$(LIBTOOL) --mode=link --tag=disable-static $(CC) $(SAN_FLAGS) -o $(ASAN_DIR)/mod_pamps.la \
	    -rpath $(shell $(APXS) -q LIBEXECDIR 2>/dev/null) -module -avoid-version $^ $(LIBS)

$(ASAN_CLI): $(CLI_SRC) $(HEADERS) $(ASAN_CORE_LIB)
	$(LIBTOOL) --mode=link $(CC) $(ASAN_CFLAGS) -o $@ $(CLI_SRC) $(ASAN_CORE_LIB) \
	    $(APR_LIBS) -largon2 -ljansson

$(ASAN_DIR)/test_%: tests/unit/test_%.c $(ASAN_CORE_LIB) $(HEADERS)
	$(LIBTOOL) --mode=link $(CC) $(ASAN_CFLAGS) -o $@ $< $(ASAN_CORE_LIB) \
	    $(APR_LIBS) $(LIBS) -lcmocka

asan: $(ASAN_MODULE) $(ASAN_CLI) $(ASAN_UNIT)

# the unit tests, then the e2e tests (E2E) on both backends, all instrumented
test-asan: asan
	@set -e; for t in $(ASAN_UNIT); do $(UNIT_SAN_ENV) ./$$t; done
	$(ASAN_E2E_ENV) PAMPS_TEST_DB=sqlite3 $(PYTEST) $(E2E)
	$(ASAN_E2E_ENV) PAMPS_TEST_DB=pgsql $(PYTEST) $(E2E)

# core and cli reach no httpd header, the glue no handler, no file circles
check-layers:
	@sh scripts/check_layers.sh

# cppcheck and clang's static analyzer over every C file; both must be silent
LINT_FLAGS := -I include -I src/api -I $(HTTPD_INC) \
              $(shell pkg-config --cflags apr-1 apr-util-1 jansson libjwt 2>/dev/null)
LINT_SRC   := mod_pamps.c $(wildcard src/*/*.c tests/unit/*.c)
lint: $(BUILD)/pamps_migrations.c
	@cppcheck --quiet --std=c99 --enable=warning,performance,portability --inline-suppr \
	    --error-exitcode=1 -I include -I src/api $(LINT_SRC) $(BUILD)/pamps_migrations.c
	@printf '%s\n' $(LINT_SRC) | xargs -P2 -I{} clang --analyze -Xclang -analyzer-werror \
	    $(LINT_FLAGS) -o /dev/null {}
	@echo "lint: cppcheck and clang --analyze found nothing"

# libFuzzer targets over the core's parsers (tests/fuzz), with ASan and
# UBSan; seeds in tests/fuzz/corpus/TARGET, what a run finds in build/fuzz.
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                -I include $(APR_CFLAGS)
FUZZ_CORE    := $(wildcard src/core/*.c) $(BUILD)/pamps_migrations.c

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz_common.h $(FUZZ_CORE) $(HEADERS)
	@mkdir -p $(BUILD)/fuzz
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_CORE) $(APR_LIBS) $(LIBS)

fuzz: $(addprefix $(BUILD)/fuzz/,$(FUZZ_TARGETS))
	@sh scripts/fuzz.sh $(BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# for clangd and other editors: every compile command of a full build
compile_commands.json: $(MODULE_SRC) $(CLI_SRC) $(wildcard src/core/*.c tests/unit/*.c)
	$(MAKE) clean
	bear --output $@ -- $(MAKE) all $(UNIT_TESTS)

test: deps
	$(MAKE) check-layers
	$(MAKE) lint
	$(MAKE) unit
	$(MAKE) e2e

run: deps $(MODULE) $(CLI)
	@sh scripts/run.sh "$(CURDIR)" "$(CURDIR)/$(MODULE)" "$(PORT)" "$(abspath $(DATA_DIR))" "$(DB)"

# Into the system Apache (Debian's layout), or under DESTDIR for packaging.
# `install` replaces a file (a new inode) instead of writing into it: a running
# httpd keeps its mapping of the old module until it restarts (cp over a
# mapped .so crashes it). An edited pamps.conf (or .load) is kept, the new
# one put beside it as .dist.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
SQLDIR     ?= $(PREFIX)/share/pamps/sql
CONFCOPY   ?= $(PREFIX)/share/pamps/conf
# Swagger UI's files for GET /docs (the module's default PampsDocsDir)
DOCSDIR    ?= $(PREFIX)/share/pamps/swagger-ui
SWAGGER    := web/node_modules/swagger-ui-dist
SWAGGER_FILES := swagger-ui.css swagger-ui-bundle.js favicon-32x32.png favicon-16x16.png \
                 LICENSE NOTICE swagger-ui-bundle.js.LICENSE.txt
MODDIR     ?= $(shell $(APXS) -q LIBEXECDIR 2>/dev/null)
APACHE_DIR ?= /etc/apache2

install: install-module install-extras
	@[ -n "$(DESTDIR)" ] || sh scripts/install_conf.sh notice "$(APACHE_DIR)"

install-module: $(MODULE)
	install -d $(DESTDIR)$(MODDIR) $(DESTDIR)$(APACHE_DIR)/mods-available
	install -m 644 $(MODULE) $(DESTDIR)$(MODDIR)/mod_pamps.so
	sh scripts/install_conf.sh install conf/pamps.load $(DESTDIR)$(APACHE_DIR)/mods-available \
	    $(DESTDIR)$(CONFCOPY)
	sh scripts/install_conf.sh install conf/pamps.conf $(DESTDIR)$(APACHE_DIR)/mods-available \
	    $(DESTDIR)$(CONFCOPY)

# the command, its man page and the migrations (the package's share too)
install-extras: $(CLI)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(SQLDIR)/sqlite $(DESTDIR)$(SQLDIR)/pgsql
	install -m 755 $(CLI) $(DESTDIR)$(BINDIR)/pamps
	install -m 644 doc/pamps.8 $(DESTDIR)$(MANDIR)/man8/pamps.8
	install -m 644 sql/sqlite/*.sql $(DESTDIR)$(SQLDIR)/sqlite
	install -m 644 sql/pgsql/*.sql $(DESTDIR)$(SQLDIR)/pgsql
	install -d $(DESTDIR)$(DOCSDIR)
	install -m 644 $(addprefix $(SWAGGER)/,$(SWAGGER_FILES)) $(DESTDIR)$(DOCSDIR)

# What install put there; configuration files only if unedited. Refused
# while the module is enabled: httpd would not start without its .so.
uninstall:
	@if [ -z "$(DESTDIR)" ] && [ -e $(APACHE_DIR)/mods-enabled/pamps.load ]; then \
	    echo "uninstall: mod_pamps is enabled: a2dismod pamps, restart Apache, then again" >&2; \
	    exit 1; fi
	rm -f $(DESTDIR)$(MODDIR)/mod_pamps.so $(DESTDIR)$(BINDIR)/pamps \
	    $(DESTDIR)$(MANDIR)/man8/pamps.8
	rm -rf $(DESTDIR)$(SQLDIR) $(DESTDIR)$(DOCSDIR)
	sh scripts/install_conf.sh remove conf/pamps.load $(DESTDIR)$(APACHE_DIR)/mods-available \
	    $(DESTDIR)$(CONFCOPY)
	sh scripts/install_conf.sh remove conf/pamps.conf $(DESTDIR)$(APACHE_DIR)/mods-available \
	    $(DESTDIR)$(CONFCOPY)
	-rmdir $(DESTDIR)$(PREFIX)/share/pamps $(DESTDIR)$(MANDIR)/man8 2>/dev/null

# libapache2-mod-pamps_VERSION_ARCH.deb in build/deb/ (debian/, debhelper and
# dh_apache2), built from a copy of the tracked files so nothing lands
# beside the checkout
deb: deps-deb
	sh scripts/build_deb.sh "$(CURDIR)" "$(CURDIR)/$(BUILD)/deb"

deps-deb:
	@PAMPS_DEPS_EXTRA="debhelper dpkg-dev" sh scripts/deps.sh

# the .deb into this machine's Apache, used, purged, and nothing left behind
test-deb: deb
	sh scripts/test_deb.sh "$(CURDIR)" "$(CURDIR)/$(BUILD)/deb"

clean:
	rm -rf $(BUILD) .libs src/*/.libs *.lo *.la *.slo *.o src/*/*.lo src/*/*.la src/*/*.slo src/*/*.o $(CLI)
