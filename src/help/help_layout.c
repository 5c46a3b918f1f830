/* help_layout.c — see help_layout.h.  cmark parses; we walk blocks recursively and
 * inlines with a cmark_iter, feeding characters to a word wrapper. */
#include "help/help_layout.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"
#include "help/help_text.h"

/* ---- documents ---------------------------------------------------------- */

struct HelpDoc {
    char *src;
    size_t len;
    cmark_node *root;
    char *title;
};

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Appends the plain text (text and code literals) under `node` to *buf. */
static void plain_text(cmark_node *node, char **buf, size_t *len)
{
    cmark_iter *it = cmark_iter_new(node);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        const char *lit = NULL;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            lit = cmark_node_get_literal(n);
            break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            lit = " ";
            break;
        default:
            break;
        }
        if (lit) {
            size_t l = strlen(lit);
            *buf = xrealloc(*buf, *len + l + 1);
            memcpy(*buf + *len, lit, l + 1);
            *len += l;
        }
    }
    cmark_iter_free(it);
}

static char *node_plain_text(cmark_node *node)
{
    char *buf = xstrdup("");
    size_t len = 0;
    plain_text(node, &buf, &len);
    return buf;
}

static HelpDoc *doc_from(const char *markdown, size_t len)
{
    HelpDoc *d = xcalloc(1, sizeof *d);
    d->src = xmalloc(len + 1);
    memcpy(d->src, markdown, len);
    d->src[len] = '\0';
    d->len = len;
    d->root = cmark_parse_document(d->src, len, CMARK_OPT_VALIDATE_UTF8);
    if (!d->root)
        abort(); /* cmark returns NULL only when memory is exhausted */
    return d;
}

static void doc_set_title(HelpDoc *d)
{
    free(d->title);
    d->title = NULL;
    for (cmark_node *n = cmark_node_first_child(d->root); n; n = cmark_node_next(n))
        if (cmark_node_get_type(n) == CMARK_NODE_HEADING) {
            d->title = node_plain_text(n);
            break;
        }
    if (!d->title)
        d->title = xstrdup("");
}

HelpDoc *help_doc_new(const char *markdown, size_t len)
{
    HelpDoc *d = doc_from(markdown, len);
    doc_set_title(d);
    return d;
}

void help_doc_free(HelpDoc *doc)
{
    if (!doc)
        return;
    cmark_node_free(doc->root);
    free(doc->src);
    free(doc->title);
    free(doc);
}

const char *help_doc_title(const HelpDoc *doc)
{
    return doc->title;
}

/* Does heading text `t` name `word` (see help_doc_section)? */
static int heading_names(const char *t, const char *word)
{
    size_t wl = strlen(word);
    if (wl == 0)
        return 0;
    for (int pass = 0; pass < 2; pass++) {
        const char *p = t;
        if (pass == 1) {
            if (strncmp(t, "allot ", 6) != 0)
                return 0;
            p = t + 6;
        }
        size_t i = 0;
        while (i < wl && p[i] && ascii_lower((unsigned char)p[i]) == ascii_lower((unsigned char)word[i]))
            i++;
        if (i == wl && (p[i] == '\0' || p[i] == ' '))
            return 1;
    }
    return 0;
}

HelpDoc *help_doc_section(const HelpDoc *doc, const char *word)
{
    size_t index = 0, found = (size_t)-1;
    int level = 0;
    for (cmark_node *n = cmark_node_first_child(doc->root); n; n = cmark_node_next(n), index++) {
        if (cmark_node_get_type(n) != CMARK_NODE_HEADING)
            continue;
        char *t = node_plain_text(n);
        int hit = heading_names(t, word);
        free(t);
        if (hit) {
            found = index;
            level = cmark_node_get_heading_level(n);
            break;
        }
    }
    if (found == (size_t)-1)
        return NULL;
    /* The same source parses to the same tree: prune a fresh copy by position. */
    HelpDoc *s = doc_from(doc->src, doc->len);
    cmark_node *n = cmark_node_first_child(s->root);
    int keeping = 0, done = 0;
    for (index = 0; n; index++) {
        cmark_node *next = cmark_node_next(n);
        if (index == found)
            keeping = 1;
        else if (keeping && cmark_node_get_type(n) == CMARK_NODE_HEADING &&
                 cmark_node_get_heading_level(n) <= level)
            done = 1;
        if (!keeping || done)
            cmark_node_free(n); /* unlinks it too */
        n = next;
    }
    doc_set_title(s);
    return s;
}

static int is_delimiter_row(const char *s, size_t n)
{
    int pipe = 0, dash = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '|')
            pipe = 1;
        else if (c == '-')
            dash = 1;
        else if (c != ':' && c != ' ' && c != '\t')
            return 0;
    }
    return pipe && dash;
}

int help_doc_has_pipe_table(const HelpDoc *doc)
{
    int found = 0;
    cmark_iter *it = cmark_iter_new(doc->root);
    cmark_event_type ev;
    while (!found && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH)
            continue;
        int first = cmark_node_get_start_line(n), last = cmark_node_get_end_line(n);
        int column = cmark_node_get_start_column(n); /* 1-based, of the first line */
        /* walk the source to line `first` */
        const char *p = doc->src;
        for (int line = 1; line < first && p; line++) {
            p = strchr(p, '\n');
            if (p)
                p++;
        }
        for (int line = first; line <= last && p && *p; line++) {
            const char *e = strchr(p, '\n');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            size_t s = 0;
            if (line == first && column > 1) /* past list markers and quote bars */
                s = (size_t)column - 1 < l ? (size_t)column - 1 : l;
            while (s < l && (p[s] == ' ' || p[s] == '\t' || p[s] == '>'))
                s++;
            if ((s < l && p[s] == '|') || is_delimiter_row(p + s, l - s))
                found = 1;
            p = e ? e + 1 : NULL;
        }
    }
    cmark_iter_free(it);
    return found;
}

/* ---- styled buffers and the layout -------------------------------------- */

typedef struct SBuf {
    char *s;
    size_t len, cap;
    HelpSpan *sp;
    size_t nsp, spcap;
    int width;
} SBuf;

static void sb_put(SBuf *b, const char *s, size_t n, int w, unsigned style)
{
    if (n == 0)
        return;
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    if (b->nsp > 0 && b->sp[b->nsp - 1].style == style) {
        b->sp[b->nsp - 1].len += n;
    } else {
        if (b->nsp == b->spcap) {
            b->spcap = b->spcap ? b->spcap * 2 : 8;
            b->sp = xreallocarray(b->sp, b->spcap, sizeof *b->sp);
        }
        b->sp[b->nsp++] = (HelpSpan){b->len, n, style};
    }
    b->len += n;
    b->s[b->len] = '\0';
    b->width += w;
}

static void sb_put_str(SBuf *b, const char *s, unsigned style)
{
    sb_put(b, s, strlen(s), help_text_width(s, strlen(s)), style);
}

static void sb_reset(SBuf *b)
{
    b->len = 0;
    b->nsp = 0;
    b->width = 0;
}

static void sb_fini(SBuf *b)
{
    free(b->s);
    free(b->sp);
}

struct HelpLayout {
    HelpLine *lines;
    size_t n, cap;
    int width;
};

/* Moves a copy of `b` (trailing spaces dropped) into the layout. */
static void layout_push(HelpLayout *l, const SBuf *b)
{
    size_t len = b->len;
    int width = b->width;
    while (len > 0 && b->s[len - 1] == ' ') {
        len--;
        width--;
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->lines = xreallocarray(l->lines, l->cap, sizeof *l->lines);
    }
    char *text = xmalloc(len + 1);
    if (len)
        memcpy(text, b->s, len);
    text[len] = '\0';
    size_t nsp = 0;
    HelpSpan *sp = NULL;
    if (len > 0) {
        sp = xreallocarray(NULL, b->nsp, sizeof *sp);
        for (size_t i = 0; i < b->nsp && b->sp[i].off < len; i++) {
            sp[nsp] = b->sp[i];
            if (sp[nsp].off + sp[nsp].len > len)
                sp[nsp].len = len - sp[nsp].off;
            nsp++;
        }
    }
    l->lines[l->n++] = (HelpLine){text, len, width, sp, nsp};
}

/* ---- the wrapper -------------------------------------------------------- */

typedef struct Piece {
    char first[32]; /* on the first line of the block that pushed it */
    char rest[32];  /* on every later line */
    int width;      /* display width of both */
    int used;
} Piece;

typedef struct Ctx {
    HelpLayout *out;
    int width;
    Piece *pieces;
    size_t npieces, cappieces;
    SBuf line, word;
    int line_started;
    int prefix_w; /* display width of the prefix on the current line */
    unsigned space_style;
    int pending_space; /* a space came before the word being collected */
    int list_depth;
    /* link text being collected, to leave out an address equal to it */
    int link_depth;
    SBuf link_text;
} Ctx;

static void push_piece(Ctx *c, const char *first, const char *rest)
{
    if (c->npieces == c->cappieces) {
        c->cappieces = c->cappieces ? c->cappieces * 2 : 8;
        c->pieces = xreallocarray(c->pieces, c->cappieces, sizeof *c->pieces);
    }
    Piece *p = &c->pieces[c->npieces++];
    snprintf(p->first, sizeof p->first, "%s", first);
    snprintf(p->rest, sizeof p->rest, "%s", rest);
    p->width = help_text_width(p->rest, strlen(p->rest));
    p->used = 0;
}

static void pop_piece(Ctx *c)
{
    c->npieces--;
}

static int prefix_width(const Ctx *c)
{
    int w = 0;
    for (size_t i = 0; i < c->npieces; i++)
        w += c->pieces[i].width;
    return w;
}

static int avail(const Ctx *c)
{
    int a = c->width - prefix_width(c);
    return a < 1 ? 1 : a;
}

static void begin_line(Ctx *c)
{
    if (c->line_started)
        return;
    sb_reset(&c->line);
    for (size_t i = 0; i < c->npieces; i++) {
        Piece *p = &c->pieces[i];
        sb_put_str(&c->line, p->used ? p->rest : p->first, HELP_STYLE_MARKUP);
        p->used = 1;
    }
    c->prefix_w = c->line.width;
    c->line_started = 1;
}

static void end_line(Ctx *c)
{
    if (!c->line_started)
        return;
    layout_push(c->out, &c->line);
    c->line_started = 0;
}

static void blank_line(Ctx *c)
{
    SBuf b = {0};
    for (size_t i = 0; i < c->npieces; i++)
        sb_put_str(&b, c->pieces[i].rest, HELP_STYLE_MARKUP);
    layout_push(c->out, &b);
    sb_fini(&b);
}

static int content_w(const Ctx *c)
{
    return c->line_started ? c->line.width - c->prefix_w : 0;
}

/* Appends one character to the current line, breaking first if it does not fit. */
static void put_char_breaking(Ctx *c, const char *s, size_t n, int w, unsigned style)
{
    begin_line(c);
    if (content_w(c) > 0 && content_w(c) + w > avail(c)) {
        end_line(c);
        begin_line(c);
    }
    sb_put(&c->line, s, n, w, style);
}

static void flush_word(Ctx *c)
{
    SBuf *w = &c->word;
    if (w->len == 0)
        return;
    int room = avail(c);
    int used = content_w(c);
    int sep = c->pending_space && used > 0;
    if (used > 0 && used + sep + w->width <= room) {
        if (sep)
            sb_put(&c->line, " ", 1, 1, c->space_style);
        for (size_t i = 0; i < w->nsp; i++)
            sb_put(&c->line, w->s + w->sp[i].off, w->sp[i].len,
                   help_text_width(w->s + w->sp[i].off, w->sp[i].len), w->sp[i].style);
    } else {
        if (used > 0)
            end_line(c);
        begin_line(c);
        /* character by character: breaks only if the word is wider than the room */
        for (size_t i = 0; i < w->nsp; i++) {
            const char *s = w->s + w->sp[i].off;
            size_t len = w->sp[i].len, k = 0;
            while (k < len) {
                uint32_t cp;
                size_t n = help_utf8_decode(s + k, len - k, &cp);
                put_char_breaking(c, s + k, n, help_cp_width(cp), w->sp[i].style);
                k += n;
            }
        }
    }
    sb_reset(w);
    c->space_style = HELP_STYLE_PLAIN;
    c->pending_space = 0;
}

/* Feeds inline text: spaces separate words, controls are dropped. */
static void feed(Ctx *c, const char *s, size_t n, unsigned style)
{
    size_t i = 0;
    if (c->link_depth > 0)
        sb_put(&c->link_text, s, n, 0, 0);
    while (i < n) {
        uint32_t cp;
        size_t k = help_utf8_decode(s + i, n - i, &cp);
        int w = help_cp_width(cp);
        if (cp == ' ' || cp == '\t' || cp == '\n') {
            if (c->word.len > 0) {
                flush_word(c);
            }
            c->pending_space = 1;
            c->space_style = style;
        } else if (w == 2) {
            /* wide (CJK) characters: a line may break before and after each */
            flush_word(c);
            sb_put(&c->word, s + i, k, w, style);
            flush_word(c);
        } else if (cp >= 0x20 && cp != 0x7F) {
            if (cp == 0xFFFD && k == 1)
                sb_put(&c->word, "\xEF\xBF\xBD", 3, 1, style);
            else
                sb_put(&c->word, s + i, k, w, style);
        }
        i += k;
    }
}

static void feed_str(Ctx *c, const char *s, unsigned style)
{
    feed(c, s, strlen(s), style);
}

static void finish_paragraph(Ctx *c)
{
    flush_word(c);
    end_line(c);
    c->space_style = HELP_STYLE_PLAIN;
    c->pending_space = 0;
}

/* Shows " <url>" after a link or image unless it only repeats `text`. */
static void feed_address(Ctx *c, const char *url, const char *text)
{
    if (!url || !*url || strcmp(url, text) == 0 ||
        (strncmp(url, "mailto:", 7) == 0 && strcmp(url + 7, text) == 0))
        return;
    flush_word(c);
    c->pending_space = 1;
    c->space_style = HELP_STYLE_PLAIN;
    feed_str(c, "<", HELP_STYLE_URL);
    feed_str(c, url, HELP_STYLE_URL);
    feed_str(c, ">", HELP_STYLE_URL);
}

static void layout_inlines(Ctx *c, cmark_node *block, unsigned base)
{
    int emph = 0, strong = 0, link = 0;
    cmark_iter *it = cmark_iter_new(block);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (n == block)
            continue;
        int enter = ev == CMARK_EVENT_ENTER, d = enter ? 1 : -1;
        unsigned st = base | (emph ? HELP_STYLE_EMPH : 0) | (strong ? HELP_STYLE_STRONG : 0) |
                      (link ? HELP_STYLE_LINK : 0);
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_HTML_INLINE:
            feed_str(c, cmark_node_get_literal(n), st);
            break;
        case CMARK_NODE_CODE:
            feed_str(c, cmark_node_get_literal(n), st | HELP_STYLE_CODE);
            break;
        case CMARK_NODE_SOFTBREAK:
            feed_str(c, " ", HELP_STYLE_PLAIN);
            break;
        case CMARK_NODE_LINEBREAK:
            flush_word(c);
            begin_line(c);
            end_line(c);
            break;
        case CMARK_NODE_EMPH:
            emph += d;
            break;
        case CMARK_NODE_STRONG:
            strong += d;
            break;
        case CMARK_NODE_LINK:
            link += d;
            if (enter) {
                if (c->link_depth++ == 0)
                    sb_reset(&c->link_text);
            } else if (--c->link_depth == 0) {
                feed_address(c, cmark_node_get_url(n), c->link_text.s ? c->link_text.s : "");
            }
            break;
        case CMARK_NODE_IMAGE:
            if (enter) {
                feed_str(c, "[image: ", st | HELP_STYLE_MARKUP);
            } else {
                feed_str(c, "]", st | HELP_STYLE_MARKUP);
                feed_address(c, cmark_node_get_url(n), "");
            }
            break;
        default:
            break;
        }
    }
    cmark_iter_free(it);
}

/* A code or HTML block: verbatim lines indented 4 columns, cut where too wide. */
static void layout_verbatim(Ctx *c, const char *lit, unsigned style)
{
    const int indent = 4;
    const char *p = lit ? lit : "";
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        int room = avail(c) - indent;
        if (room < 1)
            room = 1;
        int col = 0;
        begin_line(c);
        sb_put(&c->line, "    ", 4, 4, HELP_STYLE_PLAIN);
        size_t i = 0;
        while (i < len) {
            uint32_t cp;
            size_t k = help_utf8_decode(p + i, len - i, &cp);
            const char *s = p + i;
            int w = help_cp_width(cp);
            size_t n = k;
            int reps = 1;
            if (cp == '\t') {
                s = " ";
                n = 1;
                w = 1;
                reps = 4 - col % 4;
            } else if (cp < 0x20 || cp == 0x7F) {
                reps = 0;
            } else if (cp == 0xFFFD && k == 1) {
                s = "\xEF\xBF\xBD";
                n = 3;
            }
            for (int r = 0; r < reps; r++) {
                if (col > 0 && col + w > room) {
                    end_line(c);
                    begin_line(c);
                    sb_put(&c->line, "    ", 4, 4, HELP_STYLE_PLAIN);
                    col = 0;
                }
                sb_put(&c->line, s, n, w, style);
                col += w;
            }
            i += k;
        }
        end_line(c);
        p = e ? e + 1 : p + len;
    }
}

static void layout_block(Ctx *c, cmark_node *n);

static void layout_children(Ctx *c, cmark_node *parent, int tight)
{
    int first = 1;
    for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
        if (!first && !tight)
            blank_line(c);
        layout_block(c, n);
        first = 0;
    }
}

static void layout_list(Ctx *c, cmark_node *list)
{
    int ordered = cmark_node_get_list_type(list) == CMARK_ORDERED_LIST;
    int tight = cmark_node_get_list_tight(list);
    int start = cmark_node_get_list_start(list);
    char delim = cmark_node_get_list_delim(list) == CMARK_PAREN_DELIM ? ')' : '.';
    int count = 0;
    for (cmark_node *i = cmark_node_first_child(list); i; i = cmark_node_next(i))
        count++;
    char widest[24];
    int digits = snprintf(widest, sizeof widest, "%d", start + (count > 0 ? count - 1 : 0));
    int sdigits = snprintf(widest, sizeof widest, "%d", start);
    if (sdigits > digits)
        digits = sdigits;
    c->list_depth++;
    int number = start, first = 1;
    for (cmark_node *item = cmark_node_first_child(list); item; item = cmark_node_next(item)) {
        char marker[32], indent[32];
        if (ordered) {
            snprintf(marker, sizeof marker, "%*d%c ", digits, number++, delim);
            int mw = (int)strlen(marker);
            memset(indent, ' ', (size_t)mw);
            indent[mw] = '\0';
        } else {
            snprintf(marker, sizeof marker, "%s", c->list_depth % 2 ? "\xE2\x80\xA2 " : "\xE2\x97\xA6 ");
            snprintf(indent, sizeof indent, "  ");
        }
        if (!first && !tight)
            blank_line(c);
        push_piece(c, marker, indent);
        if (cmark_node_first_child(item))
            layout_children(c, item, tight);
        else {
            begin_line(c); /* an empty item still shows its marker */
            end_line(c);
        }
        pop_piece(c);
        first = 0;
    }
    c->list_depth--;
}

static void layout_block(Ctx *c, cmark_node *n)
{
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_DOCUMENT:
        layout_children(c, n, 0);
        break;
    case CMARK_NODE_BLOCK_QUOTE:
        push_piece(c, "\xE2\x94\x82 ", "\xE2\x94\x82 ");
        layout_children(c, n, 0);
        pop_piece(c);
        break;
    case CMARK_NODE_LIST:
        layout_list(c, n);
        break;
    case CMARK_NODE_ITEM: /* only inside a list, handled there */
        layout_children(c, n, 0);
        break;
    case CMARK_NODE_CODE_BLOCK:
        layout_verbatim(c, cmark_node_get_literal(n), HELP_STYLE_CODE);
        break;
    case CMARK_NODE_HTML_BLOCK:
        layout_verbatim(c, cmark_node_get_literal(n), HELP_STYLE_PLAIN);
        break;
    case CMARK_NODE_PARAGRAPH:
        layout_inlines(c, n, HELP_STYLE_PLAIN);
        finish_paragraph(c);
        break;
    case CMARK_NODE_HEADING: {
        int level = cmark_node_get_heading_level(n);
        size_t from = c->out->n;
        layout_inlines(c, n, HELP_STYLE_HEADING);
        finish_paragraph(c);
        if (level <= 2) {
            int pw = prefix_width(c), w = 0;
            for (size_t i = from; i < c->out->n; i++)
                if (c->out->lines[i].width - pw > w)
                    w = c->out->lines[i].width - pw;
            begin_line(c);
            for (int i = 0; i < w; i++)
                sb_put(&c->line, level == 1 ? "=" : "-", 1, 1, HELP_STYLE_MARKUP);
            end_line(c);
        }
        break;
    }
    case CMARK_NODE_THEMATIC_BREAK: {
        int w = avail(c);
        begin_line(c);
        for (int i = 0; i < w; i++)
            sb_put(&c->line, "\xE2\x94\x80", 3, 1, HELP_STYLE_MARKUP);
        end_line(c);
        break;
    }
    default:
        break;
    }
}

HelpLayout *help_layout_new(const HelpDoc *doc, int width)
{
    HelpLayout *l = xcalloc(1, sizeof *l);
    l->width = width < 8 ? 8 : width;
    Ctx c = {0};
    c.out = l;
    c.width = l->width;
    layout_block(&c, doc->root);
    sb_fini(&c.line);
    sb_fini(&c.word);
    sb_fini(&c.link_text);
    free(c.pieces);
    return l;
}

size_t help_layout_count(const HelpLayout *layout)
{
    return layout->n;
}

const HelpLine *help_layout_line(const HelpLayout *layout, size_t i)
{
    return &layout->lines[i];
}

int help_layout_width(const HelpLayout *layout)
{
    return layout->width;
}

long help_line_find(const HelpLine *line, const char *needle)
{
    size_t nl = strlen(needle);
    if (nl == 0 || nl > line->len)
        return -1;
    for (size_t i = 0; i + nl <= line->len; i++) {
        size_t k = 0;
        while (k < nl && ascii_lower((unsigned char)line->text[i + k]) ==
                             ascii_lower((unsigned char)needle[k]))
            k++;
        if (k == nl)
            return (long)i;
    }
    return -1;
}

long help_layout_find(const HelpLayout *layout, const char *needle, size_t from)
{
    for (size_t i = from; i < layout->n; i++)
        if (help_line_find(&layout->lines[i], needle) >= 0)
            return (long)i;
    return -1;
}

int help_layout_write(const HelpLayout *layout, FILE *out)
{
    for (size_t i = 0; i < layout->n; i++) {
        const HelpLine *l = &layout->lines[i];
        if (fwrite(l->text, 1, l->len, out) != l->len || fputc('\n', out) == EOF)
            return -1;
    }
    return 0;
}

void help_layout_free(HelpLayout *layout)
{
    if (!layout)
        return;
    for (size_t i = 0; i < layout->n; i++) {
        free((char *)layout->lines[i].text);
        free((HelpSpan *)layout->lines[i].spans);
    }
    free(layout->lines);
    free(layout);
}
