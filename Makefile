# innotrue — PGXS build.
#
#   make                 build the C library and the install script innotrue--<version>.sql
#   make install         install both into the PostgreSQL found by $(PG_CONFIG)
#   make installcheck    pg_regress suites (sql/, expected/) and isolation specs (test/isolation/)
#   make prove           pgTAP suites (test/pgtap/) through pg_prove
#
# scripts/test runs all of it against a throwaway cluster; scripts/demo walks a scenario.

EXTENSION   = innotrue
EXTVERSION  = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big  = innotrue
OBJS        = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))
PG_CPPFLAGS = -I$(srcdir)/src
PG_CFLAGS   = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers

# Releases and upgrades (docs/operations.md): the install script of the first release, 0.1.0, is
# generated from the schema sources (numbered in layer order, as docs/schema.md groups the tables) and frozen
# since; every later version is an upgrade step generated from the numbered sources in
# src/upgrade/A--B/. CREATE EXTENSION runs the base script and then the chain of steps, so a fresh
# install and an upgraded one run the same SQL.
BASE_VERSION    = 0.1.0
SCHEMA_SOURCES  = $(sort $(wildcard src/schema/*.sql))
UPGRADE_STEPS   = $(patsubst src/upgrade/%/,$(EXTENSION)--%.sql,$(sort $(dir $(wildcard src/upgrade/*--*/*.sql))))
DATA_built  = $(EXTENSION)--$(BASE_VERSION).sql $(UPGRADE_STEPS)

REGRESS      = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --load-extension=$(EXTENSION)
ISOLATION      = $(patsubst test/isolation/specs/%.spec,%,$(sort $(wildcard test/isolation/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test/isolation --load-extension=$(EXTENSION)

EXTRA_CLEAN = output_iso results regression.diffs regression.out

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(EXTENSION)--$(BASE_VERSION).sql: $(SCHEMA_SOURCES)
	cat $(SCHEMA_SOURCES) > $@

.SECONDEXPANSION:
$(UPGRADE_STEPS): $(EXTENSION)--%.sql: $$(sort $$(wildcard src/upgrade/%/*.sql))
	cat $^ > $@

.PHONY: prove
prove:
	pg_prove --ext .sql -r test/pgtap
