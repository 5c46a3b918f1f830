/* mkman.c — build tool: renders Markdown files into one man page with libcmark's
 * man renderer (issue 7: "a man page allot(1) generated at build time from the
 * same Markdown").
 *
 *   allot-mkman OUT NAME SECTION DATE SOURCE MANUAL FILE.md...
 *
 * Writes a .TH header from the arguments, then each file rendered by
 * cmark_render_man, in order.  Level-1 headings become .SH sections and are
 * upper-cased, as man pages expect ("Commands" → "COMMANDS"); level 2 become .SS.
 * Exit status 0, or 1 with a message on stderr if a file cannot be read or OUT
 * cannot be written (OUT is then removed: nothing half-written).
 */
#include <cmark.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads a whole file; NULL with errno set on failure. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            buf = realloc(buf, cap *= 2);
            if (!buf)
                abort(); /* out of memory in a build tool */
        }
    }
    int bad = ferror(f) || !buf;
    fclose(f);
    if (bad) {
        free(buf);
        errno = errno ? errno : EIO;
        return NULL;
    }
    *len = n;
    return buf;
}

static void upper_level1_headings(cmark_node *root)
{
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    int in_h1 = 0;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        if (t == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) == 1)
            in_h1 = ev == CMARK_EVENT_ENTER;
        else if (in_h1 && (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)) {
            char *s = strdup(cmark_node_get_literal(n));
            if (!s)
                abort();
            for (char *p = s; *p; p++)
                if (*p >= 'a' && *p <= 'z')
                    *p = (char)(*p - 'a' + 'A');
            cmark_node_set_literal(n, s);
            free(s);
        }
    }
    cmark_iter_free(it);
}

/* Quotes a .TH argument (no '"' allowed inside; backslashes doubled). */
static void th_arg(FILE *out, const char *s)
{
    fputs(" \"", out);
    for (; *s; s++) {
        if (*s == '"')
            continue;
        if (*s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

int main(int argc, char **argv)
{
    if (argc < 8) {
        fprintf(stderr, "usage: allot-mkman OUT NAME SECTION DATE SOURCE MANUAL FILE.md...\n");
        return 2;
    }
    const char *outpath = argv[1];
    FILE *out = fopen(outpath, "w");
    if (!out) {
        fprintf(stderr, "allot-mkman: %s: %s\n", outpath, strerror(errno));
        return 1;
    }
    fputs(".TH", out);
    for (int i = 2; i <= 6; i++)
        th_arg(out, argv[i]);
    fputc('\n', out);
    int ok = 1;
    for (int i = 7; i < argc && ok; i++) {
        size_t len = 0;
        char *md = slurp(argv[i], &len);
        if (!md) {
            fprintf(stderr, "allot-mkman: %s: %s\n", argv[i], strerror(errno));
            ok = 0;
            break;
        }
        cmark_node *doc = cmark_parse_document(md, len, CMARK_OPT_VALIDATE_UTF8);
        upper_level1_headings(doc);
        char *man = cmark_render_man(doc, CMARK_OPT_DEFAULT, 0);
        if (fputs(man, out) == EOF)
            ok = 0;
        free(man);
        cmark_node_free(doc);
        free(md);
    }
    if (fclose(out) != 0 && ok) {
        fprintf(stderr, "allot-mkman: %s: %s\n", outpath, strerror(errno));
        ok = 0;
    }
    if (!ok) {
        remove(outpath);
        return 1;
    }
    return 0;
}
