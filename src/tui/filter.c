/* filter.c — the planner's filter (filter.h). */
#include "tui/filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/command_parse.h"
#include "domain/events.h"
#include "tui/dates.h"

/* Short names of columns, by row kind: the words a planner types. */
typedef struct Alias {
    ViewRowKind kind;
    const char *name, *column;
} Alias;

static const Alias aliases[] = {
    {VIEW_ROW_PRODUCT, "short", "backorder_qty"}, {VIEW_ROW_PRODUCT, "avail", "available"},
    {VIEW_ROW_PRODUCT, "alloc", "allocated"},     {VIEW_ROW_PRODUCT, "next", "next_eta"},
    {VIEW_ROW_PRODUCT, "lines", "backorders"},    {VIEW_ROW_BATCH, "batch", "ref"},
    {VIEW_ROW_BATCH, "avail", "available"},       {VIEW_ROW_BATCH, "alloc", "allocated"},
    {VIEW_ROW_LINE, "order", "orderid"},          {VIEW_ROW_LINE, "ref", "batch"},
    {VIEW_ROW_EVENT, "order", "orderid"},         {VIEW_ROW_EVENT, "ref", "batch"},
};

/* Columns a store would compute per row from other tables: not terms. */
static const struct {
    ViewRowKind kind;
    const char *column, *why;
} refused[] = {
    {VIEW_ROW_BATCH, "allocated", "a batch's allocated quantity is summed from its lines"},
    {VIEW_ROW_BATCH, "available", "a batch's available quantity is summed from its lines"},
    {VIEW_ROW_BATCH, "lines", "a batch's line count is counted from its lines"},
    {VIEW_ROW_LINE, "key", "not a column a planner sees"},
    {VIEW_ROW_LINE, "seq", "not a column a planner sees"},
    {VIEW_ROW_BATCH, "seq", "not a column a planner sees"},
};

/* A state word and what it means, as up to two terms. */
typedef struct State {
    ViewRowKind kind;
    const char *word;
    struct {
        const char *column;
        ViewOp op;
        int num;       /* the operand, or: */
        int today_off; /* today + this (when `rel`) */
        bool rel;
    } t[2];
    int n;
} State;

#define NONE (-2147483647 - 1)
static const State states[] = {
    {VIEW_ROW_PRODUCT, "SHORT", {{"backorders", VIEW_GT, 0, 0, false}}, 1},
    {VIEW_ROW_PRODUCT, "OK", {{"backorders", VIEW_EQ, 0, 0, false}}, 1},
    {VIEW_ROW_BATCH, "WAREHOUSE", {{"eta", VIEW_EQ, NONE, 0, false}}, 1},
    {VIEW_ROW_BATCH, "INCOMING", {{"eta", VIEW_GT, NONE, 0, false}}, 1},
    {VIEW_ROW_BATCH,
     "DUE",
     {{"eta", VIEW_GE, 0, 0, true}, {"eta", VIEW_LE, 0, 14, true}},
     2},
    {VIEW_ROW_BATCH,
     "OVERDUE",
     {{"eta", VIEW_GT, NONE, 0, false}, {"eta", VIEW_LT, 0, 0, true}},
     2},
    {VIEW_ROW_LINE, "BACKORDER", {{"batch", VIEW_EMPTY, 0, 0, false}}, 1},
    {VIEW_ROW_LINE, "ALLOCATED", {{"batch", VIEW_NOT_EMPTY, 0, 0, false}}, 1},
    {VIEW_ROW_LINE, "LATE", {{"late", VIEW_GT, 0, 0, false}}, 1},
};

static bool add_term(TuiFilter *f, int col, ViewOp op, int64_t num, const char *text, char *why,
                     size_t size)
{
    if (f->nterms == TUI_FILTER_TERMS) {
        snprintf(why, size, "at most %d terms in a filter", TUI_FILTER_TERMS);
        return false;
    }
    TuiFilterTerm *t = &f->terms[f->nterms++];
    memset(t, 0, sizeof *t);
    t->col = (uint8_t)col;
    t->op = op;
    t->num = num;
    snprintf(t->text, sizeof t->text, "%s", text ? text : "");
    return true;
}

static bool state_term(const ViewSpec *s, const char *value, int32_t today, TuiFilter *f,
                       char *why, size_t size)
{
    char list[160] = "";
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        const State *st = &states[i];
        if (st->kind != s->kind)
            continue;
        size_t o = strlen(list);
        snprintf(list + o, sizeof list - o, "%s%s", o ? ", " : "", st->word);
        if (strcasecmp(value, st->word) != 0)
            continue;
        for (int k = 0; k < st->n; k++) {
            int col = view_spec_column(s, st->t[k].column);
            int64_t num = st->t[k].rel ? (int64_t)today + st->t[k].today_off : st->t[k].num;
            if (col < 0 || !add_term(f, col, st->t[k].op, num, NULL, why, size))
                return col < 0 ? (snprintf(why, size, "state:%s: not on this list", value), false)
                               : false;
        }
        return true;
    }
    if (!list[0])
        snprintf(why, size, "state:%s: this list has no states", value);
    else
        snprintf(why, size, "state:%s: the states here are %s", value, list);
    return false;
}

/* The column `name` names in spec s (its own name or a short one), or -1. */
static int column_of(const ViewSpec *s, const char *name)
{
    char lower[40];
    size_t n = strlen(name);
    if (n >= sizeof lower)
        return -1;
    for (size_t i = 0; i <= n; i++)
        lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (aliases[i].kind == s->kind && strcmp(aliases[i].name, lower) == 0)
            return view_spec_column(s, aliases[i].column);
    return view_spec_column(s, lower);
}

static const char *refusal(const ViewSpec *s, int col)
{
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (refused[i].kind == s->kind && strcmp(refused[i].column, s->cols[col].name) == 0)
            return refused[i].why;
    return NULL;
}

/* One NAME OP VALUE term. */
static bool column_term(const ViewSpec *s, const char *name, const char *op, const char *value,
                        int32_t today, TuiFilter *f, char *why, size_t size)
{
    if (strcasecmp(name, "state") == 0) {
        if (strcmp(op, ":") != 0 && strcmp(op, "=") != 0) {
            snprintf(why, size, "state%s: write state:WORD", op);
            return false;
        }
        return state_term(s, value, today, f, why, size);
    }
    int col = column_of(s, name);
    if (col < 0) {
        snprintf(why, size, "%s%s: no column %s here (state", name, op, name);
        size_t o = strlen(why);
        for (size_t i = 0; i < s->ncols && o + 16 < size; i++)
            if (!refusal(s, (int)i))
                o += (size_t)snprintf(why + o, size - o, ", %s", s->cols[i].name);
        snprintf(why + strlen(why), size - strlen(why), ")");
        return false;
    }
    const char *no = refusal(s, col);
    if (no) {
        snprintf(why, size, "%s: not a filter term here (%s)", name, no);
        return false;
    }
    ViewColType type = s->cols[col].type;
    bool colon = strcmp(op, ":") == 0;
    ViewOp vop = colon || strcmp(op, "=") == 0 ? VIEW_EQ
                 : strcmp(op, "<") == 0       ? VIEW_LT
                 : strcmp(op, "<=") == 0      ? VIEW_LE
                 : strcmp(op, ">") == 0       ? VIEW_GT
                                              : VIEW_GE;
    if (type == VIEW_TEXT || type == VIEW_EVENT_TYPE) {
        if (vop != VIEW_EQ) {
            snprintf(why, size, "%s%s: a text column takes : (starts with) or = (is)", name, op);
            return false;
        }
        if (strlen(value) > ALLOT_ID_MAX) {
            snprintf(why, size, "%s%s: at most %d bytes", name, op, ALLOT_ID_MAX);
            return false;
        }
        if (!colon && value[0] == 0) /* sku= : none */
            return add_term(f, col, VIEW_EMPTY, 0, NULL, why, size);
        if (colon || type == VIEW_EVENT_TYPE) /* types are matched as they are spelt */
            return add_term(f, col, VIEW_PREFIX, 0, value, why, size);
        return add_term(f, col, VIEW_EQ, 0, value, why, size);
    }
    if (!value[0]) {
        snprintf(why, size, "%s%s: a %s after %s", name, op,
                 type == VIEW_DATE ? "date" : "number", op);
        return false;
    }
    int64_t num;
    if (type == VIEW_DATE) {
        int32_t d;
        if (!tui_date_resolve(value, today, ALLOT_NO_ETA, true, &d, why, size))
            return false;
        if (d == ALLOT_NO_ETA && vop != VIEW_EQ) {
            snprintf(why, size, "%s%s-: none compares only with = (%s=-)", name, op, name);
            return false;
        }
        num = d;
        /* a date compared: rows that have one (none is the smallest date) */
        if (d != ALLOT_NO_ETA && (vop == VIEW_LT || vop == VIEW_LE) &&
            !add_term(f, col, VIEW_GT, ALLOT_NO_ETA, NULL, why, size))
            return false;
    } else {
        char *end;
        num = strtoll(value, &end, 10);
        if (*end || end == value) {
            snprintf(why, size, "%s%s%s: a whole number after %s", name, op, value, op);
            return false;
        }
    }
    return add_term(f, col, vop, num, NULL, why, size);
}

/* Splits "qty>=100" into name, operator and value; false if the token is a word. */
static bool split_term(const char *tok, char *name, size_t nsize, char *op, const char **value)
{
    size_t n = strcspn(tok, ":=<>");
    if (n == 0 || !tok[n] || n >= nsize)
        return false;
    for (size_t i = 0; i < n; i++) /* a name is letters and _ */
        if (!((tok[i] >= 'a' && tok[i] <= 'z') || (tok[i] >= 'A' && tok[i] <= 'Z') ||
              tok[i] == '_'))
            return false;
    memcpy(name, tok, n);
    name[n] = 0;
    size_t k = 0;
    op[k++] = tok[n];
    if ((tok[n] == '<' || tok[n] == '>') && tok[n + 1] == '=')
        op[k++] = '=';
    op[k] = 0;
    *value = tok + n + k;
    return true;
}

bool tui_filter_parse(TuiListKind kind, const char *text, int32_t today, TuiFilter *out,
                      char *why, size_t size)
{
    memset(out, 0, sizeof *out);
    const ViewSpec *s = view_spec(tui_kind_info(kind)->list);
    TokenList toks;
    token_list_init(&toks);
    ErrBuf err = {{0}};
    bool ok = true;
    if (command_tokenize(text ? text : "", true, &toks, &err) != ALLOT_OK) {
        snprintf(why, size, "%s", err.msg);
        ok = false;
    }
    for (size_t i = 0; ok && i < toks.len; i++) {
        const char *tok = toks.items[i], *value;
        char name[40], op[3];
        if (split_term(tok, name, sizeof name, op, &value)) {
            ok = column_term(s, name, op, value, today, out, why, size);
            continue;
        }
        size_t o = strlen(out->words);
        if (o + strlen(tok) + 2 > sizeof out->words || o + strlen(tok) + 1 > ALLOT_ID_MAX) {
            snprintf(why, size, "the words of a filter: at most %d bytes", ALLOT_ID_MAX);
            ok = false;
        } else {
            snprintf(out->words + o, sizeof out->words - o, "%s%s", o ? " " : "", tok);
        }
    }
    token_list_fini(&toks);
    if (!ok)
        memset(out, 0, sizeof *out);
    return ok;
}

bool tui_filter_active(const TuiFilter *f) { return f->words[0] || f->nterms; }

bool tui_filter_apply(const TuiFilter *f, ViewQuery *q)
{
    for (size_t i = 0; i < f->nterms; i++) {
        const TuiFilterTerm *t = &f->terms[i];
        if (!view_query_where(q, (ViewCond){.col = t->col, .op = t->op, .num = t->num,
                                            .text = t->text}))
            return false;
    }
    q->page.filter = f->words[0] ? f->words : NULL;
    return true;
}
