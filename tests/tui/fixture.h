/* fixture.h — the TUI app over the production read model without a terminal: a
 * SQLite database in a fresh temporary file, the unit of work and bus the TUI
 * uses, the read model on its own connection (as `allot` opens them), a memory
 * canvas of 24 × 80, and a second unit of work + bus on the same file playing
 * "another process". */
#ifndef ALLOT_TESTS_TUI_FIXTURE_H
#define ALLOT_TESTS_TUI_FIXTURE_H

#include <stdbool.h>

#include "app/bootstrap.h"
#include "app/views.h"
#include "tui/app.h"

typedef struct Fixture {
    char path[96];
    UnitOfWork *uow, *other_uow;
    MessageBus *bus, *other;
    Views *views;
    TuiApp *app;
    TuiMemCanvas *cv;
    Clock *clock;
} Fixture;

extern Fixture fx;

/* A clock that always says `unix_seconds` (seconds since the epoch, UTC), for
 * fixture_open; one per process, set again by each call. */
Clock *fixture_fixed_clock(int64_t unix_seconds);

/* Creates the store (empty); `clock` may be NULL (system clock). */
void fixture_open(Clock *clock);
/* Starts the app on the store at 24 × 80 (after seeding). */
void fixture_start(void);
void fixture_close(void);

/* Runs a command through the TUI's bus / the other process's bus. */
void fixture_run(Command c);
void fixture_run_other(Command c);

void fixture_key(int key);
void fixture_type(const char *keys);
void fixture_tick(void);
void fixture_resize(int rows, int cols);
void fixture_draw(void);

/* Anywhere on the screen / in the main area (rows 3 .. rows-8) / on row y. */
bool fixture_screen_has(const char *needle);
bool fixture_main_has(const char *needle);
bool fixture_row_has(int y, const char *needle);
/* The text of the first row containing `needle` into buf ("" if none); returns buf. */
const char *fixture_line_with(const char *needle, char *buf, size_t size);
void fixture_dump(void);

/* What the live read model says now. */
bool fixture_batch(const char *ref, BatchRow *out);
/* The batch of line (orderid, sku): "" = backorder; NULL if there is no such line. */
const char *fixture_line_place(const char *orderid, const char *sku, char *buf, size_t size);

#endif
