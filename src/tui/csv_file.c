/* csv_file.c — `:export FILE` through csv_io.h (csv_file.h). */
#include "tui/csv_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "domain/xalloc.h"
#include "persistence/csv_io.h"

struct TuiCsvFile {
    CsvAtomicFile f;
};

static AllotStatus file_open(const TuiCsvWriter *w, const char *path, TuiCsvFile **out,
                             ErrBuf *err)
{
    /* A device, a pipe or a FIFO (through its links) is refused before it is
       opened: CSV on the terminal under the screens, or a wait for a reader with
       the screen frozen.  `allot export` writes to them (csv_io.h). */
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode))
        return err_set(err, ALLOT_EINVALID,
                       "%s is not a regular file: the TUI writes exports to files (allot "
                       "export writes to devices and pipes)",
                       path);
    TuiCsvFile *f = xcalloc(1, sizeof *f);
    AllotStatus st = csv_atomic_open(&f->f, path, w->store, CSV_REFUSE_BARE, err);
    if (st != ALLOT_OK) {
        free(f);
        return st;
    }
    *out = f;
    return ALLOT_OK;
}

static AllotStatus file_row(TuiCsvFile *f, const char *const *fields, size_t n, ErrBuf *err)
{
    AllotStatus st = csv_write_row(f->f.fp, fields, n, err);
    if (st == ALLOT_EIO)
        err_set(err, st, "%s: cannot write: %s", f->f.shown, strerror(errno));
    return st;
}

static AllotStatus file_commit(TuiCsvFile *f, ErrBuf *err)
{
    AllotStatus st = csv_atomic_commit(&f->f, err);
    free(f);
    return st;
}

static void file_abort(TuiCsvFile *f)
{
    csv_atomic_abort(&f->f);
    free(f);
}

TuiCsvWriter tui_csv_file(const char *store)
{
    return (TuiCsvWriter){file_open, file_row, file_commit, file_abort, store};
}
