/* commands.h — commands as plain tagged structs (SPEC.md §1.2, §2).
 *
 *   type                   fields used                 rule
 *   CMD_ALLOCATE           orderid sku qty need requested   §1.2 rule 1, §1.4
 *   CMD_CREATE_BATCH       ref sku qty eta             §1.2 rule 2
 *   CMD_CHANGE_BATCH_QTY   ref qty                     §1.2 rule 3
 *   CMD_CHANGE_BATCH_ETA   ref eta (ALLOT_NO_ETA=none) §1.2 rule 4
 *   CMD_CANCEL_LINE        orderid sku                 §1.2 rule 5
 *   CMD_ALLOCATE_TO        orderid sku qty ref need requested   §4 "allocations"
 *                          import: puts the line on the named batch (restoring an export)
 *   CMD_RETRY_BACKORDERS   sku                         §1.2 rule 7 after an
 *                          "allocations" import: rule 6 on its own
 *   CMD_UNDO               target (a command id; 0 = the latest)   §1.6
 *
 * `need` is the line's need date (ALLOT_NO_DATE: none); `requested` its moment of
 * first request when restoring an export (0: now, i.e. the command id).  `actor`
 * says who sends the command (SPEC.md §1.6; "" = the process's own actor).
 *
 * Fields hold values already checked at the edge (validate.h).  Commands are values.
 */
#ifndef ALLOT_DOMAIN_COMMANDS_H
#define ALLOT_DOMAIN_COMMANDS_H

#include <stdint.h>

#include "domain/validate.h"

#define ALLOT_COMMAND_TYPE_MAP(X)                       \
    X(CMD_ALLOCATE, "Allocate")                         \
    X(CMD_CREATE_BATCH, "CreateBatch")                  \
    X(CMD_CHANGE_BATCH_QTY, "ChangeBatchQuantity")      \
    X(CMD_CHANGE_BATCH_ETA, "ChangeBatchEta")           \
    X(CMD_CANCEL_LINE, "CancelOrderLine")               \
    X(CMD_ALLOCATE_TO, "AllocateTo")                    \
    X(CMD_RETRY_BACKORDERS, "RetryBackorders")          \
    X(CMD_UNDO, "Undo")

typedef enum CommandType {
#define ALLOT_COMMAND_ENUM(name, text) name,
    ALLOT_COMMAND_TYPE_MAP(ALLOT_COMMAND_ENUM)
#undef ALLOT_COMMAND_ENUM
    CMD_TYPE_COUNT
} CommandType;

typedef struct Command {
    CommandType type;
    AllotId orderid;
    AllotId sku;
    AllotId ref;
    int64_t qty;
    int32_t eta;
    int32_t need;
    int64_t requested;
    int64_t target; /* CMD_UNDO: the command to undo, 0 = the latest */
    AllotId actor;
} Command;

/* The name of a command type ("ChangeBatchQuantity"); never NULL. */
const char *command_type_name(CommandType t);

/* Constructors that copy their text arguments (which must already be valid
 * identifiers of at most ALLOT_ID_MAX bytes; longer ones are cut). */
Command command_allocate(const char *orderid, const char *sku, int64_t qty);
Command command_create_batch(const char *ref, const char *sku, int64_t qty, int32_t eta);
Command command_change_batch_qty(const char *ref, int64_t qty);
Command command_change_batch_eta(const char *ref, int32_t eta);
Command command_cancel_line(const char *orderid, const char *sku);
Command command_allocate_to(const char *orderid, const char *sku, int64_t qty, const char *ref);
Command command_retry_backorders(const char *sku);
Command command_undo(int64_t target);
/* The same command with need date `need` and request moment `requested` (>= 0). */
Command command_with_need(Command c, int32_t need, int64_t requested);

#endif
