/* csv_file.h — the CSV files of `:export FILE` (app.h TuiCsvWriter) over the
 * writer of `allot export` (persistence/csv_io.h csv_atomic_open, csv_write_row,
 * csv_atomic_commit). */
#ifndef ALLOT_TUI_CSV_FILE_H
#define ALLOT_TUI_CSV_FILE_H

#include "tui/app.h"

/* A writer that never writes over the database file `store` (may be NULL: a
 * PostgreSQL store; not copied, must outlive the writer) and writes regular files
 * only.  Its open's errors: ALLOT_EINVALID "PATH is not a regular file: …" (a
 * device, a pipe, a FIFO), "PATH is the database D" (csv_atomic_open
 * CSV_REFUSE_BARE: the caller adds "nothing was written"), ALLOT_EIO. */
TuiCsvWriter tui_csv_file(const char *store);

#endif
