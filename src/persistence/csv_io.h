/* csv_io.h — reading and writing CSV records through libcsv (SPEC.md §4 "CSV
 * formats").
 *
 * Reading: UTF-8 with or without a BOM; LF, CRLF or CR line ends (mixed too); RFC 4180
 * quoting (a quoted field may hold commas, doubled quotes and line breaks); a
 * header row is required and its names are matched to the wanted columns in any
 * order and any case; extra columns are ignored; blank lines (and rows whose fields
 * are all empty) are skipped.  Unquoted fields are trimmed of spaces and tabs.
 * Every error names the file, the line and the field:
 *     batches.csv:1: missing column "qty" (the header is "ref;sku;qty;eta")
 *     batches.csv:7: the row has 5 fields, the header 4 (an unquoted comma?)
 *     batches.csv:9: malformed quoting: ...
 * Line numbers count physical lines from 1 (each LF, CRLF or lone CR ends one); a
 * record's line is the line it starts on.
 *
 * Writing: fields quoted only when they hold a comma, a quote, a line break or
 * surrounding blanks (RFC 4180 minimal quoting, quotes doubled), LF line ends.
 */
#ifndef ALLOT_PERSISTENCE_CSV_IO_H
#define ALLOT_PERSISTENCE_CSV_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "domain/status.h"

typedef struct CsvReader CsvReader;

/* Starts reading `fp` (not owned; the caller closes it after csv_reader_free).
 * `name` (copied) prefixes every message, e.g. "batches.csv".  `columns` are the
 * wanted column names in lower case (the array and strings must outlive the
 * reader).  Reads the header row.  `optional` (may be NULL) marks columns that may
 * be absent.  Errors: ALLOT_EINVALID (empty file, missing column, a column named
 * twice, malformed header), ALLOT_EIO (read error; message names the file). */
AllotStatus csv_reader_open(FILE *fp, const char *name, const char *const *columns,
                            const bool *optional, size_t ncolumns, CsvReader **out,
                            ErrBuf *err);

/* The next data record.  On ALLOT_OK with *done false, fields[i] is the value of
 * columns[i] (NUL-terminated; "" for an absent optional column), valid until the
 * next call or csv_reader_free, and *line the line it started on.  At the end of
 * the file *done is true.  Errors: ALLOT_EINVALID (malformed quoting, an
 * unterminated quoted field, a row with more or fewer fields than the header, a
 * NUL byte; *line is the bad record's line), ALLOT_EIO.  After ALLOT_EINVALID the reader may go on: the next call
 * reads the record after the bad one (after malformed quoting: the record that
 * starts on the next line; an unterminated quote runs to the end of the file). */
AllotStatus csv_reader_next(CsvReader *r, const char *const **fields, long *line, bool *done,
                            ErrBuf *err);

/* The file name given to csv_reader_open. */
const char *csv_reader_name(const CsvReader *r);

/* Bytes consumed so far (for progress displays). */
uint64_t csv_reader_bytes(const CsvReader *r);

void csv_reader_free(CsvReader *r);

/* Writes one record of `n` fields and "\n" to `fp`.  Errors: ALLOT_EIO. */
AllotStatus csv_write_row(FILE *fp, const char *const *fields, size_t n, ErrBuf *err);

/* Atomic file replacement: the data goes to a new file in the target's folder,
 * which replaces the target (rename) only once it is complete, so a reader never
 * sees half a file and a failure leaves the old one.
 *
 * csv_atomic_open resolves `path` through symbolic links (the file a link leads to
 * is replaced, the link stays), refuses a directory, and — unless CSV_FORCE — refuses
 * to replace the database `store` (may be NULL), its "-wal", "-shm" or "-journal"
 * (the same file, or the same name when it does not exist yet; each named after
 * `store` as given and after its fully resolved name — realpath, every link in its
 * folders too — which is the name SQLite gives them), the "-wal", "-shm" or
 * "-journal" of any other database (`path` as given or after its links, existing or
 * not, named after a regular file that starts with the SQLite header: a hard link to
 * the store, or another store, is named so), or any file that starts with the
 * SQLite header, a write-ahead log's (0x377f0682 or 0x377f0683) or a rollback
 * journal's (d9 d5 05 f9 20 a1 63 d7) (SPEC.md §4: no command writes over a SQLite
 * file unless told --force).  The new file is unnamed until commit where the system
 * allows it (O_TMPFILE: nothing is left behind if the process dies), else
 * "TARGET.tmp.PID"; it keeps the permissions of the file it replaces.
 * csv_atomic_commit flushes, fsyncs, closes and renames it over the target;
 * csv_atomic_abort drops it.  A `path` that is (or leads to) something other than a
 * regular file or a folder — a terminal, a pipe, a FIFO, /dev/null, /dev/stdout — is
 * written straight to, never replaced (there is nothing to keep whole there).  Every message names `path` as given:
 *     ALLOT_EINVALID  "ex.db is the database ex.db: nothing was written (--force
 *                     writes over it)", "b.db-wal is the write-ahead log of the
 *                     database b.db: ...", "... is an SQLite database ...",
 *                     "... is the rollback journal of an SQLite database ..."
 *                     (CSV_REFUSE), " (through a symbolic link)" before the colon
 *                     when `path` leads elsewhere;
 *                     "ex.db is the database ex.db" alone (CSV_REFUSE_BARE: the
 *                     caller says what happens, and has no --force)
 *     ALLOT_EIO       "out/x.csv: cannot write: No such file or directory",
 *                     "/proc/version: cannot write: the new file that replaces it
 *                     cannot be created in /proc: No such file or directory",
 *                     "x: cannot write: it is a directory", a write, sync or
 *                     rename failure. */
typedef struct CsvAtomicFile {
    FILE *fp;
    char *path;  /* the file replaced (after symbolic links) */
    char *shown; /* the path as given, for messages */
    char *tmp;   /* the temporary name, or NULL while unnamed */
    bool stream; /* written straight to: not a regular file (a device, a pipe) */
} CsvAtomicFile;
/* Whether csv_atomic_open may replace the database or an SQLite file. */
typedef enum CsvOverwrite {
    CSV_REFUSE,      /* refuse; the message ends "nothing was written (--force …)" */
    CSV_REFUSE_BARE, /* refuse; the message names the file only */
    CSV_FORCE,       /* write over it (--force) */
} CsvOverwrite;
AllotStatus csv_atomic_open(CsvAtomicFile *f, const char *path, const char *store,
                            CsvOverwrite overwrite, ErrBuf *err);
AllotStatus csv_atomic_commit(CsvAtomicFile *f, ErrBuf *err);
void csv_atomic_abort(CsvAtomicFile *f);

#endif
