# mod_pamps: `make run` to try it, `make test` to check it.
APXS    ?= apxs
CC      ?= gcc
PORT    ?= 8080
DB      ?= sqlite3
DATA_DIR ?= $(CURDIR)/var
PYTHON  ?= /usr/bin/python3

BUILD   := build
MODULE  := .libs/mod_pamps.so
SOURCES := mod_pamps.c $(wildcard src/*.c) $(BUILD)/pamps_migrations.c
HEADERS := $(wildcard include/*.h)
WARN    := -Wall -Wextra -Werror
LIBS    := -ljwt -ljansson -largon2

# the parts that know nothing of httpd, linked alone by the unit tests
CORE    := src/pamps_time.c src/pamps_validate.c src/pamps_json.c src/pamps_route.c \
           src/pamps_token.c src/pamps_password.c src/pamps_views.c
APR_CFLAGS := $(shell pkg-config --cflags apr-1 apr-util-1 2>/dev/null)
APR_LIBS   := $(shell pkg-config --libs apr-1 apr-util-1 2>/dev/null)
# the pamps admin command: its own files plus the core it shares with the module
CLI        := pamps
CLI_SRC    := $(wildcard src/cli/*.c) src/pamps_migrate.c $(BUILD)/pamps_migrations.c \
              src/pamps_validate.c src/pamps_password.c src/pamps_time.c src/pamps_sql.c
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/%,$(wildcard tests/unit/test_*.c))

.PHONY: all deps run test unit e2e valgrind install clean

all: $(MODULE) $(CLI)

deps:
	@sh scripts/deps.sh

$(BUILD)/pamps_migrations.c: scripts/embed_sql.sh $(wildcard sql/*/*.sql)
	@mkdir -p $(BUILD)
	sh scripts/embed_sql.sh sql > $@.tmp && mv $@.tmp $@

$(MODULE): $(SOURCES) $(HEADERS)
	$(APXS) -c -I include $(addprefix -Wc$(comma),$(WARN)) $(LIBS) -o mod_pamps.so $(SOURCES)

comma := ,

$(CLI): $(CLI_SRC) $(HEADERS)
	$(CC) $(WARN) -O2 -g -I include $(APR_CFLAGS) -o $@ $(CLI_SRC) $(APR_LIBS) -largon2 -ljansson

$(BUILD)/test_%: tests/unit/test_%.c $(CORE) $(HEADERS)
	@mkdir -p $(BUILD)
	$(CC) $(WARN) -g -I include $(APR_CFLAGS) -o $@ $< $(CORE) $(APR_LIBS) $(LIBS) -lcmocka

unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do ./$$t; done

# every end-to-end test on SQLite, then again on a private PostgreSQL
e2e: $(MODULE) $(CLI)
	PAMPS_TEST_DB=sqlite3 $(PYTHON) -m pytest -q -p no:cacheprovider tests/e2e
	PAMPS_TEST_DB=pgsql $(PYTHON) -m pytest -q -p no:cacheprovider tests/e2e

# the module under valgrind (httpd -X) through a mixed workload
valgrind: $(MODULE)
	$(PYTHON) scripts/valgrind_smoke.py

test: deps
	$(MAKE) unit
	$(MAKE) e2e

run: deps $(MODULE)
	@sh scripts/run.sh "$(CURDIR)" "$(CURDIR)/$(MODULE)" "$(PORT)" "$(abspath $(DATA_DIR))" "$(DB)"

install: $(MODULE) $(CLI)
	$(APXS) -i -n pamps $(MODULE)
	install -m 644 conf/pamps.load /etc/apache2/mods-available/pamps.load
	install -m 644 conf/pamps.conf /etc/apache2/mods-available/pamps.conf
	install -m 755 $(CLI) /usr/local/bin/pamps

clean:
	rm -rf $(BUILD) .libs src/.libs *.lo *.la *.slo *.o src/*.lo src/*.la src/*.slo src/*.o $(CLI)
