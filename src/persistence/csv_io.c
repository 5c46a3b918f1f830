#define _GNU_SOURCE /* O_TMPFILE */
#include "persistence/csv_io.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/xalloc.h"

/* One record: its fields back to back, each NUL-terminated. */
typedef struct Rec {
    char *data;
    size_t len, cap;
    size_t *offs;
    size_t nfields, capf;
    long line;
    bool any;  /* some field is not empty */
    bool nul;  /* some field held a NUL byte */
} Rec;

/* Input is read in blocks and cut into physical lines at "\n", "\r\n" or a lone
 * "\r" (SPEC.md §4: LF, CRLF or CR line ends), each line kept with its end so
 * that libcsv sees the row breaks and the line breaks inside quoted fields. */
#define CSV_BLOCK 65536

struct CsvReader {
    FILE *fp;
    char *name;
    struct csv_parser parser;
    const char *const *columns;
    size_t ncolumns;
    long *colmap;       /* wanted column -> field index, -1 absent */
    size_t nheader;     /* fields in the header */
    const char **values;/* handed out by csv_reader_next */
    Rec cur;            /* the record being built */
    Rec *done;          /* completed records waiting to be read */
    size_t ndone, capdone, rd;
    char *block;        /* CSV_BLOCK bytes read from fp */
    size_t bpos, blen;
    bool block_eof;
    bool after_cr;      /* the last line ended in "\r": a "\n" next belongs to it */
    char *line;         /* the physical line being fed, with its end */
    size_t linelen, linecap;
    long lineno;        /* physical line being fed */
    bool at_row_start;  /* no record is in progress */
    bool got_row_end;   /* set by the row callback while feeding one line */
    bool eof;
    long err_line;      /* the line of the last ALLOT_EINVALID */
    uint64_t bytes;
};

static void rec_reset(Rec *r)
{
    r->len = 0;
    r->nfields = 0;
    r->any = false;
    r->nul = false;
}

static void rec_free(Rec *r)
{
    free(r->data);
    free(r->offs);
}

static void on_field(void *s, size_t len, void *data)
{
    CsvReader *rd = data;
    Rec *r = &rd->cur;
    if (r->nfields == 0 && r->len == 0 && r->line == 0)
        r->line = rd->lineno;
    if (r->len + len + 1 > r->cap) {
        r->cap = (r->len + len + 1) * 2;
        r->data = xrealloc(r->data, r->cap);
    }
    if (r->nfields == r->capf) {
        r->capf = r->capf ? r->capf * 2 : 8;
        r->offs = xreallocarray(r->offs, r->capf, sizeof *r->offs);
    }
    r->offs[r->nfields++] = r->len;
    if (len) {
        memcpy(r->data + r->len, s, len);
        if (memchr(s, '\0', len))
            r->nul = true;
        r->any = true;
    }
    r->len += len;
    r->data[r->len++] = '\0';
}

static void on_row(int c, void *data)
{
    (void)c;
    CsvReader *rd = data;
    rd->got_row_end = true;
    if (!rd->cur.any) { /* a blank line, or a row of empty fields */
        rec_reset(&rd->cur);
        rd->cur.line = 0;
        return;
    }
    if (rd->ndone == rd->capdone) {
        rd->capdone = rd->capdone ? rd->capdone * 2 : 4;
        rd->done = xreallocarray(rd->done, rd->capdone, sizeof *rd->done);
        memset(rd->done + rd->ndone, 0, (rd->capdone - rd->ndone) * sizeof *rd->done);
    }
    Rec t = rd->done[rd->ndone];
    rd->done[rd->ndone++] = rd->cur;
    rd->cur = t;
    rec_reset(&rd->cur);
    rd->cur.line = 0;
}

static bool line_is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

static void line_append(CsvReader *r, const char *s, size_t n)
{
    if (r->linelen + n > r->linecap) {
        r->linecap = (r->linelen + n) * 2;
        r->line = xrealloc(r->line, r->linecap);
    }
    memcpy(r->line + r->linelen, s, n);
    r->linelen += n;
}

/* The next physical line into r->line (r->linelen bytes, with its end, if any);
 * false at the end of the input.  Errors: ALLOT_EIO. */
static AllotStatus read_line(CsvReader *r, bool *got, ErrBuf *err)
{
    r->linelen = 0;
    for (;;) {
        if (r->bpos == r->blen) {
            if (!r->block_eof) {
                errno = 0;
                r->blen = fread(r->block, 1, CSV_BLOCK, r->fp);
                r->bpos = 0;
                if (r->blen == 0) {
                    if (ferror(r->fp))
                        return err_set(err, ALLOT_EIO, "%s: cannot read: %s", r->name,
                                       strerror(errno ? errno : EIO));
                    r->block_eof = true;
                }
            }
            if (r->blen == 0) {
                r->after_cr = false;
                *got = r->linelen > 0;
                return ALLOT_OK;
            }
        }
        if (r->after_cr) {
            r->after_cr = false;
            if (r->block[r->bpos] == '\n')
                line_append(r, &r->block[r->bpos++], 1);
            *got = true;
            return ALLOT_OK;
        }
        const char *p = r->block + r->bpos;
        size_t avail = r->blen - r->bpos, i = 0;
        while (i < avail && p[i] != '\n' && p[i] != '\r')
            i++;
        bool end = i < avail;
        line_append(r, p, i + end);
        r->bpos += i + end;
        if (end && p[i] == '\n') {
            *got = true;
            return ALLOT_OK;
        }
        if (end)
            r->after_cr = true; /* a "\n" may follow, in this block or the next */
    }
}

/* After malformed quoting: drop the record in progress and start afresh with the
 * next line. */
static void reset_parser(CsvReader *r)
{
    csv_free(&r->parser);
    csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
    rec_reset(&r->cur);
    r->cur.line = 0;
    r->at_row_start = true;
}

/* Feeds physical lines until a record is complete or the file ends. */
static AllotStatus fill(CsvReader *r, ErrBuf *err)
{
    while (r->rd >= r->ndone && !r->eof) {
        r->rd = r->ndone = 0;
        bool got;
        AllotStatus st = read_line(r, &got, err);
        if (st != ALLOT_OK)
            return st;
        if (!got) {
            r->eof = true;
            long start = r->cur.line ? r->cur.line : r->lineno;
            r->err_line = start;
            if (csv_fini(&r->parser, on_field, on_row, r) != 0)
                return err_set(err, ALLOT_EINVALID,
                               "%s:%ld: a quoted field is not closed (a missing \")", r->name,
                               start);
            break;
        }
        r->lineno++;
        r->bytes += (uint64_t)r->linelen;
        const char *s = r->line;
        size_t len = r->linelen;
        if (r->lineno == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
            s += 3;
            len -= 3;
        }
        bool blank = line_is_blank(s, len);
        if (r->at_row_start && !blank)
            r->cur.line = r->lineno;
        r->got_row_end = false;
        size_t used = csv_parse(&r->parser, s, len, on_field, on_row, r);
        if (used != len) {
            int code = csv_error(&r->parser);
            reset_parser(r);
            r->err_line = r->lineno;
            if (code != CSV_EPARSE) /* out of memory, a field over SIZE_MAX */
                return err_set(err, ALLOT_EINVALID, "%s:%ld: %s", r->name, r->lineno,
                               csv_strerror(code));
            return err_set(err, ALLOT_EINVALID,
                           "%s:%ld: malformed quoting (a quote inside an unquoted field, or "
                           "text after a closing quote)",
                           r->name, r->lineno);
        }
        /* Is a record still open after this line?  Not if the line's last step ended a
         * row, or if the line was blank and none was open. */
        bool ended = r->got_row_end && r->cur.nfields == 0;
        r->at_row_start = ended || (r->at_row_start && blank);
    }
    return ALLOT_OK;
}

static Rec *next_rec(CsvReader *r, ErrBuf *err, AllotStatus *st)
{
    *st = fill(r, err);
    if (*st != ALLOT_OK || r->rd >= r->ndone)
        return NULL;
    Rec *rec = &r->done[r->rd++];
    if (rec->nul) {
        r->err_line = rec->line;
        *st = err_set(err, ALLOT_EINVALID, "%s:%ld: the row holds a NUL byte", r->name, rec->line);
        return NULL;
    }
    return rec;
}

AllotStatus csv_reader_open(FILE *fp, const char *name, const char *const *columns,
                            const bool *optional, size_t ncolumns, CsvReader **out,
                            ErrBuf *err)
{
    CsvReader *r = xcalloc(1, sizeof *r);
    r->fp = fp;
    r->name = xstrdup(name);
    r->columns = columns;
    r->ncolumns = ncolumns;
    r->colmap = xcalloc(ncolumns ? ncolumns : 1, sizeof *r->colmap);
    r->values = xcalloc(ncolumns ? ncolumns : 1, sizeof *r->values);
    r->at_row_start = true;
    r->block = xmalloc(CSV_BLOCK);
    csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
    *out = NULL;

    AllotStatus st;
    Rec *h = next_rec(r, err, &st);
    if (!h && st == ALLOT_OK)
        st = err_set(err, ALLOT_EINVALID, "%s:1: the file is empty (a header row is required)",
                     name);
    if (st != ALLOT_OK) {
        csv_reader_free(r);
        return st;
    }
    r->nheader = h->nfields;
    for (size_t c = 0; c < ncolumns; c++) {
        r->colmap[c] = -1;
        for (size_t f = 0; f < h->nfields; f++) {
            if (strcasecmp(h->data + h->offs[f], columns[c]) != 0)
                continue;
            if (r->colmap[c] >= 0) {
                st = err_set(err, ALLOT_EINVALID, "%s:%ld: column \"%s\" appears again in the header (first as "
                             "field %ld, again as field %zu)",
                             name, h->line, columns[c], r->colmap[c] + 1, f + 1);
                csv_reader_free(r);
                return st;
            }
            r->colmap[c] = (long)f;
        }
        if (r->colmap[c] < 0 && !(optional && optional[c])) {
            /* Show the header as it was written, fields joined by commas. */
            char shown[512];
            size_t o = 0;
            for (size_t f = 0; f < h->nfields && o + 1 < sizeof shown; f++) {
                int w = snprintf(shown + o, sizeof shown - o, "%s%s", f ? "," : "",
                                 h->data + h->offs[f]);
                if (w < 0)
                    break;
                o += (size_t)w;
            }
            char vb[100 * ERR_VALUE_CHAR_MAX + 4];
            st = err_set(err, ALLOT_EINVALID,
                         "%s:%ld: missing column \"%s\" (the header is \"%s\"; columns are "
                         "separated by commas)",
                         name, h->line, columns[c], err_value_max(shown, o < sizeof shown ? o : sizeof shown - 1, 100, vb,
                                       sizeof vb));
            csv_reader_free(r);
            return st;
        }
    }
    *out = r;
    return ALLOT_OK;
}

AllotStatus csv_reader_next(CsvReader *r, const char *const **fields, long *line, bool *done,
                            ErrBuf *err)
{
    AllotStatus st;
    Rec *rec = next_rec(r, err, &st);
    *line = r->err_line;
    if (!rec) {
        *done = st == ALLOT_OK;
        return st;
    }
    *line = rec->line;
    if (rec->nfields != r->nheader)
        return err_set(err, ALLOT_EINVALID,
                       "%s:%ld: the row has %zu field%s, the header %zu (an unquoted comma, "
                       "or a missing one?)",
                       r->name, rec->line, rec->nfields, rec->nfields == 1 ? "" : "s",
                       r->nheader);
    for (size_t c = 0; c < r->ncolumns; c++)
        r->values[c] = r->colmap[c] >= 0 ? rec->data + rec->offs[r->colmap[c]] : "";
    *fields = r->values;
    *line = rec->line;
    *done = false;
    return ALLOT_OK;
}

const char *csv_reader_name(const CsvReader *r) { return r->name; }

uint64_t csv_reader_bytes(const CsvReader *r) { return r->bytes; }

void csv_reader_free(CsvReader *r)
{
    if (!r)
        return;
    csv_free(&r->parser);
    rec_free(&r->cur);
    for (size_t i = 0; i < r->capdone; i++)
        rec_free(&r->done[i]);
    free(r->done);
    free(r->block);
    free(r->line);
    free(r->colmap);
    free(r->values);
    free(r->name);
    free(r);
}

static bool needs_quotes(const char *s)
{
    if (s[0] == ' ' || s[0] == '\t')
        return true;
    size_t n = strlen(s);
    if (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        return true;
    return strpbrk(s, ",\"\r\n") != NULL;
}

AllotStatus csv_write_row(FILE *fp, const char *const *fields, size_t n, ErrBuf *err)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            putc(',', fp);
        const char *f = fields[i] ? fields[i] : "";
        if (needs_quotes(f))
            csv_fwrite(fp, f, strlen(f));
        else
            fputs(f, fp);
    }
    if (putc('\n', fp) == EOF || ferror(fp))
        return err_set(err, ALLOT_EIO, "cannot write: %s", strerror(errno));
    return ALLOT_OK;
}

/* ---- replacing a file ---- */

/* "dir/name" of `path` into dir (without the slash; "." when none) and *base. */
static void split_path(const char *path, char *dir, size_t size, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, size, ".");
        *base = path;
    } else if (slash == path) {
        snprintf(dir, size, "/");
        *base = slash + 1;
    } else {
        snprintf(dir, size, "%.*s", (int)(slash - path), path);
        *base = slash + 1;
    }
}

/* The file that writing `path` reaches: `path` itself, or the end of the chain of
 * symbolic links it starts (which may not exist yet).  Caller frees.  NULL (errno
 * set) for a loop or a path too long. */
static char *follow_links(const char *path)
{
    char *cur = xstrdup(path);
    for (int hops = 0; hops < 40; hops++) {
        struct stat sb;
        if (lstat(cur, &sb) != 0 || !S_ISLNK(sb.st_mode))
            return cur;
        char link[4096];
        ssize_t n = readlink(cur, link, sizeof link - 1);
        if (n < 0 || (size_t)n >= sizeof link - 1) {
            free(cur);
            errno = n < 0 ? errno : ENAMETOOLONG;
            return NULL;
        }
        link[n] = '\0';
        char *next;
        if (link[0] == '/' || !strchr(cur, '/')) {
            next = xstrdup(link);
        } else {
            char dir[4096];
            const char *base;
            split_path(cur, dir, sizeof dir, &base);
            size_t sz = strlen(dir) + strlen(link) + 2;
            next = xmalloc(sz);
            snprintf(next, sz, "%s/%s", dir, link);
        }
        free(cur);
        cur = next;
    }
    free(cur);
    errno = ELOOP;
    return NULL;
}

/* The canonical name of `path`, which may not exist: its folder resolved
 * (realpath) and its last part.  False if the folder cannot be resolved. */
static bool canonical_name(const char *path, char *out, size_t size)
{
    char dir[4096], real[PATH_MAX];
    const char *base;
    split_path(path, dir, sizeof dir, &base);
    if (!realpath(dir, real))
        return false;
    int n = snprintf(out, size, "%s/%s", strcmp(real, "/") == 0 ? "" : real, base);
    return n > 0 && (size_t)n < size;
}

/* True if `target` (lstat'ed into *tsb when it exists) is `other`: the same file, or
 * the same name. */
static bool same_file(const char *target, const struct stat *tsb, const char *other)
{
    struct stat osb;
    if (tsb && stat(other, &osb) == 0)
        return tsb->st_dev == osb.st_dev && tsb->st_ino == osb.st_ino;
    char a[PATH_MAX + 256], b[PATH_MAX + 256];
    return canonical_name(target, a, sizeof a) && canonical_name(other, b, sizeof b) &&
           strcmp(a, b) == 0;
}

/* What the first bytes of a file of SQLite's say it is. */
typedef enum SqliteKind {
    SQLITE_NONE,    /* none of SQLite's headers */
    SQLITE_DB,      /* "SQLite format 3\0" (16 bytes) */
    SQLITE_WAL,     /* a write-ahead log: 0x377f0682 or 0x377f0683, big-endian */
    SQLITE_JOURNAL, /* a rollback journal: d9 d5 05 f9 20 a1 63 d7 */
} SqliteKind;

/* The kind of file at `path` by its first bytes (SQLITE_NONE if it cannot be read). */
static SqliteKind sqlite_kind(const char *path)
{
    static const unsigned char db[16] = "SQLite format 3";
    static const unsigned char journal[8] = {0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7};
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return SQLITE_NONE;
    unsigned char buf[16];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n == (ssize_t)sizeof db && memcmp(buf, db, sizeof db) == 0)
        return SQLITE_DB;
    if (n >= (ssize_t)sizeof journal && memcmp(buf, journal, sizeof journal) == 0)
        return SQLITE_JOURNAL;
    uint32_t magic = n >= 4 ? (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
                                  (uint32_t)buf[2] << 8 | buf[3]
                            : 0;
    return magic == 0x377f0682 || magic == 0x377f0683 ? SQLITE_WAL : SQLITE_NONE;
}

/* The names SQLite gives the files beside a database, and what each is. */
static const char *const sidecar_suffix[] = {"", "-wal", "-shm", "-journal"};
static const char *const sidecar_what[] = {
    "the database", "the write-ahead log of the database",
    "the shared-memory index of the database", "the rollback journal of the database"};

/* If `name` ends with "-wal", "-shm" or "-journal" and the file named without that
 * end is an SQLite database (a regular file with the SQLite header): the index of
 * the end in sidecar_suffix, with the database's name in `db`.  0 otherwise. */
static int sidecar_of(const char *name, char *db, size_t size)
{
    size_t n = strlen(name);
    for (int i = 1; i < 4; i++) {
        size_t k = strlen(sidecar_suffix[i]);
        if (n <= k || n - k >= size || strcmp(name + n - k, sidecar_suffix[i]) != 0)
            continue;
        memcpy(db, name, n - k);
        db[n - k] = '\0';
        struct stat sb;
        if (stat(db, &sb) == 0 && S_ISREG(sb.st_mode) && sqlite_kind(db) == SQLITE_DB)
            return i;
    }
    return 0;
}

/* The store's name fully resolved: realpath of it (every link, in its folders too),
 * or — while it does not exist — the end of its chain of links with its folder
 * resolved.  SQLite names the -wal, -shm and -journal after this name, not after
 * the one given.  False if neither can be had. */
static bool resolved_store(const char *store, char *out, size_t size)
{
    char real[PATH_MAX];
    if (realpath(store, real)) {
        int n = snprintf(out, size, "%s", real);
        return n > 0 && (size_t)n < size;
    }
    char *end = follow_links(store);
    bool ok = end && canonical_name(end, out, size);
    free(end);
    return ok;
}

/* Refuses to replace the store, its -wal, -shm or -journal (named after the store
 * as given and after its resolved name), the -wal, -shm or -journal of any SQLite
 * database (`shown` or `target` named after a database that exists), or any file
 * that starts with one of SQLite's headers (SPEC.md §4: never without --force). */
static AllotStatus guard(const char *shown, const char *target, const struct stat *tsb,
                         const char *store, CsvOverwrite overwrite, ErrBuf *err)
{
    const char *tail =
        overwrite == CSV_REFUSE_BARE ? "" : ": nothing was written (--force writes over it)";
    const char *via = strcmp(shown, target) != 0 ? " (through a symbolic link)" : "";
    if (store && *store) {
        char real[PATH_MAX + 256];
        const char *names[2] = {store, resolved_store(store, real, sizeof real) ? real : NULL};
        for (int i = 0; i < 4; i++)
            for (int k = 0; k < 2 && names[k]; k++) {
                char p[PATH_MAX + 512];
                snprintf(p, sizeof p, "%s%s", names[k], sidecar_suffix[i]);
                if (same_file(target, tsb, p))
                    return err_set(err, ALLOT_EINVALID, "%s is %s %s%s%s", shown,
                                   sidecar_what[i], store, via, tail);
            }
    }
    char db[PATH_MAX + 256];
    int i = sidecar_of(shown, db, sizeof db); /* named so as given: no link to tell of */
    if (i)
        return err_set(err, ALLOT_EINVALID, "%s is %s %s%s", shown, sidecar_what[i], db, tail);
    if ((i = sidecar_of(target, db, sizeof db)) != 0)
        return err_set(err, ALLOT_EINVALID, "%s is %s %s%s%s", shown, sidecar_what[i], db, via,
                       tail);
    static const char *const kind[] = {
        [SQLITE_DB] = "an SQLite database",
        [SQLITE_WAL] = "the write-ahead log of an SQLite database",
        [SQLITE_JOURNAL] = "the rollback journal of an SQLite database"};
    SqliteKind k = tsb && S_ISREG(tsb->st_mode) ? sqlite_kind(target) : SQLITE_NONE;
    if (k != SQLITE_NONE)
        return err_set(err, ALLOT_EINVALID, "%s is %s%s%s", shown, kind[k], via, tail);
    return ALLOT_OK;
}

AllotStatus csv_atomic_open(CsvAtomicFile *f, const char *path, const char *store,
                            CsvOverwrite overwrite, ErrBuf *err)
{
    memset(f, 0, sizeof *f);
    struct stat end;
    if (stat(path, &end) == 0 && !S_ISREG(end.st_mode) && !S_ISDIR(end.st_mode)) {
        /* a device, a pipe or a FIFO (through its links): written to as it is */
        int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        f->fp = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!f->fp) {
            AllotStatus st = err_set(err, ALLOT_EIO, "%s: cannot write: %s", path, strerror(errno));
            if (fd >= 0)
                close(fd);
            return st;
        }
        f->stream = true;
        f->shown = xstrdup(path);
        return ALLOT_OK;
    }
    char *target = follow_links(path);
    if (!target)
        return err_set(err, ALLOT_EIO, "%s: cannot write: %s", path, strerror(errno));
    struct stat sb;
    bool exists = stat(target, &sb) == 0;
    AllotStatus st = ALLOT_OK;
    if (exists && S_ISDIR(sb.st_mode))
        st = err_set(err, ALLOT_EIO, "%s: cannot write: it is a directory", path);
    else if (overwrite != CSV_FORCE)
        st = guard(path, target, exists ? &sb : NULL, store, overwrite, err);
    if (st != ALLOT_OK) {
        free(target);
        return st;
    }
    /* The new file keeps the permissions of the one it replaces. */
    mode_t mode = exists ? (sb.st_mode & 07777) : 0666;
    char dir[4096];
    const char *base;
    split_path(target, dir, sizeof dir, &base);
    /* An unnamed file in the target's folder (nothing is left behind if the
     * process dies), linked in at commit; a named one where that is not
     * supported. */
    int fd = -1;
    errno = EOPNOTSUPP;
#ifdef O_TMPFILE
    fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
#endif
    if (fd < 0 && errno != ENOENT && errno != EACCES && errno != ENOTDIR && errno != ENOSPC &&
        errno != EROFS) {
        size_t n = strlen(target) + 32;
        f->tmp = xmalloc(n);
        snprintf(f->tmp, n, "%s.tmp.%ld", target, (long)getpid());
        fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    }
    if (fd >= 0 && exists)
        (void)fchmod(fd, mode); /* O_TMPFILE and O_CREAT apply the umask */
    if (fd >= 0)
        f->fp = fdopen(fd, "w");
    if (!f->fp) {
        /* A file that exists is replaced by a new one beside it: when that cannot
         * be made, say so (the file itself may well be there and writable). */
        int e = errno;
        if (exists && fd < 0)
            st = err_set(err, ALLOT_EIO,
                         "%s: cannot write: the new file that replaces it cannot be created "
                         "in %s: %s",
                         path, dir, strerror(e));
        else
            st = err_set(err, ALLOT_EIO, "%s: cannot write: %s", path, strerror(e));
        if (fd >= 0)
            close(fd);
        if (f->tmp)
            unlink(f->tmp);
        free(f->tmp);
        free(target);
        memset(f, 0, sizeof *f);
        return st;
    }
    f->shown = xstrdup(path);
    f->path = target;
    return ALLOT_OK;
}

AllotStatus csv_atomic_commit(CsvAtomicFile *f, ErrBuf *err)
{
    AllotStatus st = ALLOT_OK;
    if (fflush(f->fp) != 0 || ferror(f->fp) || (!f->stream && fsync(fileno(f->fp)) != 0))
        st = err_set(err, ALLOT_EIO, "%s: cannot write: %s", f->shown, strerror(errno));
    if (f->stream) {
        if (fclose(f->fp) != 0 && st == ALLOT_OK)
            st = err_set(err, ALLOT_EIO, "%s: cannot write: %s", f->shown, strerror(errno));
        free(f->shown);
        memset(f, 0, sizeof *f);
        return st;
    }
    if (st == ALLOT_OK && !f->tmp) {
        /* link the unnamed file under a temporary name, then rename it over */
        size_t n = strlen(f->path) + 32;
        char *tmp = xmalloc(n), proc[64];
        snprintf(tmp, n, "%s.tmp.%ld", f->path, (long)getpid());
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fileno(f->fp));
        unlink(tmp);
        if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) != 0) {
            st = err_set(err, ALLOT_EIO, "%s: cannot write: %s", f->shown, strerror(errno));
            free(tmp);
        } else {
            f->tmp = tmp;
        }
    }
    if (fclose(f->fp) != 0 && st == ALLOT_OK)
        st = err_set(err, ALLOT_EIO, "%s: cannot write: %s", f->shown, strerror(errno));
    f->fp = NULL;
    if (st == ALLOT_OK && rename(f->tmp, f->path) != 0)
        st = err_set(err, ALLOT_EIO, "%s: cannot replace: %s", f->shown, strerror(errno));
    if (st != ALLOT_OK && f->tmp)
        unlink(f->tmp);
    free(f->tmp);
    free(f->path);
    free(f->shown);
    memset(f, 0, sizeof *f);
    return st;
}

void csv_atomic_abort(CsvAtomicFile *f)
{
    if (f->fp)
        fclose(f->fp);
    if (f->tmp)
        unlink(f->tmp);
    free(f->tmp);
    free(f->path);
    free(f->shown);
    memset(f, 0, sizeof *f);
}
