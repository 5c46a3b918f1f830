/* tool_copy.c — `allot copy FROM TO` (SPEC.md §3.1): a whole store into an empty one,
 * SQLite or PostgreSQL either way (persistence/store.h store_copy). */
#include <stdio.h>

#include "cli/cli.h"

AllotStatus tool_copy(Cli *cli, const ParsedCommand *pc, ErrBuf *err)
{
    StoreTarget from, to;
    AllotStatus st = store_target(pc->values[0], &from, err);
    if (st == ALLOT_OK)
        st = store_target(pc->values[1], &to, err);
    CopyCounts n;
    if (st == ALLOT_OK)
        st = store_copy(&from, &to, &n, err);
    if (st == ALLOT_OK)
        fprintf(cli->out, "copy: %lld product%s, %lld batch%s, %lld order line%s, %lld event%s from %s to %s\n",
                n.products, n.products == 1 ? "" : "s", n.batches, n.batches == 1 ? "" : "es",
                n.lines, n.lines == 1 ? "" : "s", n.events, n.events == 1 ? "" : "s", from.label,
                to.label);
    return st;
}
