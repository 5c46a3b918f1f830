/* help_print.c — see help_print.h. */
#include "help/help_print.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "domain/xalloc.h"
#include "help/help_layout.h"
#include "help/help_pages.h"

/* Appends s to a growing heap string. */
static void cat(char **buf, size_t *len, const char *s)
{
    size_t l = strlen(s);
    *buf = xrealloc(*buf, *len + l + 1);
    memcpy(*buf + *len, s, l + 1);
    *len += l;
}

/* Markdown: the getting-started page followed by a list of every topic. */
static HelpDoc *index_doc(void)
{
    char *md = xstrdup("");
    size_t len = 0;
    const HelpPage *start = help_page_find("getting-started");
    if (start) {
        cat(&md, &len, start->markdown);
        cat(&md, &len, "\n\n");
    }
    cat(&md, &len, "## Help topics\n\n");
    for (size_t i = 0; i < help_pages_count; i++) {
        HelpDoc *d = help_doc_new(help_pages[i].markdown, help_pages[i].len);
        cat(&md, &len, "- `allot help ");
        cat(&md, &len, help_pages[i].name);
        cat(&md, &len, "` — ");
        cat(&md, &len, help_doc_title(d));
        cat(&md, &len, "\n");
        help_doc_free(d);
    }
    cat(&md, &len, "\n`allot help COMMAND` shows one command of the reference, "
                   "e.g. `allot help allocate`.\n");
    HelpDoc *doc = help_doc_new(md, len);
    free(md);
    return doc;
}

HelpDoc *help_topic_doc(const char *topic)
{
    if (!topic || !*topic)
        return index_doc();
    const HelpPage *p = help_page_find(topic);
    if (p)
        return help_doc_new(p->markdown, p->len);
    const HelpPage *cmds = help_page_find("commands");
    if (!cmds)
        return NULL;
    HelpDoc *all = help_doc_new(cmds->markdown, cmds->len);
    HelpDoc *section = help_doc_section(all, topic);
    help_doc_free(all);
    return section;
}

AllotStatus help_print(const char *topic, FILE *out, int width, ErrBuf *err)
{
    HelpDoc *doc = help_topic_doc(topic);
    if (!doc) {
        char names[ALLOT_ERR_MAX / 2] = "";
        size_t used = 0;
        for (size_t i = 0; i < help_pages_count && used < sizeof names; i++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                                     help_pages[i].name);
        return err_set(err, ALLOT_EUSAGE, "no help topic '%s' (topics: %s; or a command name)",
                       topic, names);
    }
    HelpLayout *layout = help_layout_new(doc, width);
    errno = 0;
    int rc = help_layout_write(layout, out);
    if (rc == 0 && fflush(out) != 0)
        rc = -1;
    help_layout_free(layout);
    help_doc_free(doc);
    if (rc != 0)
        return err_set(err, ALLOT_EIO, "cannot write help: %s",
                       errno ? strerror(errno) : "write error");
    return ALLOT_OK;
}

int help_output_width(FILE *out)
{
    struct winsize ws;
    int fd = fileno(out);
    if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col > 100 ? 100 : ws.ws_col;
    const char *cols = getenv("COLUMNS");
    if (cols && *cols) {
        char *end;
        long v = strtol(cols, &end, 10);
        if (*end == '\0' && v >= 8 && v <= 1000)
            return (int)v;
    }
    return 80;
}
