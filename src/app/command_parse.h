/* command_parse.h — the one grammar of allot (SPEC.md §4): tokenizing a line and
 * turning tokens into a checked command, for CLI arguments, `exec` files and the
 * TUI's `:` prompt alike.
 *
 * Tokens are separated by spaces or tabs.  A token with spaces is written in
 * double quotes; inside quotes `\"` is a quote and `\\` a backslash (any other
 * backslash is kept as is).  Quoted and unquoted parts of one token join
 * (`ab"c d"` is the token `abc d`).  A line whose first non-blank character is `#`
 * is a comment: no tokens.
 *
 * Options are tokens "--NAME" anywhere after the command name; "--" ends them (the
 * tokens after it are values), and a token written with quotes is always a value
 * ("--json" quoted is a batch ref, not the option).  Source: docs/cli.md.
 */
#ifndef ALLOT_APP_COMMAND_PARSE_H
#define ALLOT_APP_COMMAND_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/command_table.h"
#include "domain/commands.h"
#include "domain/status.h"

/* The tokens of one line.  Owns its strings; zero-initialise or token_list_init,
 * then token_list_fini. */
typedef struct TokenList {
    char **items;
    bool *quoted;        /* quoted[i]: token i was written with quotes (a value, never
                          * an option, even "--json") */
    size_t len, cap;
    bool open_quote;     /* partial mode: the line ended inside quotes */
    bool trailing_blank; /* the line ends in a blank (a new, empty token starts) */
} TokenList;

void token_list_init(TokenList *t);
void token_list_fini(TokenList *t);
/* Appends a copy of `s` (as an unquoted token). */
void token_list_push(TokenList *t, const char *s);

/* Splits `line` (NUL-terminated; a trailing "\n" or "\r\n" is ignored) into `out`
 * (which is cleared first).  Errors: ALLOT_EUSAGE "unterminated quote" when a quote
 * is left open — unless `partial` (for completion while typing), which accepts it
 * and sets out->open_quote. */
AllotStatus command_tokenize(const char *line, bool partial, TokenList *out, ErrBuf *err);

/* Writes `token` into buf as the tokenizer reads it back: as is if it has no blank,
 * quote, backslash or leading '#' and is not empty; else in double quotes with `"`
 * and `\` escaped.  Returns buf; cut (and still NUL-terminated) if size is short. */
char *command_quote_token(const char *token, char *buf, size_t size);

/* A checked command.  `values[i]` is the text of argument i of spec->args (borrowed
 * from the TokenList given to command_parse, so valid while it lives), or NULL when
 * an optional argument or option is absent; flags that are present hold "".
 * Numbers and dates of the arguments are parsed into `nums[i]` (qty, event id) and
 * `etas[i]` (days, ALLOT_NO_ETA for "-").  For bus commands `cmd` is the domain
 * command ready for bus_handle. */
typedef struct ParsedCommand {
    const CommandSpec *spec;
    const char *values[COMMAND_MAX_ARGS];
    int64_t nums[COMMAND_MAX_ARGS];
    int32_t etas[COMMAND_MAX_ARGS];
    Command cmd;
} ParsedCommand;

/* Checks `argv[0..argc)` (argv[0] is the command name) against the table and fills
 * `out`.  Errors (message names the command and the argument):
 *   ALLOT_EUSAGE   unknown command; missing argument; unexpected argument; unknown
 *                  option; an option without its value; a choice not in the list;
 *                  an unknown command name for ARG_COMMAND
 *                  ("allocate: missing QTY (usage: allocate ORDERID SKU QTY)")
 *   ALLOT_EINVALID a value fails SPEC.md §1.3 validation
 *                  ("allocate: qty \"12x\" is not a whole number") */
AllotStatus command_parse_argv(int argc, char *const *argv, ParsedCommand *out, ErrBuf *err);

/* command_parse_argv over a TokenList (tokens must stay alive while `out` is used). */
AllotStatus command_parse(const TokenList *tokens, ParsedCommand *out, ErrBuf *err);

/* Writes `cmd` as the line of this grammar that command_parse_line reads back as
 * the same command (its actor and moment of first request aside, which the grammar
 * does not carry), ids quoted as command_quote_token does: "add-batch B9 LAMP 10"
 * (an ETA only when there is one), "allocate o9 LAMP 2 2026-12-24" (the need date
 * only when there is one), "cancel o9 LAMP", "change-qty B1 5", "set-eta B1 -",
 * "undo 12" ("undo": the latest).  A command the grammar has no line for (import
 * only) is written with its type name and its fields: "AllocateTo o9 LAMP 2 B1",
 * "RetryBackorders LAMP".  Returns buf; cut (and still NUL-terminated) if size is
 * short.  For the steps of a what-if session (SPEC.md §5). */
char *command_format(const Command *cmd, char *buf, size_t size);

/* Tokenizes and parses one line.  `tokens` receives the tokens (caller fini's it);
 * an empty or comment line returns ALLOT_OK with out->spec NULL. */
AllotStatus command_parse_line(const char *line, TokenList *tokens, ParsedCommand *out,
                               ErrBuf *err);

/* For completion: the argument spec that token `index` of `tokens` fills (index 0
 * is the command name: returns NULL), taking options and their values into
 * account; NULL if the token is beyond the spec or is an option name.  `index` may
 * equal tokens->len (the token being started). */
const ArgSpec *command_arg_for_token(const CommandSpec *spec, const TokenList *tokens,
                                     size_t index);

#endif
