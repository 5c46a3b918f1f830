/* help_print.h — `allot help [TOPIC]`: a help page as plain text (issue 7).
 *
 * The CLI calls help_print() for `allot help` and `allot help TOPIC`; the output
 * is the same layout the TUI viewer shows, without styles.
 */
#ifndef ALLOT_HELP_PRINT_H
#define ALLOT_HELP_PRINT_H

#include <stdio.h>

#include "domain/status.h"

/* Prints help for `topic` to `out`, wrapped at `width` display columns (below 8
 * is taken as 8).  `topic`:
 *   NULL or ""          the "getting-started" page, then the list of topics
 *   a page name         that page ("triage", "commands", "keys", ... see help_pages.h)
 *   a command name      the section of the "commands" page for it ("allocate",
 *                       "add-batch", ...), as help_doc_section finds it
 * Returns ALLOT_OK; ALLOT_EUSAGE when no page or command matches (err: "no help
 * topic 'X' (topics: a, b, ...)"); ALLOT_EIO when writing to `out` fails (err names
 * the reason).  `err` may be NULL. */
AllotStatus help_print(const char *topic, FILE *out, int width, ErrBuf *err);

/* The width to print at on `out`: a terminal's column count (at most 100, so that
 * lines stay readable), else $COLUMNS if set and valid, else 80. */
int help_output_width(FILE *out);

/* Looks up `topic` as help_print does and returns a new parsed document, or NULL
 * if nothing matches.  NULL or "" gives "getting-started" plus the topic list.
 * The caller frees it with help_doc_free. */
struct HelpDoc *help_topic_doc(const char *topic);

#endif
