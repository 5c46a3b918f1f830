/* complete.c — completion in the `:` prompt (complete.h). */
#include "tui/complete.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/command_parse.h"
#include "domain/xalloc.h"

/* The byte offset in `text` where the token that ends at `cur` starts (the
 * tokenizer's rules: blanks outside double quotes separate, `\` escapes inside);
 * `cur` itself if it follows a blank. */
static size_t token_start(const char *text, size_t cur)
{
    size_t start = cur;
    bool inq = false, intok = false;
    for (size_t i = 0; i < cur; i++) {
        char c = text[i];
        if (inq) {
            if (c == '\\' && i + 1 < cur)
                i++;
            else if (c == '"')
                inq = false;
            continue;
        }
        if (c == ' ' || c == '\t') {
            intok = false;
            start = cur;
            continue;
        }
        if (!intok) {
            start = i;
            intok = true;
        }
        if (c == '"')
            inq = true;
    }
    return start;
}

/* The prompt's own commands (complete.h), with what their argument is. */
static const struct {
    const char *name;
    TuiPromptCommand cmd;
    TuiCompleteKind arg;
    const char *arg_name;
} prompt_commands[] = {
    {"batch", TPC_BATCH, TC_REF, "REF"},
    {"export", TPC_EXPORT, TC_NONE, "FILE"},
    {"order", TPC_ORDER, TC_ORDERID, "ORDERID"},
    {"sku", TPC_SKU, TC_SKU, "SKU"},
};
#define N_PROMPT_COMMANDS (sizeof prompt_commands / sizeof prompt_commands[0])

TuiPromptCommand tui_prompt_command(const char *name)
{
    for (size_t i = 0; name && i < N_PROMPT_COMMANDS; i++)
        if (strcmp(prompt_commands[i].name, name) == 0)
            return prompt_commands[i].cmd;
    return TPC_NONE;
}

void tui_complete_ask(const char *line, size_t cursor, TuiCompleteAsk *out)
{
    memset(out, 0, sizeof *out);
    char head[TUI_LINE_MAX];
    snprintf(head, sizeof head, "%.*s", (int)cursor, line);
    out->start = token_start(line, cursor < strlen(line) ? cursor : strlen(line));
    TokenList t;
    token_list_init(&t);
    ErrBuf err;
    if (command_tokenize(head, true, &t, &err) != ALLOT_OK) {
        token_list_fini(&t);
        return;
    }
    size_t index = t.trailing_blank || t.len == 0 ? t.len : t.len - 1;
    snprintf(out->prefix, sizeof out->prefix, "%s", index < t.len ? t.items[index] : "");
    if (index == 0) {
        out->kind = TC_COMMAND;
        token_list_fini(&t);
        return;
    }
    TuiPromptCommand pcmd = tui_prompt_command(t.items[0]);
    if (pcmd != TPC_NONE) {
        for (size_t i = 0; index == 1 && i < N_PROMPT_COMMANDS; i++)
            if (prompt_commands[i].cmd == pcmd) {
                out->kind = prompt_commands[i].arg;
                out->arg_name = prompt_commands[i].arg_name;
            }
        token_list_fini(&t);
        return;
    }
    const CommandSpec *spec = command_lookup(t.items[0]);
    const ArgSpec *arg = spec ? command_arg_for_token(spec, &t, index) : NULL;
    if (arg) {
        out->arg_name = arg->name;
        switch (arg->kind) {
        case ARG_SKU: out->kind = TC_SKU; break;
        case ARG_REF: out->kind = TC_REF; break;
        case ARG_ORDERID: out->kind = TC_ORDERID; break;
        case ARG_CHOICE:
            out->kind = arg->choices ? TC_CHOICE : TC_NONE;
            out->choices = arg->choices;
            break;
        default: break;
        }
    }
    /* A command that names an existing order line (cancel ORDERID SKU): its SKU is
       one of that order's. */
    if (out->kind == TC_SKU && spec->bus == CMD_CANCEL_LINE) {
        for (size_t i = 1; i < index; i++) {
            const ArgSpec *a = command_arg_for_token(spec, &t, i);
            if (a && a->kind == ARG_ORDERID &&
                validate_id(t.items[i], "orderid", out->orderid, &err) == ALLOT_OK)
                out->kind = TC_ORDER_SKU;
        }
    }
    token_list_fini(&t);
}

void tui_candidates_add(TuiCandidates *c, const char *name)
{
    if (c->count == 0) {
        snprintf(c->common, sizeof c->common, "%s", name);
    } else {
        size_t k = 0;
        while (c->common[k] && c->common[k] == name[k])
            k++;
        c->common[k] = 0;
    }
    c->count++;
    if (c->n < TUI_COMPLETE_SHOWN) {
        if (c->n == c->cap)
            c->names = xreallocarray(c->names, c->cap = c->cap ? c->cap * 2 : 8, sizeof *c->names);
        c->names[c->n++] = xstrdup(name);
    }
}

void tui_candidates_fini(TuiCandidates *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->names[i]);
    free(c->names);
    memset(c, 0, sizeof *c);
}

void tui_complete_local(const TuiCompleteAsk *ask, TuiCandidates *out)
{
    size_t plen = strlen(ask->prefix);
    if (ask->kind == TC_COMMAND) {
        for (size_t i = 0; i < N_PROMPT_COMMANDS; i++)
            if (strncmp(prompt_commands[i].name, ask->prefix, plen) == 0)
                tui_candidates_add(out, prompt_commands[i].name);
        for (size_t i = 0; i < command_table_count(); i++) {
            const char *name = command_table_at(i)->name;
            if (strncmp(name, ask->prefix, plen) == 0 && tui_prompt_command(name) == TPC_NONE)
                tui_candidates_add(out, name);
        }
    } else if (ask->kind == TC_CHOICE && ask->choices) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", ask->choices);
        char *save = NULL;
        for (char *w = strtok_r(buf, "|", &save); w; w = strtok_r(NULL, "|", &save))
            if (strncmp(w, ask->prefix, plen) == 0)
                tui_candidates_add(out, w);
    }
}

void tui_complete_apply(TuiLineEdit *e, const TuiCompleteAsk *ask, const TuiCandidates *c,
                        char *hint, size_t size)
{
    hint[0] = 0;
    if (c->count == 0) {
        if (ask->kind == TC_NONE && ask->arg_name)
            snprintf(hint, size, "%s: type it", ask->arg_name);
        else
            snprintf(hint, size, "no completion");
        return;
    }
    bool unique = c->count == 1 && !c->more;
    if (strlen(c->common) > strlen(ask->prefix) || unique) {
        /* the token as typed (quotes and all) is replaced by the completion, quoted
           as the tokenizer reads it back; a partial one keeps its quote open */
        char quoted[TUI_LINE_MAX * 2 + 4], add[TUI_LINE_MAX * 2 + 8];
        command_quote_token(c->common, quoted, sizeof quoted - 2);
        size_t ql = strlen(quoted);
        if (e->text[ask->start] == '"' && quoted[0] != '"') { /* keep the opened quote */
            memmove(quoted + 1, quoted, ql + 1);
            quoted[0] = '"';
            quoted[++ql] = '"';
            quoted[++ql] = 0;
        }
        if (!unique && ql > 1 && quoted[0] == '"')
            quoted[--ql] = 0; /* not finished: the quote stays open */
        snprintf(add, sizeof add, "%s%s", quoted, unique ? " " : "");
        tui_line_edit_replace(e, ask->start, add);
    }
    if (unique)
        return;
    size_t o = (size_t)snprintf(hint, size, "%s%lld candidates:", c->more ? "more than " : "",
                                (long long)c->count);
    for (size_t i = 0; i < c->n && o < size - 1; i++) {
        char q[TUI_LINE_MAX * 2 + 4];
        command_quote_token(c->names[i], q, sizeof q);
        o += (size_t)snprintf(hint + o, size - o, "%s %s", i ? "," : "", q);
    }
    if ((int64_t)c->n < c->count && o < size - 1)
        snprintf(hint + o, size - o, ", …");
}
