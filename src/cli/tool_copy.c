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
        fprintf(cli->out, "copy: %lld products, %lld batches, %lld order lines, %lld events from %s to %s\n",
                n.products, n.batches, n.lines, n.events, from.label, to.label);
    return st;
}
