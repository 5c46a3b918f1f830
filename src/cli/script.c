/* The command file runner of exec and whatif (script.h). */
#include "cli/script.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "app/command_table.h"
#include "domain/xalloc.h"

typedef struct LineBuf {
    char *text;
    size_t len, cap;
} LineBuf;

static void put_char(LineBuf *b, char c)
{
    if (b->len + 1 >= b->cap) {
        b->cap = b->cap ? b->cap * 2 : 256;
        b->text = xrealloc(b->text, b->cap);
    }
    b->text[b->len++] = c;
}

/* Reads one line without its end (LF, CRLF or CR) into b; false at the end of
 * the stream with nothing read. */
static bool read_line(FILE *fp, LineBuf *b)
{
    b->len = 0;
    int c;
    bool any = false;
    while ((c = getc(fp)) != EOF) {
        any = true;
        if (c == '\n')
            break;
        if (c == '\r') {
            int next = getc(fp);
            if (next != '\n' && next != EOF)
                ungetc(next, fp);
            break;
        }
        put_char(b, (char)c);
    }
    put_char(b, '\0');
    b->len--;
    return any;
}

AllotStatus script_run(FILE *fp, const char *shown, const char *tool, ScriptStepFn step,
                       ScriptToolFn tool_step, void *ctx, FILE *errout, ScriptReport *report,
                       ErrBuf *err)
{
    memset(report, 0, sizeof *report);
    LineBuf line = {0};
    TokenList toks;
    token_list_init(&toks);
    while (read_line(fp, &line)) {
        report->lines++;
        const char *text = line.text;
        /* A UTF-8 byte order mark, as some editors write, opens the file: skip it. */
        if (report->lines == 1 && strncmp(text, "\xef\xbb\xbf", 3) == 0)
            text += 3;
        ParsedCommand cmd;
        ErrBuf e = {{0}};
        AllotStatus s = command_parse_line(text, &toks, &cmd, &e);
        if (s == ALLOT_OK && !cmd.spec)
            continue;
        if (s == ALLOT_OK && !command_is_bus(cmd.spec))
            s = tool_step ? tool_step(ctx, &cmd, &e)
                          : err_set(&e, ALLOT_EUSAGE, "%s cannot run inside %s (only add-batch, "
                                    "allocate, cancel, change-qty, set-eta)", cmd.spec->name, tool);
        else if (s == ALLOT_OK)
            s = step(ctx, &cmd.cmd, &e);
        if (s == ALLOT_OK) {
            report->run++;
            continue;
        }
        fprintf(errout, "%s:%ld: error: %s\n", shown, report->lines, err_text(&e, s));
        report->failed++;
        if (allot_status_exit_code(s) == 3) { /* storage: the rest cannot run */
            report->fatal = s;
            break;
        }
    }
    bool read_error = ferror(fp);
    int saved = errno;
    token_list_fini(&toks);
    free(line.text);
    if (read_error)
        return err_set(err, ALLOT_EIO, "%s: cannot read: %s", shown, strerror(saved));
    return ALLOT_OK;
}
