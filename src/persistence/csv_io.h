/* csv_io.h — reading and writing CSV records through libcsv (SPEC.md §4 "CSV
 * formats").
 *
 * Reading: UTF-8 with or without a BOM; LF, CRLF (or CR) line ends; RFC 4180
 * quoting (a quoted field may hold commas, doubled quotes and line breaks); a
 * header row is required and its names are matched to the wanted columns in any
 * order and any case; extra columns are ignored; blank lines (and rows whose fields
 * are all empty) are skipped.  Unquoted fields are trimmed of spaces and tabs.
 * Every error names the file, the line and the field:
 *     batches.csv:1: missing column "qty" (the header is "ref;sku;qty;eta")
 *     batches.csv:7: the row has 5 fields, the header 4 (an unquoted comma?)
 *     batches.csv:9: malformed quoting: ...
 * Line numbers count physical lines from 1; a record's line is the line it starts on.
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
 * NUL byte), ALLOT_EIO. */
AllotStatus csv_reader_next(CsvReader *r, const char *const **fields, long *line, bool *done,
                            ErrBuf *err);

/* The file name given to csv_reader_open. */
const char *csv_reader_name(const CsvReader *r);

/* Bytes consumed so far (for progress displays). */
uint64_t csv_reader_bytes(const CsvReader *r);

void csv_reader_free(CsvReader *r);

/* Writes one record of `n` fields and "\n" to `fp`.  Errors: ALLOT_EIO. */
AllotStatus csv_write_row(FILE *fp, const char *const *fields, size_t n, ErrBuf *err);

/* Atomic file replacement (write a temporary file next to `path`, then rename).
 * csv_atomic_open creates "PATH.tmp.PID" and returns it for writing;
 * csv_atomic_commit flushes, fsyncs, closes and renames it over `path`;
 * csv_atomic_abort closes and removes it.  Errors: ALLOT_EIO naming the path. */
typedef struct CsvAtomicFile {
    FILE *fp;
    char *path;
    char *tmp;
} CsvAtomicFile;
AllotStatus csv_atomic_open(CsvAtomicFile *f, const char *path, ErrBuf *err);
AllotStatus csv_atomic_commit(CsvAtomicFile *f, ErrBuf *err);
void csv_atomic_abort(CsvAtomicFile *f);

#endif
