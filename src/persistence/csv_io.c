#include "persistence/csv_io.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
    char *line;         /* getline buffer */
    size_t linecap;
    long lineno;        /* physical line being fed */
    bool at_row_start;  /* no record is in progress */
    bool got_row_end;   /* set by the row callback while feeding one line */
    bool eof;
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

/* Feeds physical lines until a record is complete or the file ends. */
static AllotStatus fill(CsvReader *r, ErrBuf *err)
{
    while (r->rd >= r->ndone && !r->eof) {
        r->rd = r->ndone = 0;
        errno = 0;
        ssize_t n = getline(&r->line, &r->linecap, r->fp);
        if (n < 0) {
            if (ferror(r->fp))
                return err_set(err, ALLOT_EIO, "%s: cannot read: %s", r->name, strerror(errno));
            r->eof = true;
            long start = r->cur.line ? r->cur.line : r->lineno;
            if (csv_fini(&r->parser, on_field, on_row, r) != 0)
                return err_set(err, ALLOT_EINVALID,
                               "%s:%ld: a quoted field is not closed (a missing \")", r->name,
                               start);
            break;
        }
        r->lineno++;
        r->bytes += (uint64_t)n;
        const char *s = r->line;
        size_t len = (size_t)n;
        if (r->lineno == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
            s += 3;
            len -= 3;
        }
        bool blank = line_is_blank(s, len);
        if (r->at_row_start && !blank)
            r->cur.line = r->lineno;
        r->got_row_end = false;
        size_t used = csv_parse(&r->parser, s, len, on_field, on_row, r);
        if (used != len)
            return err_set(err, ALLOT_EINVALID,
                           "%s:%ld: malformed quoting (a quote inside an unquoted field, or "
                           "text after a closing quote): %s",
                           r->name, r->lineno, csv_strerror(csv_error(&r->parser)));
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
                st = err_set(err, ALLOT_EINVALID, "%s:%ld: column \"%s\" appears twice in the header",
                             name, h->line, columns[c]);
                csv_reader_free(r);
                return st;
            }
            r->colmap[c] = (long)f;
        }
        if (r->colmap[c] < 0 && !(optional && optional[c])) {
            /* Show the header as it was written, fields joined by commas. */
            char shown[160];
            size_t o = 0;
            for (size_t f = 0; f < h->nfields && o + 1 < sizeof shown; f++) {
                int w = snprintf(shown + o, sizeof shown - o, "%s%s", f ? "," : "",
                                 h->data + h->offs[f]);
                if (w < 0)
                    break;
                o += (size_t)w;
            }
            st = err_set(err, ALLOT_EINVALID,
                         "%s:%ld: missing column \"%s\" (the header is \"%.100s\"; columns are "
                         "separated by commas)",
                         name, h->line, columns[c], shown);
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
    if (!rec) {
        *done = st == ALLOT_OK;
        return st;
    }
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

AllotStatus csv_atomic_open(CsvAtomicFile *f, const char *path, ErrBuf *err)
{
    memset(f, 0, sizeof *f);
    size_t n = strlen(path) + 32;
    f->tmp = xmalloc(n);
    snprintf(f->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    f->fp = fopen(f->tmp, "w");
    if (!f->fp) {
        AllotStatus st = err_set(err, ALLOT_EIO, "%s: cannot write: %s", f->tmp, strerror(errno));
        free(f->tmp);
        f->tmp = NULL;
        return st;
    }
    f->path = xstrdup(path);
    return ALLOT_OK;
}

AllotStatus csv_atomic_commit(CsvAtomicFile *f, ErrBuf *err)
{
    AllotStatus st = ALLOT_OK;
    if (fflush(f->fp) != 0 || ferror(f->fp) || fsync(fileno(f->fp)) != 0)
        st = err_set(err, ALLOT_EIO, "%s: cannot write: %s", f->tmp, strerror(errno));
    if (fclose(f->fp) != 0 && st == ALLOT_OK)
        st = err_set(err, ALLOT_EIO, "%s: cannot write: %s", f->tmp, strerror(errno));
    f->fp = NULL;
    if (st == ALLOT_OK && rename(f->tmp, f->path) != 0)
        st = err_set(err, ALLOT_EIO, "%s: cannot replace: %s", f->path, strerror(errno));
    if (st != ALLOT_OK)
        unlink(f->tmp);
    free(f->tmp);
    free(f->path);
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
    memset(f, 0, sizeof *f);
}
