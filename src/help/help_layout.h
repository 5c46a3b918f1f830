/* help_layout.h — Markdown help pages laid out as styled, wrapped lines.
 *
 * libcmark parses the Markdown (CommonMark, no tables: SPEC.md §5 "Help pages are
 * Markdown files in assets/help/, rendered in the terminal with libcmark"); this
 * module walks the tree and produces lines of UTF-8 text whose byte ranges carry
 * style bits.  It knows nothing of ncurses: the TUI's help viewer draws the lines,
 * `allot help` prints them as plain text.
 *
 * What each node becomes (the plain text is the layout; styles are extra):
 *   heading        its text, HELP_STYLE_HEADING; level 1 underlined with '=',
 *                  level 2 with '-' (HELP_STYLE_MARKUP), level 3+ text only
 *   paragraph      words wrapped to the width; a hard line break breaks the line
 *   emphasis       HELP_STYLE_EMPH;  strong: HELP_STYLE_STRONG
 *   code span      its literal, HELP_STYLE_CODE
 *   code block     each line indented 4 columns, HELP_STYLE_CODE, never re-flowed;
 *                  a line wider than the room is cut into pieces; tabs → 4-column stops
 *   html           shown literally (inline: as text; block: like a code block, unstyled)
 *   list           "• " (odd depth) or "◦ " (even depth) bullets, or right-aligned
 *                  "N. " / "N) " numbers from the list's start; continuation lines
 *                  indent under the text; loose lists keep a blank line between items
 *   block quote    "│ " before every line, blank lines included
 *   link           its text (HELP_STYLE_LINK) then " <address>" (HELP_STYLE_URL);
 *                  the address is left out when it equals the text (autolinks)
 *   image          "[image: ALT]" then " <address>"
 *   thematic break '─' across the room
 * Blocks are separated by one blank line (none inside tight list items).
 *
 * Widths are display columns (help_text.h): wide characters count 2.  No line is
 * wider than the layout width, except when the width is smaller than a list or
 * quote prefix needs (the prefix is kept; text gets at least 1 column).
 */
#ifndef ALLOT_HELP_LAYOUT_H
#define ALLOT_HELP_LAYOUT_H

#include <stddef.h>
#include <stdio.h>

/* Style bits of a span; several may be set at once (e.g. STRONG|EMPH). */
enum {
    HELP_STYLE_PLAIN = 0,
    HELP_STYLE_HEADING = 1u << 0, /* heading text */
    HELP_STYLE_EMPH = 1u << 1,
    HELP_STYLE_STRONG = 1u << 2,
    HELP_STYLE_CODE = 1u << 3,   /* code span or code block */
    HELP_STYLE_LINK = 1u << 4,   /* the text of a link */
    HELP_STYLE_URL = 1u << 5,    /* the address shown after a link or image */
    HELP_STYLE_MARKUP = 1u << 6, /* bullets, numbers, quote bars, rules, underlines */
};

/* A run of bytes [off, off+len) of one line's text, all with the same style. */
typedef struct HelpSpan {
    size_t off, len;
    unsigned style;
} HelpSpan;

/* One laid-out line.  `text` is UTF-8, not NUL-terminated inside (but text[len]
 * is '\0'), `width` its display width in columns.  Spans cover the text in order,
 * without gaps.  Owned by the layout; valid until help_layout_free. */
typedef struct HelpLine {
    const char *text;
    size_t len;
    int width;
    const HelpSpan *spans;
    size_t nspans;
} HelpLine;

/* A parsed page: the Markdown source and its cmark tree. */
typedef struct HelpDoc HelpDoc;

/* Parses `len` bytes of Markdown.  Invalid UTF-8 is replaced by U+FFFD (cmark's
 * CMARK_OPT_VALIDATE_UTF8).  Never fails (allocation failure aborts, as xmalloc).
 * The caller frees the result with help_doc_free. */
HelpDoc *help_doc_new(const char *markdown, size_t len);

/* A new document holding only the section of `doc` that starts at the first
 * heading whose text is `word` or begins with `word` followed by a space, or is
 * "allot WORD…" (so "allocate" finds "allot allocate ORDERID SKU QTY"); the section
 * runs to the next heading of the same or a higher level.  ASCII case is ignored.
 * NULL if no heading matches.  The caller frees the result with help_doc_free. */
HelpDoc *help_doc_section(const HelpDoc *doc, const char *word);

/* The plain text of the document's first heading, or "" if it has none.  Owned
 * by the document. */
const char *help_doc_title(const HelpDoc *doc);

/* 1 if the page contains text that looks like a pipe table (a paragraph line that
 * starts with '|' or a delimiter row such as "|---|" or "--- | ---"), which core
 * cmark does not render as a table; 0 otherwise.  Code blocks are not checked. */
int help_doc_has_pipe_table(const HelpDoc *doc);

void help_doc_free(HelpDoc *doc);

/* The laid-out lines of a document at a width. */
typedef struct HelpLayout HelpLayout;

/* Lays `doc` out at `width` columns (values below 8 are taken as 8).  The layout
 * does not keep a pointer to `doc`.  Re-wrapping is making a new layout at the new
 * width.  Caller frees with help_layout_free. */
HelpLayout *help_layout_new(const HelpDoc *doc, int width);

size_t help_layout_count(const HelpLayout *layout);

/* Line i (0-based, i < help_layout_count); owned by the layout. */
const HelpLine *help_layout_line(const HelpLayout *layout, size_t i);

/* The width the layout was made for. */
int help_layout_width(const HelpLayout *layout);

/* The index of the first line ≥ `from` whose text contains `needle` (ASCII case
 * ignored), or -1 if none or `needle` is empty.  A match split across two wrapped
 * lines is not found. */
long help_layout_find(const HelpLayout *layout, const char *needle, size_t from);

/* The byte offset in line i's text of the first occurrence of `needle` (ASCII
 * case ignored), or -1. */
long help_line_find(const HelpLine *line, const char *needle);

/* Writes every line as plain text followed by '\n'.  Returns 0, or -1 if a write
 * failed (errno from stdio). */
int help_layout_write(const HelpLayout *layout, FILE *out);

void help_layout_free(HelpLayout *layout);

#endif
