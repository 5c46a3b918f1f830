#include "random_command.h"

#include <stdio.h>

unsigned test_rnd(unsigned *st, unsigned n)
{
    *st = *st * 1103515245u + 12345u;
    return (*st >> 16) % n;
}

int32_t test_rnd_eta(unsigned *st, unsigned none_in)
{
    return test_rnd(st, none_in) == 0 ? ALLOT_NO_ETA : 20800 + (int32_t)test_rnd(st, 200);
}

int32_t test_rnd_need(unsigned *st)
{
    return test_rnd(st, 4) == 0 ? ALLOT_NO_DATE : 20750 + (int32_t)test_rnd(st, 250);
}

size_t test_random_batches(unsigned *st, RandomWorld *w, unsigned max_per_sku, unsigned none_in,
                           Command *out)
{
    size_t n = 0;
    for (unsigned k = 0; k < w->skus; k++) {
        char sku[16], ref[16];
        snprintf(sku, sizeof sku, "SKU%u", k);
        for (unsigned b = 0, nb = 1 + test_rnd(st, max_per_sku); b < nb; b++) {
            snprintf(ref, sizeof ref, "R%zu", n);
            int32_t eta = test_rnd_eta(st, none_in);
            out[n++] = command_create_batch(ref, sku, test_rnd(st, 20), eta);
        }
    }
    w->refs = (unsigned)n;
    return n;
}

Command test_random_command(unsigned *st, const RandomWorld *w)
{
    char sku[16], ref[16], oid[16];
    snprintf(sku, sizeof sku, "SKU%u", test_rnd(st, w->skus + w->unknown));
    snprintf(ref, sizeof ref, "R%u", test_rnd(st, w->refs + w->unknown));
    snprintf(oid, sizeof oid, "o%u", test_rnd(st, w->orders));
    switch (test_rnd(st, 6)) {
    case 0: return command_change_batch_eta(ref, test_rnd_eta(st, 4));
    case 1: return command_change_batch_qty(ref, test_rnd(st, 25));
    case 2:
    case 3: {
        Command c = command_allocate(oid, sku, 1 + test_rnd(st, 8));
        return w->needs ? command_with_need(c, test_rnd_need(st), 0) : c;
    }
    case 4: return command_cancel_line(oid, sku);
    default:
        snprintf(ref, sizeof ref, "N%u", test_rnd(st, w->new_refs));
        return command_create_batch(ref, sku, test_rnd(st, 20), test_rnd_eta(st, 4));
    }
}
