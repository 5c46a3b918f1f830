/* forms.c — the prompt's text, parsed and checked (forms.h). */
#include "tui/forms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/command_parse.h"
#include "tui/complete.h"
#include "tui/dates.h"
#include "tui/screens/screens.h"

void tui_form_open(const TuiReaction *r, TuiForm *f, char *label, size_t lsize, char *text,
                   size_t tsize)
{
    char d[ALLOT_DATE_TEXT];
    memset(f, 0, sizeof *f);
    f->kind = r->form;
    f->list = r->list;
    f->target = r->target;
    f->batch = r->batch;
    bool batch_form = r->form == FORM_CHANGE_QTY || r->form == FORM_SET_ETA || r->form == FORM_DELAY;
    f->marked = batch_form && r->list ? tui_list_marked(r->list) : 0;
    size_t m = f->marked;
    const char *es = m == 1 ? "" : "es";
    snprintf(f->sku, sizeof f->sku, "%s", r->sku);
    snprintf(f->orderid, sizeof f->orderid, "%s", r->orderid);
    text[0] = 0;
    const TuiBatchInfo *b = &r->batch;
    switch (r->form) {
    case FORM_COMMAND:
        snprintf(label, lsize, ":");
        break;
    case FORM_FILTER:
        snprintf(label, lsize, "Filter (words, sku:LAMP, state:SHORT, qty>=10, eta<+7d): ");
        if (r->list) {
            snprintf(text, tsize, "%s", r->list->q.filter);
            snprintf(f->old_filter, sizeof f->old_filter, "%s", r->list->q.filter);
        }
        break;
    case FORM_LIST_SEARCH:
        snprintf(label, lsize, "Find (part of an id, from the next row on): ");
        break;
    case FORM_CHANGE_QTY:
        if (m)
            snprintf(label, lsize, "New quantity of the %zu marked batch%s: ", m, es);
        else
            snprintf(label, lsize, "New quantity of %s (now %lld, %lld allocated): ", b->ref,
                     (long long)b->qty, (long long)b->allocated);
        break;
    case FORM_SET_ETA:
        if (m)
            snprintf(label, lsize, "ETA of the %zu marked batch%s (YYYY-MM-DD, today, +7d; - = in "
                     "warehouse): ", m, es);
        else {
            snprintf(label, lsize, "ETA of %s (YYYY-MM-DD, today, tomorrow, +7d; - = in "
                     "warehouse): ", b->ref);
            snprintf(text, tsize, "%s", b->eta == ALLOT_NO_ETA ? "-" : date_format(b->eta, d));
        }
        break;
    case FORM_DELAY:
        if (m)
            snprintf(label, lsize, "Delay the %zu marked batch%s by how many days (+7d, -3d, or to a date): ", m,
                     es);
        else
            snprintf(label, lsize, "Delay %s (ETA %s) by how many days (+7d, -3d, or to a date): ", b->ref,
                     date_format(b->eta, d));
        break;
    case FORM_ALLOCATE:
        snprintf(label, lsize, "Allocate%s%s%s%s — %s%sQTY: ", r->orderid[0] ? " order " : "",
                 r->orderid, r->sku[0] ? " " : "", r->sku, r->orderid[0] ? "" : "ORDERID ",
                 r->sku[0] ? "" : "SKU ");
        break;
    case FORM_SEARCH:
        snprintf(label, lsize, "/");
        break;
    case FORM_PROMISE:
        snprintf(label, lsize, "Promise a new line of %s — QTY (nothing changes): ", r->sku);
        break;
    }
}

/* Where the word being typed starts in `text`: after its last space outside quotes
 * (0 when it is the first). */
static size_t last_word_start(const char *text)
{
    size_t start = 0;
    bool quote = false;
    for (size_t i = 0; text[i]; i++) {
        quote ^= text[i] == '"';
        if (!quote && text[i] == ' ')
            start = i + 1;
    }
    return start;
}

bool tui_form_live(const TuiForm *f, const char *text, char *why, size_t size)
{
    if (f->kind != FORM_FILTER || !f->list)
        return true;
    if (tui_list_set_filter(f->list, text, why, size))
        return true;
    /* Not a filter yet: the term being typed is left out, so the list shows the
       filter of the complete words before it, not what a half-typed term's first
       letters matched as a word ("eta<banana" lists what "" lists, not "eta"). */
    char before[TUI_FILTER_MAX], ignored[ALLOT_ERR_MAX];
    size_t n = last_word_start(text);
    while (n && text[n - 1] == ' ')
        n--;
    if (n < sizeof before) {
        memcpy(before, text, n);
        before[n] = 0;
        if (strcmp(before, f->list->q.filter) != 0)
            (void)tui_list_set_filter(f->list, before, ignored, sizeof ignored);
    }
    return false;
}

void tui_form_cancel(const TuiForm *f)
{
    char why[ALLOT_ERR_MAX];
    if (f->kind == FORM_FILTER && f->list && strcmp(f->list->q.filter, f->old_filter) != 0)
        tui_list_set_filter(f->list, f->old_filter, why, sizeof why);
}

/* The prompt's own commands (complete.h tui_prompt_command): one argument each. */
static bool prompt_command(TuiPromptCommand pc, const TokenList *t, TuiReaction *out, char *why,
                           size_t size)
{
    static const char *const what[] = {[TPC_ORDER] = "orderid", [TPC_BATCH] = "ref",
                                       [TPC_SKU] = "sku", [TPC_EXPORT] = "FILE"};
    static const char *const arg[] = {[TPC_ORDER] = "ORDERID", [TPC_BATCH] = "REF",
                                      [TPC_SKU] = "SKU", [TPC_EXPORT] = "FILE"};
    if (t->len != 2) {
        snprintf(why, size, "%s takes one %s: %s %s%s", t->items[0], arg[pc], t->items[0], arg[pc],
                 pc == TPC_EXPORT ? " writes the list shown (allot export writes batches, "
                                    "allocations or backorders)"
                                  : "");
        return false;
    }
    if (pc == TPC_EXPORT) {
        out->request = REQ_EXPORT;
    } else {
        AllotId id;
        ErrBuf err = {{0}};
        if (validate_id(t->items[1], what[pc], id, &err) != ALLOT_OK) {
            snprintf(why, size, "%s", err.msg);
            return false;
        }
        out->request = REQ_JUMP;
        out->jump = (int)pc;
    }
    if (strlen(t->items[1]) >= sizeof out->arg) {
        snprintf(why, size, "%s: too long (at most %zu bytes)", arg[pc], sizeof out->arg - 1);
        return false;
    }
    snprintf(out->arg, sizeof out->arg, "%s", t->items[1]);
    return true;
}

/* The `:` line: the prompt's own commands, else the CLI grammar. */
static bool command_line(const char *line, TuiReaction *out, char *why, size_t size)
{
    TokenList toks;
    token_list_init(&toks);
    ParsedCommand pc;
    ErrBuf err = {{0}};
    bool ok = true;
    TokenList own_t;
    token_list_init(&own_t);
    TuiPromptCommand own = TPC_NONE;
    if (command_tokenize(line, false, &own_t, &err) == ALLOT_OK && own_t.len > 0)
        own = tui_prompt_command(own_t.items[0]);
    if (own != TPC_NONE) {
        ok = prompt_command(own, &own_t, out, why, size);
    } else if (command_parse_line(line, &toks, &pc, &err) != ALLOT_OK) {
        snprintf(why, size, "%s", err.msg);
        ok = false;
    } else if (!pc.spec) {
        /* an empty line: nothing to do */
    } else if (command_is_bus(pc.spec)) {
        out->request = REQ_COMMAND;
        out->cmd = pc.cmd;
    } else if (pc.spec->tool == TOOL_DEMO) {
        out->request = REQ_DEMO;
    } else if (pc.spec->tool == TOOL_HELP) {
        out->request = REQ_HELP;
        snprintf(out->topic, sizeof out->topic, "%s", pc.values[0] ? pc.values[0] : "");
    } else {
        snprintf(why, size, "%s runs from the command line: allot %s", pc.spec->name, line);
        ok = false;
    }
    token_list_fini(&own_t);
    token_list_fini(&toks);
    return ok;
}

/* The allocate form: the values the screen did not give, in the CLI's order. */
static bool allocate_form(const TuiForm *f, const char *text, TuiReaction *out, char *why,
                          size_t size)
{
    TokenList t;
    token_list_init(&t);
    ErrBuf err = {{0}};
    bool ok = false, need_order = !f->orderid[0], need_sku = !f->sku[0];
    size_t want = 1 + need_order + need_sku;
    if (command_tokenize(text, false, &t, &err) != ALLOT_OK) {
        snprintf(why, size, "%s", err.msg);
    } else if (t.len != want) {
        snprintf(why, size, "expected %s%sQTY, got %zu value%s", need_order ? "ORDERID " : "",
                 need_sku ? "SKU " : "", t.len, t.len == 1 ? "" : "s");
    } else {
        AllotId orderid, sku;
        int64_t q;
        size_t i = 0;
        const char *o_text = need_order ? t.items[i++] : f->orderid;
        const char *s_text = need_sku ? t.items[i++] : f->sku;
        if (validate_id(o_text, "orderid", orderid, &err) != ALLOT_OK ||
            validate_id(s_text, "sku", sku, &err) != ALLOT_OK ||
            validate_line_qty(t.items[i], &q, &err) != ALLOT_OK) {
            snprintf(why, size, "%s", err.msg);
        } else {
            out->request = REQ_COMMAND;
            out->cmd = command_allocate(orderid, sku, q);
            ok = true;
        }
    }
    token_list_fini(&t);
    return ok;
}

bool tui_form_submit(const TuiForm *f, const char *text, TuiReaction *out, char *why, size_t size)
{
    *out = tui_handled();
    out->batch = f->batch;
    ErrBuf err = {{0}};
    const char *ref = f->batch.ref;
    switch (f->kind) {
    case FORM_COMMAND:
        return command_line(text, out, why, size);
    case FORM_FILTER:
        if (f->list && !tui_list_set_filter(f->list, text, why, size))
            return false;
        snprintf(out->status, sizeof out->status, text[0] ? "filtered: %s" : "filter cleared%s",
                 text);
        return true;
    case FORM_LIST_SEARCH:
        if (!f->list || !tui_list_find(f->list, text, why, size))
            return false;
        snprintf(out->status, sizeof out->status, "found \"%s\" (F3 Enter finds the next)", text);
        return true;
    case FORM_CHANGE_QTY: {
        int64_t q;
        if (validate_batch_qty(text, &q, &err) != ALLOT_OK) {
            snprintf(why, size, "%s", err.msg);
            return false;
        }
        if (f->marked) {
            out->request = REQ_BULK;
            out->bulk = TA_CHANGE_QTY;
            out->list = f->list;
            out->qty = q;
            return true;
        }
        out->request = REQ_COMMAND;
        out->cmd = command_change_batch_qty(ref, q);
        return true;
    }
    case FORM_SET_ETA: {
        /* relative dates count from today: +7d is a week from now */
        int32_t eta;
        if (!tui_date_resolve(text, f->today, ALLOT_NO_ETA, true, &eta, why, size))
            return false;
        if (f->marked) {
            out->request = REQ_BULK;
            out->bulk = TA_SET_ETA;
            out->list = f->list;
            out->eta = eta;
            return true;
        }
        out->request = REQ_COMMAND;
        out->cmd = command_change_batch_eta(ref, eta);
        return true;
    }
    case FORM_DELAY: {
        /* +7d / 7 later, -3d earlier, or a date (today, tomorrow, YYYY-MM-DD): to it */
        TuiDateKind kind;
        int32_t v;
        if (!tui_date_read(text, f->today, false, &kind, &v, why, size))
            return false;
        if (kind == TUI_DATE_RELATIVE && v == 0) {
            snprintf(why, size, "a delay of 0 days changes nothing: +7d, -3d or a date");
            return false;
        }
        if (f->marked) {
            out->request = REQ_BULK;
            out->bulk = TA_DELAY;
            out->list = f->list;
            out->days = kind == TUI_DATE_RELATIVE ? v : 0;
            out->eta = kind == TUI_DATE_RELATIVE ? ALLOT_NO_ETA : v;
            return true;
        }
        if (kind != TUI_DATE_RELATIVE) {
            out->request = REQ_COMMAND;
            out->cmd = command_change_batch_eta(ref, v);
            return true;
        }
        out->request = REQ_DELAY;
        out->days = v;
        return true;
    }
    case FORM_ALLOCATE:
        return allocate_form(f, text, out, why, size);
    case FORM_SEARCH:
        return f->target && tui_help_search(f->target, text, why, size);
    case FORM_PROMISE: {
        int64_t q;
        if (validate_line_qty(text, &q, &err) != ALLOT_OK) {
            snprintf(why, size, "%s", err.msg);
            return false;
        }
        if (!f->target || !tui_atp_promise(f->target, q, out->status, sizeof out->status)) {
            snprintf(why, size, "%s", out->status[0] ? out->status : "nothing to promise on");
            return false;
        }
        return true;
    }
    }
    return true;
}

typedef struct OrderSkus {
    const char *prefix;
    TuiCandidates *c;
} OrderSkus;

static bool add_order_sku(void *ctx, const TuiRow *row)
{
    OrderSkus *o = ctx;
    if (strncmp(row->sku, o->prefix, strlen(o->prefix)) == 0)
        tui_candidates_add(o->c, row->sku);
    return true;
}

/* The SKUs of order `orderid` that start with the prefix, from its lines. */
static AllotStatus order_skus(TuiSource *src, const TuiCompleteAsk *ask, TuiCandidates *c,
                              ErrBuf *err)
{
    TuiQuery q = {.kind = TL_ORDER};
    snprintf(q.arg, sizeof q.arg, "%s", ask->orderid);
    OrderSkus o = {ask->prefix, c};
    return tui_source_each(src, &q, add_order_sku, &o, err);
}

/* How many ids start with the prefix (counted up to this many), and which. */
#define COUNT_CAP 10000

static AllotStatus store_ids(TuiSource *src, const TuiCompleteAsk *ask, TuiCandidates *c,
                             ErrBuf *err)
{
    CompleteKind kind = ask->kind == TC_SKU ? COMPLETE_SKU
                        : ask->kind == TC_REF ? COMPLETE_REF
                                              : COMPLETE_ORDERID;
    char **names = NULL;
    size_t n = 0;
    AllotStatus st = src->ops->complete(src, kind, ask->prefix, TUI_COMPLETE_SHOWN, &names, &n, err);
    for (size_t i = 0; st == ALLOT_OK && i < n; i++)
        tui_candidates_add(c, names[i]);
    tui_strings_free(names, n);
    if (st != ALLOT_OK || n < TUI_COMPLETE_SHOWN || !src->ops->complete_span)
        return st;
    /* more than shown: the real count, and the prefix common to the first and the
       last of them all (then common to every one) */
    CompleteSpan span;
    st = src->ops->complete_span(src, kind, ask->prefix, COUNT_CAP, &span, err);
    if (st == ALLOT_OK && span.count > 0) {
        c->count = span.count;
        c->more = span.more;
        size_t k = 0;
        while (c->common[k] && span.first[k] == c->common[k] && span.last[k] == c->common[k])
            k++;
        c->common[k] = 0;
    }
    return st;
}

void tui_form_complete(TuiLineEdit *e, TuiSource *src, char *hint, size_t size)
{
    TuiCompleteAsk ask;
    tui_complete_ask(e->text, e->cur, &ask);
    TuiCandidates c = {0};
    ErrBuf err = {{0}};
    AllotStatus st = ALLOT_OK;
    switch (ask.kind) {
    case TC_SKU:
    case TC_REF:
    case TC_ORDERID: st = store_ids(src, &ask, &c, &err); break;
    case TC_ORDER_SKU: st = order_skus(src, &ask, &c, &err); break;
    default: tui_complete_local(&ask, &c); break;
    }
    if (st != ALLOT_OK)
        snprintf(hint, size, "%s", err.msg);
    else
        tui_complete_apply(e, &ask, &c, hint, size);
    tui_candidates_fini(&c);
}
