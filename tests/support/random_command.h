/* random_command.h — pseudo-random worlds of commands for the tests that run the
 * same stream on two engines and compare them (test_view_specs: every read model;
 * test_whatif_sqlite: the sandbox and a real run).  A linear congruential
 * generator: a seed gives the same stream on every machine. */
#ifndef ALLOT_TESTS_RANDOM_COMMAND_H
#define ALLOT_TESTS_RANDOM_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/commands.h"

/* The names a stream uses. */
typedef struct RandomWorld {
    unsigned skus;     /* SKU0 … SKU<skus-1> */
    unsigned refs;     /* R0 … R<refs-1>: the batches test_random_batches made */
    unsigned orders;   /* o0 … o<orders-1> */
    unsigned new_refs; /* N0 … N<new_refs-1>: the refs a CreateBatch takes (a second
                          time: a duplicate, refused) */
    bool unknown;      /* commands also name SKU<skus> and R<refs>, which never exist */
    bool needs;        /* an Allocate carries a need date (test_rnd_need) */
} RandomWorld;

/* 0 … n-1 (n > 0). */
unsigned test_rnd(unsigned *st, unsigned n);

/* A day of 20800 … 20999 (2026-12-13 on), or ALLOT_NO_ETA one time in `none_in`. */
int32_t test_rnd_eta(unsigned *st, unsigned none_in);

/* A need date of 20750 … 20999 (around the ETAs of test_rnd_eta), or ALLOT_NO_DATE
 * one time in four. */
int32_t test_rnd_need(unsigned *st);

/* The batches w starts with: 1 … max_per_sku of each SKU, refs R0, R1, … across
 * the SKUs, qty 0 … 19, ETA test_rnd_eta(st, none_in), into out (room for
 * w->skus × max_per_sku).  Sets w->refs; returns how many. */
size_t test_random_batches(unsigned *st, RandomWorld *w, unsigned max_per_sku, unsigned none_in,
                           Command *out);

/* One command of w: ChangeBatchEta, ChangeBatchQuantity (0 … 24), Allocate (twice
 * as often; 1 … 8; with a need date when w->needs), CancelLine or CreateBatch (qty
 * 0 … 19); it may be refused. */
Command test_random_command(unsigned *st, const RandomWorld *w);

#endif
