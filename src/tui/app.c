/* app.c — the TUI state machine (app.h). */
#include "tui/app.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/command_parse.h"
#include "domain/xalloc.h"
#include "tui/preview.h"
#include "tui/view.h"

enum { STACK_MAX = 32, FEED_MAX = 64, FEED_H = 5, CAND_MAX = 8 };

typedef enum PromptKind { P_NONE, P_COMMAND, P_FORM } PromptKind;

typedef struct Prompt {
    PromptKind kind;
    TuiFormKind form;
    char label[256];
    char text[256];
    size_t cur; /* byte offset of the cursor in text */
    char error[ALLOT_ERR_MAX];
    char hint[ALLOT_ERR_MAX];
    TuiList *list;
    TuiBatchInfo batch;
    AllotId sku, orderid;
} Prompt;

typedef enum ConfirmKind { C_NONE, C_COMMAND, C_DEMO } ConfirmKind;

typedef struct Confirm {
    ConfirmKind kind;
    Command cmd;
    TuiPreview pv;
    char title[256];
    size_t scroll; /* first move shown */
} Confirm;

struct TuiApp {
    TuiAppConfig cfg;
    TuiRunner runner;
    bool has_runner;
    char help_topic[32]; /* a pending request for the shell's help viewer */
    TuiEnv env;
    int rows, cols;
    TuiView *stack[STACK_MAX];
    int depth;
    int top_level; /* index in top_screens */
    bool dirty, done;
    TuiCount count;
    Prompt prompt;
    Confirm confirm;
    char status[ALLOT_ERR_MAX + 64];
    bool status_error;
    char banner[256];
    /* live feed */
    TuiFeedItem feed[FEED_MAX]; /* oldest first */
    int nfeed;
    int64_t last_id;
    uint64_t version;
    bool have_version;
    bool paused;
    int64_t paused_new;
};

static const TuiAction top_screens[] = {TA_SCREEN_TRIAGE, TA_SCREEN_PRODUCTS, TA_SCREEN_BATCHES,
                                        TA_SCREEN_BACKORDERS, TA_SCREEN_EVENTS};
static const char *const top_names[] = {"Triage", "Products", "Batches", "Backorders", "Events"};
#define NTOP 5

/* ---- layout ---- */

static bool too_small(const TuiApp *a) { return a->rows < TUI_MIN_ROWS || a->cols < TUI_MIN_COLS; }
static int main_y(void) { return 2; }
static int main_h(const TuiApp *a) { return a->rows - 2 - FEED_H - 2; }

static TuiView *top(const TuiApp *a) { return a->depth ? a->stack[a->depth - 1] : NULL; }

static void set_status(TuiApp *a, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_status(TuiApp *a, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->status, sizeof a->status, fmt, ap);
    va_end(ap);
    a->status_error = error;
    a->dirty = true;
}

static void size_view(TuiApp *a, TuiView *v)
{
    int h = main_h(a);
    v->ops->resize(v, h < 1 ? 1 : h, a->cols);
}

static void push(TuiApp *a, TuiView *v)
{
    if (a->depth == STACK_MAX) { /* drop the oldest drill-down above the root */
        TuiView *old = a->stack[1];
        old->ops->destroy(old);
        memmove(a->stack + 1, a->stack + 2, (size_t)(STACK_MAX - 2) * sizeof *a->stack);
        a->depth--;
    }
    a->stack[a->depth++] = v;
    size_view(a, v);
    a->dirty = true;
}

static void pop(TuiApp *a)
{
    if (a->depth <= 1) {
        set_status(a, false, "Q quits allot");
        return;
    }
    TuiView *v = a->stack[--a->depth];
    v->ops->destroy(v);
    TuiView *t = top(a);
    size_view(a, t);
    t->ops->on_event(t, TV_SHOWN);
    a->dirty = true;
}

static void clear_stack(TuiApp *a)
{
    while (a->depth) {
        TuiView *v = a->stack[--a->depth];
        v->ops->destroy(v);
    }
}

static TuiView *make_top(TuiApp *a, int i)
{
    switch (top_screens[i]) {
    case TA_SCREEN_PRODUCTS: return tui_view_products(&a->env);
    case TA_SCREEN_BATCHES: return tui_view_batches(&a->env, "");
    case TA_SCREEN_BACKORDERS: return tui_view_backorders(&a->env, "");
    case TA_SCREEN_EVENTS: return tui_view_events(&a->env);
    default: return tui_view_triage(&a->env);
    }
}

static void go_top(TuiApp *a, int i)
{
    clear_stack(a);
    a->top_level = (i % NTOP + NTOP) % NTOP;
    push(a, make_top(a, a->top_level));
}

/* ---- the live feed ---- */

static void feed_add(TuiApp *a, const TuiFeedItem *it)
{
    if (a->nfeed == FEED_MAX) {
        memmove(a->feed, a->feed + 1, (FEED_MAX - 1) * sizeof *a->feed);
        a->nfeed--;
    }
    a->feed[a->nfeed++] = *it;
}

/* Reads new events and refreshes the screens if the data changed (or `force`). */
static void poll_data(TuiApp *a, bool force)
{
    TuiSource *s = a->cfg.source;
    ErrBuf err = {{0}};
    uint64_t v;
    if (s->ops->version(s, &v, &err) != ALLOT_OK) {
        set_status(a, true, "%s", err.msg);
        return;
    }
    bool changed = !a->have_version || v != a->version;
    a->version = v;
    a->have_version = true;
    if (!changed && !force)
        return;
    int64_t max = 0;
    if (s->ops->max_event_id(s, &max, &err) != ALLOT_OK) {
        set_status(a, true, "%s", err.msg);
        return;
    }
    if (a->paused) {
        a->paused_new = max - a->last_id;
    } else if (max > a->last_id) {
        if (max - a->last_id > FEED_MAX)
            a->last_id = max - FEED_MAX;
        TuiFeedVec fv = {0};
        if (s->ops->events_since(s, a->last_id, FEED_MAX, &fv, &err) == ALLOT_OK) {
            for (size_t i = 0; i < fv.len; i++) {
                feed_add(a, &fv.items[i]);
                a->last_id = fv.items[i].id;
            }
        } else {
            set_status(a, true, "%s", err.msg);
        }
        tui_feed_fini(&fv);
    }
    if (changed || force) {
        for (int i = 0; i < a->depth - 1; i++)
            a->stack[i]->stale = true;
        if (top(a))
            top(a)->ops->on_event(top(a), TV_DATA_CHANGED);
    }
    a->dirty = true;
}

/* ---- commands ---- */

static void describe_command(const Command *c, const TuiBatchInfo *b, char *buf, size_t size)
{
    char d1[ALLOT_DATE_TEXT], d2[ALLOT_DATE_TEXT];
    switch (c->type) {
    case CMD_CHANGE_BATCH_QTY:
        if (b && b->ref[0])
            snprintf(buf, size, "Change quantity of %s: %lld → %lld", c->ref, (long long)b->qty,
                     (long long)c->qty);
        else
            snprintf(buf, size, "Change quantity of %s to %lld", c->ref, (long long)c->qty);
        break;
    case CMD_CHANGE_BATCH_ETA:
        if (b && b->ref[0])
            snprintf(buf, size, "Set ETA of %s: %s → %s", c->ref, date_format(b->eta, d1),
                     date_format(c->eta, d2));
        else
            snprintf(buf, size, "Set ETA of %s to %s", c->ref, date_format(c->eta, d2));
        break;
    case CMD_CANCEL_LINE:
        snprintf(buf, size, "Cancel order line %s %s", c->orderid, c->sku);
        break;
    case CMD_ALLOCATE:
        snprintf(buf, size, "Allocate %s %s ×%lld", c->orderid, c->sku, (long long)c->qty);
        break;
    case CMD_CREATE_BATCH:
        snprintf(buf, size, "Add batch %s %s ×%lld", c->ref, c->sku, (long long)c->qty);
        break;
    default:
        snprintf(buf, size, "%s", command_type_name(c->type));
    }
}

static void execute(TuiApp *a, const Command *cmd)
{
    if (!a->has_runner) {
        set_status(a, true, "read-only: commands are not available here");
        return;
    }
    CommandResult res;
    command_result_init(&res);
    ErrBuf err = {{0}};
    AllotStatus st = a->runner.run(a->runner.ctx, cmd, &res, &err);
    if (st != ALLOT_OK) {
        set_status(a, true, "%s", err.msg[0] ? err.msg : allot_status_message(st));
    } else if (res.events.len == 0) {
        set_status(a, false, "%s: nothing changed", command_type_name(cmd->type));
    } else {
        char d[200];
        event_describe(&res.events.items[res.events.len - 1], d, sizeof d);
        set_status(a, false, "%s done: %zu event%s, last: %s", command_type_name(cmd->type),
                   res.events.len, res.events.len == 1 ? "" : "s", d);
    }
    command_result_fini(&res);
    poll_data(a, true);
}

/* True if a line that holds a batch would move or be backordered. */
static bool displaces(const TuiPreview *pv)
{
    for (size_t i = 0; i < pv->len; i++)
        if (pv->moves[i].from[0] && strcmp(pv->moves[i].from, "(new)") != 0)
            return true;
    return false;
}

/* Previews `cmd`; asks if lines move (or always); else runs it.  Returns false
 * with the reason in `why` if the command would be refused. */
static bool submit(TuiApp *a, const Command *cmd, bool always_confirm, const TuiBatchInfo *b,
                   char *why, size_t whysize)
{
    if (!a->has_runner) {
        snprintf(why, whysize, "read-only: commands are not available here");
        return false;
    }
    bool previewable = cmd->type == CMD_CHANGE_BATCH_QTY || cmd->type == CMD_CHANGE_BATCH_ETA ||
                       cmd->type == CMD_CANCEL_LINE || cmd->type == CMD_ALLOCATE;
    if (!previewable) {
        execute(a, cmd);
        return true;
    }
    ErrBuf err = {{0}};
    tui_preview_fini(&a->confirm.pv);
    tui_preview_init(&a->confirm.pv);
    AllotStatus st = a->runner.preview(a->runner.ctx, cmd, &a->confirm.pv, &err);
    if (st != ALLOT_OK) {
        snprintf(why, whysize, "%s", err.msg[0] ? err.msg : allot_status_message(st));
        return false;
    }
    if (always_confirm || displaces(&a->confirm.pv)) {
        a->confirm.kind = C_COMMAND;
        a->confirm.cmd = *cmd;
        a->confirm.scroll = 0;
        describe_command(cmd, b, a->confirm.title, sizeof a->confirm.title);
        a->dirty = true;
        return true;
    }
    execute(a, cmd);
    return true;
}

/* ---- prompt and forms ---- */

static void open_prompt(TuiApp *a, PromptKind kind, const char *label)
{
    memset(&a->prompt, 0, sizeof a->prompt);
    a->prompt.kind = kind;
    snprintf(a->prompt.label, sizeof a->prompt.label, "%s", label);
    a->dirty = true;
}

static void open_form(TuiApp *a, const TuiReaction *r)
{
    char label[240], d[ALLOT_DATE_TEXT];
    switch (r->form) {
    case FORM_FILTER:
        snprintf(label, sizeof label, "Filter (part of an id, empty = all): ");
        break;
    case FORM_CHANGE_QTY:
        snprintf(label, sizeof label, "New quantity of %s (now %lld, %lld allocated): ",
                 r->batch.ref, (long long)r->batch.qty, (long long)r->batch.allocated);
        break;
    case FORM_SET_ETA:
        snprintf(label, sizeof label, "ETA of %s (now %s; YYYY-MM-DD, - = in warehouse): ",
                 r->batch.ref, date_format(r->batch.eta, d));
        break;
    case FORM_DELAY:
        snprintf(label, sizeof label, "Delay %s (ETA %s) by how many days: ", r->batch.ref,
                 date_format(r->batch.eta, d));
        break;
    case FORM_ALLOCATE:
        snprintf(label, sizeof label, "Allocate%s%s%s%s — %s%sQTY: ", r->orderid[0] ? " order " : "",
                 r->orderid, r->sku[0] ? " " : "", r->sku, r->orderid[0] ? "" : "ORDERID ",
                 r->sku[0] ? "" : "SKU ");
        break;
    }
    open_prompt(a, P_FORM, label);
    a->prompt.form = r->form;
    a->prompt.list = r->list;
    a->prompt.batch = r->batch;
    snprintf(a->prompt.sku, sizeof a->prompt.sku, "%s", r->sku);
    snprintf(a->prompt.orderid, sizeof a->prompt.orderid, "%s", r->orderid);
    if (r->form == FORM_FILTER && r->list) {
        snprintf(a->prompt.text, sizeof a->prompt.text, "%s", r->list->q.filter);
        a->prompt.cur = strlen(a->prompt.text);
    }
}

static void close_prompt(TuiApp *a)
{
    a->prompt.kind = P_NONE;
    a->dirty = true;
}

/* Runs the `:` line.  Returns false (error in prompt.error) to keep it open. */
static bool run_command_line(TuiApp *a, const char *line)
{
    TokenList toks;
    token_list_init(&toks);
    ParsedCommand pc;
    ErrBuf err = {{0}};
    bool ok = true;
    AllotStatus st = command_parse_line(line, &toks, &pc, &err);
    if (st != ALLOT_OK) {
        snprintf(a->prompt.error, sizeof a->prompt.error, "%s", err.msg);
        ok = false;
    } else if (!pc.spec) {
        ok = true; /* empty line */
    } else if (command_is_bus(pc.spec)) {
        ok = submit(a, &pc.cmd, false, NULL, a->prompt.error, sizeof a->prompt.error);
    } else if (pc.spec->tool == TOOL_DEMO && a->cfg.load_demo) {
        close_prompt(a);
        a->confirm.kind = C_DEMO;
        snprintf(a->confirm.title, sizeof a->confirm.title, "Load the demo dataset?");
    } else if (pc.spec->tool == TOOL_HELP) {
        const char *name = top(a)->ops->name;
        if (a->cfg.external_help) /* `:help allocate` shows that command's section */
            snprintf(a->help_topic, sizeof a->help_topic, "%s",
                     pc.values[0] ? pc.values[0]
                     : strcmp(name, "batch") == 0 ? "batches"
                                                  : name);
        else if (strcmp(name, "help") != 0)
            push(a, tui_view_help(&a->env, name));
    } else {
        snprintf(a->prompt.error, sizeof a->prompt.error,
                 "%s runs from the command line: allot %s", pc.spec->name, line);
        ok = false;
    }
    token_list_fini(&toks);
    return ok;
}

static bool submit_form(TuiApp *a)
{
    Prompt *p = &a->prompt;
    ErrBuf err = {{0}};
    const TuiBatchInfo *b = &p->batch;
    switch (p->form) {
    case FORM_FILTER:
        if (p->list) {
            AllotId id;
            if (p->text[0] && validate_id(p->text, "filter", id, &err) != ALLOT_OK) {
                snprintf(p->error, sizeof p->error, "%s", err.msg);
                return false;
            }
            tui_list_set_filter(p->list, p->text[0] ? id : "");
            set_status(a, false, p->text[0] ? "filtered: %s" : "filter cleared%s",
                       p->text[0] ? id : "");
        }
        return true;
    case FORM_CHANGE_QTY: {
        int64_t q;
        if (validate_batch_qty(p->text, &q, &err) != ALLOT_OK) {
            snprintf(p->error, sizeof p->error, "%s", err.msg);
            return false;
        }
        Command c = command_change_batch_qty(b->ref, q);
        return submit(a, &c, false, b, p->error, sizeof p->error);
    }
    case FORM_SET_ETA: {
        int32_t eta;
        if (validate_eta(p->text, &eta, &err) != ALLOT_OK) {
            snprintf(p->error, sizeof p->error, "%s", err.msg);
            return false;
        }
        Command c = command_change_batch_eta(b->ref, eta);
        return submit(a, &c, false, b, p->error, sizeof p->error);
    }
    case FORM_DELAY: {
        int64_t days;
        if (validate_int(p->text, "days", 1, 3650, &days, &err) != ALLOT_OK) {
            snprintf(p->error, sizeof p->error, "%s", err.msg);
            return false;
        }
        Command c = command_change_batch_eta(b->ref, b->eta + (int32_t)days);
        return submit(a, &c, false, b, p->error, sizeof p->error);
    }
    case FORM_ALLOCATE: {
        TokenList t;
        token_list_init(&t);
        bool ok = false;
        /* the values the screen did not give, in the CLI's order */
        bool need_order = !p->orderid[0], need_sku = !p->sku[0];
        size_t want = 1 + need_order + need_sku;
        char expect[64];
        snprintf(expect, sizeof expect, "%s%sQTY", need_order ? "ORDERID " : "",
                 need_sku ? "SKU " : "");
        if (command_tokenize(p->text, false, &t, &err) != ALLOT_OK) {
            snprintf(p->error, sizeof p->error, "%s", err.msg);
        } else if (t.len != want) {
            snprintf(p->error, sizeof p->error, "expected %s, got %zu value%s", expect, t.len,
                     t.len == 1 ? "" : "s");
        } else {
            AllotId orderid, sku;
            int64_t q;
            size_t i = 0;
            const char *o_text = need_order ? t.items[i++] : p->orderid;
            const char *s_text = need_sku ? t.items[i++] : p->sku;
            if (validate_id(o_text, "orderid", orderid, &err) != ALLOT_OK ||
                validate_id(s_text, "sku", sku, &err) != ALLOT_OK ||
                validate_line_qty(t.items[i], &q, &err) != ALLOT_OK) {
                snprintf(p->error, sizeof p->error, "%s", err.msg);
            } else {
                Command c = command_allocate(orderid, sku, q);
                ok = submit(a, &c, false, NULL, p->error, sizeof p->error);
            }
        }
        token_list_fini(&t);
        return ok;
    }
    }
    return true;
}

/* Tab in the `:` prompt: completes the command name, or a SKU / reference / order
 * id by the argument the token fills. */
static void complete(TuiApp *a)
{
    Prompt *p = &a->prompt;
    char head[256];
    snprintf(head, sizeof head, "%.*s", (int)p->cur, p->text);
    TokenList t;
    token_list_init(&t);
    ErrBuf err = {{0}};
    p->hint[0] = 0;
    if (command_tokenize(head, true, &t, &err) != ALLOT_OK || t.open_quote) {
        token_list_fini(&t);
        return;
    }
    size_t index = t.trailing_blank || t.len == 0 ? t.len : t.len - 1;
    const char *prefix = index < t.len ? t.items[index] : "";
    char **cands = NULL;
    size_t n = 0, cap = 0;
    if (index == 0) {
        const CommandSpec *specs[16];
        size_t m = command_complete(prefix, specs, 16);
        for (size_t i = 0; i < m && i < 16; i++) {
            if (n == cap)
                cands = xreallocarray(cands, cap = cap ? cap * 2 : 16, sizeof *cands);
            cands[n++] = xstrdup(specs[i]->name);
        }
    } else {
        const CommandSpec *spec = command_lookup(t.items[0]);
        const ArgSpec *arg = spec ? command_arg_for_token(spec, &t, index) : NULL;
        int kind = !arg ? -1
                   : arg->kind == ARG_SKU     ? TC_SKU
                   : arg->kind == ARG_REF     ? TC_REF
                   : arg->kind == ARG_ORDERID ? TC_ORDERID
                                              : -1;
        if (kind >= 0) {
            if (a->cfg.source->ops->complete(a->cfg.source, (TuiCompleteKind)kind, prefix, 32,
                                             &cands, &n, &err) != ALLOT_OK)
                snprintf(p->error, sizeof p->error, "%s", err.msg);
        } else if (arg && arg->kind == ARG_CHOICE && arg->choices) {
            char buf[128];
            snprintf(buf, sizeof buf, "%s", arg->choices);
            for (char *w = strtok(buf, "|"); w; w = strtok(NULL, "|"))
                if (strncmp(w, prefix, strlen(prefix)) == 0) {
                    if (n == cap)
                        cands = xreallocarray(cands, cap = cap ? cap * 2 : 16, sizeof *cands);
                    cands[n++] = xstrdup(w);
                }
        } else if (arg) {
            snprintf(p->hint, sizeof p->hint, "%s: type it", arg->name);
        }
    }
    if (n > 0) {
        /* the longest common prefix of the candidates */
        size_t common = strlen(cands[0]);
        for (size_t i = 1; i < n; i++) {
            size_t k = 0;
            while (k < common && cands[i][k] == cands[0][k])
                k++;
            common = k;
        }
        size_t plen = strlen(prefix);
        char add[256];
        if (common > plen) {
            snprintf(add, sizeof add, "%.*s%s", (int)(common - plen), cands[0] + plen,
                     n == 1 ? " " : "");
        } else {
            add[0] = 0;
            if (n == 1)
                snprintf(add, sizeof add, " ");
        }
        size_t al = strlen(add), tl = strlen(p->text);
        if (al && tl + al < sizeof p->text) {
            memmove(p->text + p->cur + al, p->text + p->cur, tl - p->cur + 1);
            memcpy(p->text + p->cur, add, al);
            p->cur += al;
        }
        if (n > 1) {
            size_t o = 0;
            o += (size_t)snprintf(p->hint, sizeof p->hint, "%zu:", n);
            for (size_t i = 0; i < n && o < sizeof p->hint - 1; i++)
                o += (size_t)snprintf(p->hint + o, sizeof p->hint - o, " %s", cands[i]);
        }
    } else if (!p->hint[0]) {
        snprintf(p->hint, sizeof p->hint, "no completion");
    }
    tui_strings_free(cands, n);
    token_list_fini(&t);
}

static void utf8_encode(int cp, char out[5])
{
    memset(out, 0, 5);
    if (cp < 0x80) {
        out[0] = (char)cp;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
    }
}

static void prompt_key(TuiApp *a, int key)
{
    Prompt *p = &a->prompt;
    size_t len = strlen(p->text);
    a->dirty = true;
    switch (key) {
    case TK_ESC:
    case TK_CTRL_C:
        close_prompt(a);
        return;
    case TK_ENTER: {
        p->error[0] = 0;
        bool ok = p->kind == P_COMMAND ? run_command_line(a, p->text) : submit_form(a);
        if (ok && a->prompt.kind != P_NONE)
            close_prompt(a);
        return;
    }
    case TK_TAB:
        if (p->kind == P_COMMAND)
            complete(a);
        return;
    case TK_BACKSPACE:
    case TK_BACKSPACE_ASCII:
    case 127:
        if (p->cur > 0) {
            size_t s = p->cur - 1;
            while (s > 0 && ((unsigned char)p->text[s] & 0xC0) == 0x80)
                s--;
            memmove(p->text + s, p->text + p->cur, len - p->cur + 1);
            p->cur = s;
        } else if (len == 0) {
            close_prompt(a);
        }
        return;
    case TK_DELETE:
        if (p->cur < len) {
            size_t e = p->cur + 1;
            while (e < len && ((unsigned char)p->text[e] & 0xC0) == 0x80)
                e++;
            memmove(p->text + p->cur, p->text + e, len - e + 1);
        }
        return;
    case TK_LEFT:
        while (p->cur > 0) {
            p->cur--;
            if (((unsigned char)p->text[p->cur] & 0xC0) != 0x80)
                break;
        }
        return;
    case TK_RIGHT:
        while (p->cur < len) {
            p->cur++;
            if (((unsigned char)p->text[p->cur] & 0xC0) != 0x80)
                break;
        }
        return;
    case TK_HOME:
        p->cur = 0;
        return;
    case TK_END:
        p->cur = len;
        return;
    case TK_CTRL_U:
        p->text[0] = 0;
        p->cur = 0;
        return;
    default:
        break;
    }
    if (key < 32 || key == 127 || key >= TK_SPECIAL)
        return;
    char u[5];
    utf8_encode(key, u);
    size_t ul = strlen(u);
    if (len + ul >= sizeof p->text)
        return;
    memmove(p->text + p->cur + ul, p->text + p->cur, len - p->cur + 1);
    memcpy(p->text + p->cur, u, ul);
    p->cur += ul;
    p->error[0] = 0;
}

/* ---- confirmation ---- */

static void confirm_key(TuiApp *a, int key)
{
    a->dirty = true;
    size_t page = (size_t)(main_h(a) > 5 ? main_h(a) - 4 : 1);
    if (key == 'j' || key == TK_DOWN || key == TK_PGDN) {
        size_t step = key == TK_PGDN ? page : 1;
        if (a->confirm.scroll + page < a->confirm.pv.len)
            a->confirm.scroll += step;
        if (a->confirm.scroll + page > a->confirm.pv.len && a->confirm.pv.len > page)
            a->confirm.scroll = a->confirm.pv.len - page;
        return;
    }
    if (key == 'k' || key == TK_UP || key == TK_PGUP) {
        size_t step = key == TK_PGUP ? page : 1;
        a->confirm.scroll = a->confirm.scroll > step ? a->confirm.scroll - step : 0;
        return;
    }
    if (key == 'y' || key == 'Y') {
        ConfirmKind k = a->confirm.kind;
        a->confirm.kind = C_NONE;
        if (k == C_COMMAND) {
            Command c = a->confirm.cmd;
            execute(a, &c);
        } else if (k == C_DEMO && a->cfg.load_demo) {
            ErrBuf err = {{0}};
            if (a->cfg.load_demo(a->cfg.load_demo_ctx, &err) != ALLOT_OK)
                set_status(a, true, "demo: %s", err.msg);
            else
                set_status(a, false, "demo dataset loaded");
            poll_data(a, true);
        }
    } else if (key == 'n' || key == 'N' || key == TK_ESC || key == 'q' || key == TK_CTRL_C) {
        a->confirm.kind = C_NONE;
        set_status(a, false, "cancelled: nothing changed");
    }
}

/* ---- dispatch ---- */

static void apply(TuiApp *a, TuiReaction *r)
{
    if (r->status[0])
        set_status(a, r->status_error, "%s", r->status);
    switch (r->request) {
    case REQ_PUSH:
        push(a, r->push);
        break;
    case REQ_BACK:
        pop(a);
        break;
    case REQ_FORM:
        open_form(a, r);
        break;
    case REQ_COMMAND: {
        char why[ALLOT_ERR_MAX] = "";
        if (!submit(a, &r->cmd, r->always_confirm, &r->batch, why, sizeof why))
            set_status(a, true, "%s", why);
        break;
    }
    case REQ_NONE:
        break;
    }
    a->dirty = true;
}

static void global_action(TuiApp *a, TuiAction act)
{
    a->dirty = true;
    switch (act) {
    case TA_QUIT: a->done = true; break;
    case TA_BACK: pop(a); break;
    case TA_NEXT_SCREEN: go_top(a, a->top_level + 1); break;
    case TA_PREV_SCREEN: go_top(a, a->top_level - 1); break;
    case TA_SCREEN_TRIAGE: go_top(a, 0); break;
    case TA_SCREEN_PRODUCTS: go_top(a, 1); break;
    case TA_SCREEN_BATCHES: go_top(a, 2); break;
    case TA_SCREEN_BACKORDERS: go_top(a, 3); break;
    case TA_SCREEN_EVENTS: go_top(a, 4); break;
    case TA_HELP: {
        const char *name = top(a)->ops->name;
        if (a->cfg.external_help) /* help pages are named after the screens */
            snprintf(a->help_topic, sizeof a->help_topic, "%s",
                     strcmp(name, "batch") == 0 ? "batches" : name);
        else if (strcmp(name, "help") != 0)
            push(a, tui_view_help(&a->env, name));
        break;
    }
    case TA_PROMPT: open_prompt(a, P_COMMAND, ":"); break;
    case TA_WHATIF:
        set_status(a, false, "what-if sessions are not available yet (allot whatif FILE works)");
        break;
    case TA_PAUSE_FEED:
        a->paused = !a->paused;
        a->paused_new = 0;
        if (!a->paused)
            poll_data(a, true);
        set_status(a, false, a->paused ? "live feed paused (p resumes)" : "live feed resumed");
        break;
    case TA_REDRAW: break;
    default: break;
    }
}

static void key_input(TuiApp *a, int key)
{
    if (a->confirm.kind != C_NONE) {
        confirm_key(a, key);
        return;
    }
    if (a->prompt.kind != P_NONE) {
        prompt_key(a, key);
        return;
    }
    if (key == TK_CTRL_C) {
        a->done = true;
        return;
    }
    if (too_small(a)) {
        if (key == 'Q' || key == 'q')
            a->done = true;
        return;
    }
    if (tui_count_feed(&a->count, key)) {
        a->dirty = true;
        return;
    }
    TuiView *v = top(a);
    TuiAction act = tui_keymap_lookup(v->keys, key);
    if (act == TA_NONE && v->uses_list)
        act = tui_keymap_lookup(tui_keymap_list(), key);
    if (act == TA_NONE)
        act = tui_keymap_lookup(tui_keymap_global(), key);
    int64_t count = tui_count_take(&a->count, 0);
    if (act == TA_NONE) {
        char kn[16];
        set_status(a, false, "%s: no such key here (? lists the keys)",
                   tui_key_name(key, kn, sizeof kn));
        return;
    }
    a->status[0] = 0;
    TuiReaction r = v->ops->on_key(v, act, count);
    if (r.handled)
        apply(a, &r);
    else
        global_action(a, act);
    a->dirty = true;
}

void tui_app_input(TuiApp *a, const TuiInput *in)
{
    switch (in->type) {
    case TI_KEY:
        key_input(a, in->key);
        break;
    case TI_RESIZE:
        a->rows = in->rows;
        a->cols = in->cols;
        for (int i = 0; i < a->depth; i++)
            size_view(a, a->stack[i]);
        a->dirty = true;
        break;
    case TI_TICK: {
        /* past midnight (UTC): "today" and "due in 14 days" move on */
        int32_t today = date_from_unix(a->cfg.clock->now(a->cfg.clock));
        if (today != a->env.today && a->confirm.kind == C_NONE && a->prompt.kind == P_NONE) {
            a->env.today = today;
            go_top(a, a->top_level);
        }
        poll_data(a, false);
        break;
    }
    }
}

void tui_app_type(TuiApp *a, const char *keys)
{
    while (*keys) {
        unsigned char c = (unsigned char)*keys;
        int cp;
        size_t n = 1;
        if (c < 0x80) {
            cp = c;
        } else {
            /* decode UTF-8 */
            int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
            cp = c & (0x3F >> extra);
            for (int i = 1; i <= extra && keys[i]; i++, n++)
                cp = (cp << 6) | (keys[i] & 0x3F);
        }
        TuiInput in = {.type = TI_KEY, .key = cp};
        tui_app_input(a, &in);
        keys += n;
    }
}

/* ---- drawing ---- */

static void draw_small(TuiApp *a, TuiCanvas *c)
{
    char l1[120], l2[120];
    snprintf(l1, sizeof l1, "allot needs at least %d×%d; this terminal is %d×%d.", TUI_MIN_COLS,
             TUI_MIN_ROWS, a->cols, a->rows);
    snprintf(l2, sizeof l2, "Please enlarge it, or press Q to quit.");
    const char *lines[2] = {l1, l2};
    /* wrap each line to the width, word by word */
    int y = 0;
    for (int i = 0; i < 2 && y < c->rows; i++) {
        const char *s = lines[i];
        while (*s && y < c->rows) {
            char buf[128];
            int n = 0, last_space = -1, w = 0;
            while (s[n] && w < c->cols) {
                if (s[n] == ' ')
                    last_space = n;
                if (((unsigned char)s[n] & 0xC0) != 0x80)
                    w++;
                n++;
            }
            while (((unsigned char)s[n] & 0xC0) == 0x80)
                n++;
            if (s[n] && last_space > 0)
                n = last_space;
            snprintf(buf, sizeof buf, "%.*s", n, s);
            tui_canvas_text(c, y++, 0, c->cols, buf, i ? TS_DIM : TS_NORMAL, false);
            s += n;
            while (*s == ' ')
                s++;
        }
    }
    c->ops->cursor(c, -1, -1);
}

static void draw_topbar(TuiApp *a, TuiCanvas *c)
{
    tui_canvas_text(c, 0, 0, c->cols, "", TS_TITLE, true);
    int x = tui_canvas_text(c, 0, 0, c->cols, " allot │", TS_TITLE, false);
    for (int i = 0; i < NTOP; i++) {
        char t[40];
        bool cur = i == a->top_level;
        snprintf(t, sizeof t, cur ? " [%s]" : "  %s ", top_names[i]);
        x += tui_canvas_text(c, 0, x, c->cols - x, t, cur ? TS_TAB : TS_TITLE, false);
    }
    if (a->cfg.db_label) {
        char t[200];
        snprintf(t, sizeof t, "│ %s ", a->cfg.db_label);
        int w = tui_text_width(t);
        if (x + 2 + w <= c->cols)
            tui_canvas_text(c, 0, c->cols - w, w, t, TS_TITLE, false);
    }
}

static void draw_banner(TuiApp *a, TuiCanvas *c)
{
    if (a->banner[0]) {
        tui_canvas_text(c, 1, 0, c->cols, a->banner, TS_BANNER, true);
        return;
    }
    char crumb[512] = "", t[160];
    size_t o = 0;
    for (int i = 0; i < a->depth; i++) {
        a->stack[i]->ops->title(a->stack[i], t, sizeof t);
        o += (size_t)snprintf(crumb + o, sizeof crumb - o, "%s%s", i ? " › " : " ", t);
        if (o >= sizeof crumb)
            break;
    }
    TuiList *l = top(a)->ops->list(top(a));
    if (l && o < sizeof crumb) {
        o += (size_t)snprintf(crumb + o, sizeof crumb - o, "   sort: %s", tui_list_sort_name(l));
        if (l->q.filter[0] && o < sizeof crumb)
            snprintf(crumb + o, sizeof crumb - o, "   filter: \"%s\"", l->q.filter);
    }
    int64_t n;
    if (tui_view_events_paused(top(a), &n)) {
        size_t len = strlen(crumb);
        snprintf(crumb + len, sizeof crumb - len, "   PAUSED: %lld new (g: newest)", (long long)n);
    }
    tui_canvas_text(c, 1, 0, c->cols, crumb, TS_DIM, true);
}

static void draw_confirm(TuiApp *a, TuiCanvas *c)
{
    int y = main_y(), h = main_h(a), w = c->cols;
    for (int i = 0; i < h; i++)
        tui_canvas_text(c, y + i, 0, w, "", TS_NORMAL, true);
    char line[512];
    snprintf(line, sizeof line, "%s", a->confirm.title);
    tui_canvas_text(c, y, 0, w, line, TS_HEADER, true);
    int row = y + 1;
    if (a->confirm.kind == C_COMMAND) {
        const TuiPreview *pv = &a->confirm.pv;
        if (pv->len == 0)
            snprintf(line, sizeof line, "No order line changes place.");
        else
            snprintf(line, sizeof line, "%zu order line%s change place (%lld to the backorders):",
                     pv->len, pv->len == 1 ? "" : "s", (long long)pv->backordered);
        tui_canvas_text(c, row++, 0, w, line, TS_NORMAL, true);
        int room = h - 3; /* title, count, question */
        size_t first = a->confirm.scroll;
        for (size_t i = first; i < pv->len && room > 0; i++, room--) {
            const TuiMove *m = &pv->moves[i];
            if (room == 1 && i + 1 < pv->len) {
                snprintf(line, sizeof line, "  … and %zu more (j/k scroll)", pv->len - i);
                tui_canvas_text(c, row++, 0, w, line, TS_DIM, true);
                break;
            }
            char qty[32];
            snprintf(qty, sizeof qty, "×%lld", (long long)m->qty);
            char ord[40], sku[40], q[16], from[40], to[40];
            tui_text_fit(m->orderid, 16, true, false, ord, sizeof ord);
            tui_text_fit(m->sku, 14, true, false, sku, sizeof sku);
            tui_text_fit(qty, 8, true, true, q, sizeof q);
            tui_text_fit(m->from[0] ? m->from : "BACKORDER", 14, true, false, from, sizeof from);
            tui_text_fit(m->to[0] ? m->to : "BACKORDER", 14, false, false, to, sizeof to);
            snprintf(line, sizeof line, "  %s %s %s  %s → %s", ord, sku, q, from, to);
            tui_canvas_text(c, row++, 0, w, line, m->to[0] ? TS_NORMAL : TS_WARN, true);
        }
    } else {
        tui_canvas_text(c, row++, 0, w, "The database is empty.", TS_NORMAL, true);
    }
    tui_canvas_text(c, y + h - 1, 0, w, "Apply? y = yes, n = no", TS_KEY, true);
}

static void draw_feed(TuiApp *a, TuiCanvas *c)
{
    int y = c->rows - 2 - FEED_H;
    char title[160];
    if (a->paused)
        snprintf(title, sizeof title, "── Live events ── PAUSED: %lld new (p resumes) ",
                 (long long)a->paused_new);
    else
        snprintf(title, sizeof title, "── Live events (p pauses) ");
    char line[1024];
    size_t tl = strlen(title);
    snprintf(line, sizeof line, "%s", title);
    for (int w = tui_text_width(title); w < c->cols && tl + 4 < sizeof line; w++)
        tl += (size_t)snprintf(line + tl, sizeof line - tl, "─");
    tui_canvas_text(c, y, 0, c->cols, line, TS_HEADER, true);
    for (int i = 0; i < FEED_H - 1; i++) {
        int idx = a->nfeed - 1 - i;
        if (idx < 0) {
            if (i == 0)
                tui_canvas_text(c, y + 1, 0, c->cols, "  (no events yet)", TS_DIM, true);
            continue;
        }
        TuiRow r;
        memset(&r, 0, sizeof r);
        tui_row_event(&r, &a->feed[idx], a->env.today);
        bool warn = r.flags & TUI_ROW_WARN_EVENT;
        snprintf(line, sizeof line, "%s %-11s %-7s %-20s %s", warn ? "!" : " ", r.cells[1],
                 r.cells[0], r.cells[2], r.cells[3]);
        tui_canvas_text(c, y + 1 + i, 0, c->cols, line, warn ? TS_WARN : TS_NORMAL, true);
    }
}

static void draw_bottom(TuiApp *a, TuiCanvas *c)
{
    int ys = c->rows - 2, yf = c->rows - 1;
    const Prompt *p = &a->prompt;
    if (p->kind != P_NONE) {
        char line[512];
        snprintf(line, sizeof line, "%s%s", p->label, p->text);
        tui_canvas_text(c, ys, 0, c->cols, line, TS_INPUT, true);
        char head[512];
        snprintf(head, sizeof head, "%s%.*s", p->label, (int)p->cur, p->text);
        int cx = tui_text_width(head);
        if (p->error[0])
            tui_canvas_text(c, yf, 0, c->cols, p->error, TS_ERROR, true);
        else if (p->hint[0])
            tui_canvas_text(c, yf, 0, c->cols, p->hint, TS_DIM, true);
        else
            tui_canvas_text(c, yf, 0, c->cols,
                            p->kind == P_COMMAND ? "Enter run  Tab complete  Esc cancel"
                                                 : "Enter ok  Esc cancel",
                            TS_KEY, true);
        c->ops->cursor(c, ys, cx < c->cols ? cx : c->cols - 1);
        return;
    }
    c->ops->cursor(c, -1, -1);
    if (a->count.value) {
        char t[64];
        snprintf(t, sizeof t, "count %lld…", (long long)a->count.value);
        tui_canvas_text(c, ys, 0, c->cols, t, TS_INPUT, true);
    } else {
        tui_canvas_text(c, ys, 0, c->cols, a->status,
                        a->status_error ? TS_ERROR : TS_NORMAL, true);
    }
    const TuiKeymap *maps[3] = {top(a)->keys, top(a)->uses_list ? tui_keymap_list() : NULL,
                                tui_keymap_global()};
    char foot[1024];
    tui_keymap_footer(maps, 3, foot, sizeof foot);
    tui_canvas_text(c, yf, 0, c->cols, foot, TS_KEY, true);
}

void tui_app_draw(TuiApp *a, TuiCanvas *c)
{
    c->ops->clear(c);
    a->dirty = false;
    if (too_small(a) || c->rows < TUI_MIN_ROWS || c->cols < TUI_MIN_COLS) {
        draw_small(a, c);
        return;
    }
    draw_topbar(a, c);
    draw_banner(a, c);
    if (a->confirm.kind != C_NONE)
        draw_confirm(a, c);
    else
        top(a)->ops->draw(top(a), c, main_y(), 0, main_h(a), c->cols);
    draw_feed(a, c);
    draw_bottom(a, c);
}

/* ---- the default runner: the bus ---- */

static AllotStatus bus_run(void *ctx, const Command *cmd, CommandResult *res, ErrBuf *err)
{
    TuiApp *a = ctx;
    return bus_handle(a->cfg.bus, cmd, res, err);
}

static AllotStatus bus_preview(void *ctx, const Command *cmd, TuiPreview *out, ErrBuf *err)
{
    TuiApp *a = ctx;
    return tui_preview_command(bus_deps(a->cfg.bus)->uow, cmd, a->cfg.clock, out, err);
}

void tui_app_set_runner(TuiApp *a, const TuiRunner *runner)
{
    if (runner) {
        a->runner = *runner;
        a->has_runner = true;
    } else {
        a->runner = (TuiRunner){bus_run, bus_preview, a};
        a->has_runner = a->cfg.bus != NULL;
    }
}

void tui_app_set_source(TuiApp *a, TuiSource *src)
{
    a->cfg.source = src;
    a->env.src = src;
    int top_level = a->top_level;
    go_top(a, top_level); /* screens hold the source: rebuild them */
    a->have_version = false;
    poll_data(a, true);
}

bool tui_app_take_help(TuiApp *a, char *topic, size_t size)
{
    if (!a->help_topic[0])
        return false;
    snprintf(topic, size, "%s", a->help_topic);
    a->help_topic[0] = 0;
    return true;
}

/* ---- life ---- */

TuiApp *tui_app_new(const TuiAppConfig *cfg, int rows, int cols)
{
    TuiApp *a = xcalloc(1, sizeof *a);
    a->cfg = *cfg;
    if (!a->cfg.clock)
        a->cfg.clock = clock_system();
    a->rows = rows;
    a->cols = cols;
    a->env.src = cfg->source;
    tui_app_set_runner(a, cfg->runner);
    a->env.today = date_from_unix(a->cfg.clock->now(a->cfg.clock));
    tui_preview_init(&a->confirm.pv);
    /* show the last few events already in the log */
    int64_t max = 0;
    ErrBuf err = {{0}};
    if (cfg->source->ops->max_event_id(cfg->source, &max, &err) == ALLOT_OK)
        a->last_id = max > FEED_MAX ? max - FEED_MAX : 0;
    go_top(a, 0);
    poll_data(a, false);
    bool empty = false;
    if (cfg->source->ops->is_empty(cfg->source, &empty, &err) == ALLOT_OK && empty) {
        if (cfg->load_demo) {
            a->confirm.kind = C_DEMO;
            snprintf(a->confirm.title, sizeof a->confirm.title,
                     "The database is empty. Load the demo dataset?");
        } else {
            set_status(a, false,
                       "The database is empty: run `allot demo` to load the demo dataset");
        }
    }
    a->dirty = true;
    return a;
}

void tui_app_free(TuiApp *a)
{
    if (!a)
        return;
    clear_stack(a);
    tui_preview_fini(&a->confirm.pv);
    free(a);
}

bool tui_app_dirty(const TuiApp *a) { return a->dirty; }
bool tui_app_done(const TuiApp *a) { return a->done; }

void tui_app_set_status(TuiApp *a, bool error, const char *text)
{
    set_status(a, error, "%s", text);
}

void tui_app_set_banner(TuiApp *a, const char *text)
{
    snprintf(a->banner, sizeof a->banner, "%s", text ? text : "");
    a->dirty = true;
}

const char *tui_app_screen(const TuiApp *a) { return top(a)->ops->name; }
const char *tui_app_status(const TuiApp *a) { return a->status; }
bool tui_app_confirming(const TuiApp *a) { return a->confirm.kind != C_NONE; }
bool tui_app_prompting(const TuiApp *a) { return a->prompt.kind != P_NONE; }
