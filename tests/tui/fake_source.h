/* fake_source.h — a TuiSource of numbered rows for list widget tests: row i has key
 * "rNNNNNN" and cursor = the same text (so the order is the key order).  Rows can
 * be inserted and removed between fetches; every fetch is counted. */
#ifndef ALLOT_TESTS_TUI_FAKE_SOURCE_H
#define ALLOT_TESTS_TUI_FAKE_SOURCE_H

#include <stdbool.h>

#include "tui/source.h"

typedef struct FakeSource {
    TuiSource base;
    bool *present; /* present[i]: row i exists */
    int n;
    int fetches;
    size_t max_limit;
    int first_fetches;
} FakeSource;

FakeSource *fake_source_new(int n, bool all_present);
void fake_source_free(FakeSource *f);

#endif
