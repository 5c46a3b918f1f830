/* handlers.h — the command and event handlers of the service layer (SPEC.md §1.2,
 * §2).  A command handler loads the product through the repository of the unit
 * of work that the bus has begun (uow_products), and applies one domain rule; the
 * bus stamps the events with the command id and actor, commits, or rolls back
 * when the handler fails (message_bus.h).  Wired by bootstrap(); exposed for tests.
 *
 * Errors common to all command handlers: ALLOT_ESTORAGE (loading, the command id).
 */
#ifndef ALLOT_APP_HANDLERS_H
#define ALLOT_APP_HANDLERS_H

#include "app/message_bus.h"

/* §1.2 rule 1.  res->batchref gets the batch or "".  Errors: ALLOT_EINVALID_SKU
 * ("invalid sku SKU"), ALLOT_ELINE_QTY_MISMATCH. */
AllotStatus handle_allocate(const Command *cmd, UnitOfWork *uow, CommandResult *res,
                            ErrBuf *err);
/* §1.2 rule 2.  Errors: ALLOT_EDUPLICATE_BATCH (the ref exists in any product). */
AllotStatus handle_create_batch(const Command *cmd, UnitOfWork *uow, CommandResult *res,
                                ErrBuf *err);
/* §1.2 rule 3.  Errors: ALLOT_EUNKNOWN_BATCH. */
AllotStatus handle_change_batch_qty(const Command *cmd, UnitOfWork *uow, CommandResult *res,
                                    ErrBuf *err);
/* §1.2 rule 4.  Errors: ALLOT_EUNKNOWN_BATCH. */
AllotStatus handle_change_batch_eta(const Command *cmd, UnitOfWork *uow, CommandResult *res,
                                    ErrBuf *err);
/* §1.2 rule 5.  Errors: ALLOT_EINVALID_SKU, ALLOT_EUNKNOWN_LINE. */
AllotStatus handle_cancel_line(const Command *cmd, UnitOfWork *uow, CommandResult *res,
                               ErrBuf *err);
/* §4 allocations import.  Errors: ALLOT_EUNKNOWN_BATCH, ALLOT_ESKU_MISMATCH,
 * ALLOT_ELINE_QTY_MISMATCH, ALLOT_ENO_ROOM. */
AllotStatus handle_allocate_to(const Command *cmd, UnitOfWork *uow, CommandResult *res,
                               ErrBuf *err);

/* §1.2 rule 7 after an allocations import: rule 6 on product cmd->sku.  An
 * unknown SKU changes nothing (no error). */
AllotStatus handle_retry_backorders(const Command *cmd, UnitOfWork *uow, CommandResult *res,
                                    ErrBuf *err);

/* §1.6 Undo of command cmd->target (0: the latest of the log): every product it
 * changed goes back exactly as it was (product_undo); res->undone gets its id.
 * Errors: ALLOT_EUNKNOWN_COMMAND (no such command, or an empty log),
 * ALLOT_EUNDO_REFUSED ("cannot undo command 7: command 9 changed LAMP since"),
 * ALLOT_EINVALID (the product is not as the command left it). */
AllotStatus handle_undo(const Command *cmd, UnitOfWork *uow, CommandResult *res, ErrBuf *err);

/* §2 Notifications: sends an OutOfStock to deps->notifier. */
AllotStatus handle_notify_out_of_stock(const Event *ev, HandlerDeps *deps, ErrBuf *err);

#endif
