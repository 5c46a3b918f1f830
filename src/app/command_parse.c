#include "app/command_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/validate.h"
#include "domain/xalloc.h"

void token_list_init(TokenList *t) { memset(t, 0, sizeof *t); }

static void token_list_clear(TokenList *t)
{
    for (size_t i = 0; i < t->len; i++)
        free(t->items[i]);
    t->len = 0;
    t->open_quote = false;
    t->trailing_blank = false;
}

void token_list_fini(TokenList *t)
{
    token_list_clear(t);
    free(t->items);
    free(t->quoted);
    memset(t, 0, sizeof *t);
}

static void push_owned(TokenList *t, char *s, bool quoted)
{
    if (t->len == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->items = xreallocarray(t->items, t->cap, sizeof *t->items);
        t->quoted = xreallocarray(t->quoted, t->cap, sizeof *t->quoted);
    }
    t->quoted[t->len] = quoted;
    t->items[t->len++] = s;
}

void token_list_push(TokenList *t, const char *s) { push_owned(t, xstrdup(s), false); }

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

AllotStatus command_tokenize(const char *line, bool partial, TokenList *out, ErrBuf *err)
{
    token_list_clear(out);
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    size_t i = 0;
    while (i < n && is_blank(line[i]))
        i++;
    if (i < n && line[i] == '#')
        return ALLOT_OK;
    char *tok = xmalloc(n + 1);
    while (i < n) {
        while (i < n && is_blank(line[i]))
            i++;
        if (i >= n)
            break;
        size_t len = 0;
        bool in_quote = false, quoted = false;
        while (i < n && (in_quote || !is_blank(line[i]))) {
            char c = line[i++];
            if (c == '"') {
                in_quote = !in_quote;
                quoted = true;
            } else if (in_quote && c == '\\' && i < n && (line[i] == '"' || line[i] == '\\')) {
                tok[len++] = line[i++];
            } else {
                tok[len++] = c;
            }
        }
        tok[len] = '\0';
        if (in_quote) {
            if (!partial) {
                free(tok);
                token_list_clear(out);
                return err_set(err, ALLOT_EUSAGE, "unterminated quote in \"%.*s\"",
                               n > 60 ? 60 : (int)n, line);
            }
            out->open_quote = true;
        }
        push_owned(out, xstrdup(tok), quoted);
    }
    free(tok);
    out->trailing_blank = n > 0 && is_blank(line[n - 1]) && !out->open_quote;
    return ALLOT_OK;
}

char *command_quote_token(const char *token, char *buf, size_t size)
{
    if (size == 0)
        return buf;
    bool plain = token[0] != '\0' && token[0] != '#';
    for (const char *p = token; *p && plain; p++)
        if (is_blank(*p) || *p == '"' || *p == '\\')
            plain = false;
    if (plain) {
        snprintf(buf, size, "%s", token);
        return buf;
    }
    size_t o = 0;
    buf[o++] = '"';
    for (const char *p = token; *p && o + 2 < size; p++) {
        if (*p == '"' || *p == '\\') {
            if (o + 3 >= size)
                break;
            buf[o++] = '\\';
        }
        buf[o++] = *p;
    }
    if (o + 1 < size)
        buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}

/* Finds the option spec whose name is `tok`, or NULL. */
static const ArgSpec *find_option(const CommandSpec *spec, const char *tok, size_t *index)
{
    for (size_t i = 0; i < spec->nargs; i++) {
        if (spec->args[i].option && strcmp(spec->args[i].option, tok) == 0) {
            *index = i;
            return &spec->args[i];
        }
    }
    return NULL;
}

static bool choice_ok(const char *choices, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = choices; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == wl && strncmp(p, word, len) == 0)
            return true;
        p += len + (bar ? 1 : 0);
    }
    return false;
}

/* HOST:PORT, or [IPv6]:PORT: a host of printable ASCII without blanks, a port
 * 0..65535. */
static AllotStatus check_address(const ArgSpec *a, const char *v, ErrBuf *err)
{
    char vb[ERR_VALUE_SIZE];
    const char *colon = strrchr(v, ':');
    bool ok = colon && colon != v;
    if (ok && v[0] == '[')
        ok = colon[-1] == ']' && colon - v > 2;
    for (const char *p = v; ok && p < colon; p++)
        ok = *p > ' ' && *p < 0x7f && (*p != ':' || v[0] == '[');
    int64_t port = 0;
    ErrBuf e;
    if (ok)
        ok = colon[1] >= '0' && colon[1] <= '9' &&
             validate_int(colon + 1, "port", 0, 65535, &port, &e) == ALLOT_OK;
    if (!ok)
        return err_set(err, ALLOT_EUSAGE, "%s \"%s\" is not HOST:PORT (port 0-65535)",
                       a->option ? a->option : a->name,
                       err_value_str(v, vb, sizeof vb));
    return ALLOT_OK;
}

/* Validates one value per its kind; fills nums/etas.  Error messages are prefixed
 * with the command name by the caller. */
static AllotStatus check_value(const ArgSpec *a, const char *v, ParsedCommand *out, size_t i,
                               ErrBuf *err)
{
    AllotId id;
    char vb[ERR_VALUE_SIZE];
    switch (a->kind) {
    case ARG_REF:
        return validate_id(v, "ref", id, err);
    case ARG_SKU:
        return validate_id(v, "sku", id, err);
    case ARG_ORDERID:
        return validate_id(v, "orderid", id, err);
    case ARG_LINE_QTY:
        return validate_line_qty(v, &out->nums[i], err);
    case ARG_BATCH_QTY:
        return validate_batch_qty(v, &out->nums[i], err);
    case ARG_ETA:
        return validate_eta(v, &out->etas[i], err);
    case ARG_NEED:
        return validate_date(v, "need", &out->etas[i], err);
    case ARG_EVENT_ID:
        return validate_int(v, "id", 0, INT64_MAX, &out->nums[i], err);
    case ARG_COMMAND_ID:
        return validate_int(v, "command id", 1, INT64_MAX, &out->nums[i], err);
    case ARG_CHOICE:
        if (!choice_ok(a->choices, v))
            return err_set(err, ALLOT_EUSAGE, "\"%s\" is not one of %s",
                           err_value_str(v, vb, sizeof vb), a->choices);
        return ALLOT_OK;
    case ARG_COMMAND:
        if (!command_lookup(v))
            return err_set(err, ALLOT_EUSAGE, "no command \"%s\"",
                           err_value_str(v, vb, sizeof vb));
        return ALLOT_OK;
    case ARG_TOPIC:
    case ARG_PATH:
    case ARG_PATH_OR_STDIN:
        if (v[0] == '\0')
            return err_set(err, ALLOT_EUSAGE, "%s is empty", a->name);
        return ALLOT_OK;
    case ARG_FLAG:
        return ALLOT_OK;
    case ARG_ADDRESS:
        return check_address(a, v, err);
    }
    return ALLOT_OK;
}

/* The value of an identifier argument, trimmed (validate_id copies it). */
static void id_value(const char *v, AllotId out)
{
    ErrBuf e;
    if (validate_id(v, "id", out, &e) != ALLOT_OK)
        out[0] = '\0';
}

static void build_bus_command(ParsedCommand *out)
{
    const CommandSpec *spec = out->spec;
    AllotId a, b;
    switch (spec->bus) {
    case CMD_CREATE_BATCH:
        id_value(out->values[0], a);
        id_value(out->values[1], b);
        out->cmd = command_create_batch(a, b, out->nums[2],
                                        out->values[3] ? out->etas[3] : ALLOT_NO_ETA);
        break;
    case CMD_ALLOCATE:
        id_value(out->values[0], a);
        id_value(out->values[1], b);
        out->cmd = command_with_need(command_allocate(a, b, out->nums[2]),
                                     out->values[3] ? out->etas[3] : ALLOT_NO_DATE, 0);
        break;
    case CMD_CANCEL_LINE:
        id_value(out->values[0], a);
        id_value(out->values[1], b);
        out->cmd = command_cancel_line(a, b);
        break;
    case CMD_CHANGE_BATCH_QTY:
        id_value(out->values[0], a);
        out->cmd = command_change_batch_qty(a, out->nums[1]);
        break;
    case CMD_CHANGE_BATCH_ETA:
        id_value(out->values[0], a);
        out->cmd = command_change_batch_eta(a, out->etas[1]);
        break;
    default:
        break;
    }
}

/* True if token t (of a list whose quoted flags are `quoted`, NULL for argv) is
 * an option name: "--x" written without quotes, before any "--". */
static bool is_option_token(const char *tok, const bool *quoted, size_t t, bool opts_done)
{
    return !opts_done && !(quoted && quoted[t]) && tok[0] == '-' && tok[1] == '-' && tok[2] != '\0';
}

/* True if token t is the "--" that ends the options. */
static bool is_end_of_options(const char *tok, const bool *quoted, size_t t, bool opts_done)
{
    return !opts_done && !(quoted && quoted[t]) && strcmp(tok, "--") == 0;
}

static AllotStatus parse_tokens(int argc, char *const *argv, const bool *quoted,
                                ParsedCommand *out, ErrBuf *err);

AllotStatus command_parse_argv(int argc, char *const *argv, ParsedCommand *out, ErrBuf *err)
{
    return parse_tokens(argc, argv, NULL, out, err);
}

static AllotStatus parse_tokens(int argc, char *const *argv, const bool *quoted,
                                ParsedCommand *out, ErrBuf *err)
{
    char vb[ERR_VALUE_SIZE];
    memset(out, 0, sizeof *out);
    if (argc < 1 || !argv[0] || argv[0][0] == '\0')
        return err_set(err, ALLOT_EUSAGE, "no command given (try allot help)");
    const CommandSpec *spec = command_lookup(argv[0]);
    if (!spec)
        return err_set(err, ALLOT_EUSAGE, "unknown command \"%s\" (try allot help)",
                       err_value_str(argv[0], vb, sizeof vb));
    out->spec = spec;
    char usage[160];
    command_usage(spec, usage, sizeof usage);
    size_t pos = 0; /* next positional spec to fill */
    bool opts_done = false;
    for (int t = 1; t < argc; t++) {
        const char *tok = argv[t];
        size_t ai;
        if (is_end_of_options(tok, quoted, (size_t)t, opts_done)) {
            opts_done = true;
            continue;
        }
        if (is_option_token(tok, quoted, (size_t)t, opts_done)) {
            const ArgSpec *a = find_option(spec, tok, &ai);
            if (!a)
                return err_set(err, ALLOT_EUSAGE, "%s: unknown option %s (usage: %s)", spec->name,
                               err_value_str(tok, vb, sizeof vb), usage);
            if (a->kind == ARG_FLAG) {
                out->values[ai] = "";
                continue;
            }
            if (t + 1 >= argc)
                return err_set(err, ALLOT_EUSAGE, "%s: option %s needs %s (usage: %s)", spec->name,
                               tok, a->name, usage);
            out->values[ai] = argv[++t];
            continue;
        }
        while (pos < spec->nargs && spec->args[pos].option)
            pos++;
        if (pos >= spec->nargs)
            return err_set(err, ALLOT_EUSAGE, "%s: unexpected argument \"%s\" (usage: %s)",
                           spec->name, err_value_str(tok, vb, sizeof vb), usage);
        out->values[pos++] = tok;
    }
    for (size_t i = 0; i < spec->nargs; i++) {
        const ArgSpec *a = &spec->args[i];
        if (!out->values[i]) {
            if (!a->option && !a->optional)
                return err_set(err, ALLOT_EUSAGE, "%s: missing %s (usage: %s)", spec->name,
                               a->name, usage);
            continue;
        }
        ErrBuf e = {{0}};
        AllotStatus st = check_value(a, out->values[i], out, i, &e);
        if (st != ALLOT_OK) {
            if (st == ALLOT_EUSAGE)
                return err_set(err, st, "%s: %s (usage: %s)", spec->name, e.msg, usage);
            return err_set(err, st, "%s: %s", spec->name, e.msg);
        }
    }
    if (command_is_bus(spec))
        build_bus_command(out);
    return ALLOT_OK;
}

AllotStatus command_parse(const TokenList *tokens, ParsedCommand *out, ErrBuf *err)
{
    return parse_tokens((int)tokens->len, tokens->items, tokens->quoted, out, err);
}

AllotStatus command_parse_line(const char *line, TokenList *tokens, ParsedCommand *out,
                               ErrBuf *err)
{
    memset(out, 0, sizeof *out);
    AllotStatus st = command_tokenize(line, false, tokens, err);
    if (st != ALLOT_OK || tokens->len == 0)
        return st;
    return command_parse(tokens, out, err);
}

const ArgSpec *command_arg_for_token(const CommandSpec *spec, const TokenList *tokens,
                                     size_t index)
{
    if (index == 0 || !spec)
        return NULL;
    size_t pos = 0;
    bool opts_done = false;
    for (size_t t = 1; t <= index; t++) {
        const char *tok = t < tokens->len ? tokens->items[t] : "";
        const bool *quoted = t < tokens->len ? tokens->quoted : NULL;
        size_t ai;
        if (t < index && is_end_of_options(tok, quoted, t, opts_done)) {
            opts_done = true;
            continue;
        }
        if (!opts_done && !(quoted && quoted[t]) && tok[0] == '-' && tok[1] == '-') {
            const ArgSpec *a = find_option(spec, tok, &ai);
            if (t == index)
                return NULL;
            if (a && a->kind != ARG_FLAG) {
                if (++t == index)
                    return a;
            }
            continue;
        }
        while (pos < spec->nargs && spec->args[pos].option)
            pos++;
        if (pos >= spec->nargs)
            return NULL;
        if (t == index)
            return &spec->args[pos];
        pos++;
    }
    return NULL;
}

char *command_format(const Command *c, char *buf, size_t size)
{
    char a[2 * ALLOT_ID_MAX + 3], b[2 * ALLOT_ID_MAX + 3], r[2 * ALLOT_ID_MAX + 3];
    char date[ALLOT_DATE_TEXT];
    command_quote_token(c->orderid, a, sizeof a);
    command_quote_token(c->sku, b, sizeof b);
    command_quote_token(c->ref, r, sizeof r);
    long long qty = (long long)c->qty;
    switch (c->type) {
    case CMD_CREATE_BATCH:
        snprintf(buf, size, "add-batch %s %s %lld%s%s", r, b, qty, c->eta == ALLOT_NO_ETA ? "" : " ",
                 c->eta == ALLOT_NO_ETA ? "" : date_format(c->eta, date));
        break;
    case CMD_ALLOCATE:
        snprintf(buf, size, "allocate %s %s %lld%s%s", a, b, qty,
                 c->need == ALLOT_NO_DATE ? "" : " ",
                 c->need == ALLOT_NO_DATE ? "" : date_format(c->need, date));
        break;
    case CMD_CANCEL_LINE: snprintf(buf, size, "cancel %s %s", a, b); break;
    case CMD_CHANGE_BATCH_QTY: snprintf(buf, size, "change-qty %s %lld", r, qty); break;
    case CMD_CHANGE_BATCH_ETA:
        snprintf(buf, size, "set-eta %s %s", r,
                 c->eta == ALLOT_NO_ETA ? "-" : date_format(c->eta, date));
        break;
    case CMD_UNDO:
        if (c->target > 0)
            snprintf(buf, size, "undo %lld", (long long)c->target);
        else
            snprintf(buf, size, "undo");
        break;
    case CMD_ALLOCATE_TO:
        snprintf(buf, size, "%s %s %s %lld %s", command_type_name(c->type), a, b, qty, r);
        break;
    case CMD_RETRY_BACKORDERS: snprintf(buf, size, "%s %s", command_type_name(c->type), b); break;
    default: snprintf(buf, size, "%s", command_type_name(c->type)); break;
    }
    return buf;
}
