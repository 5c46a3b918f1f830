#include "persistence/memory_uow.h"

#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"

typedef struct {
    Product **items; /* owned */
    size_t len, cap;
} ProductList;

typedef struct MemoryUow {
    UnitOfWork base;
    Repository repo;
    ProductList committed;
    ProductList working; /* copies handed out in the current unit of work */
    EventVec log;
    int64_t next_command_id; /* > 0 */
    int64_t command_id;      /* reserved by the current unit of work, or 0 */
    /* bulk */
    bool in_bulk, poisoned;
    ProductList backup;
    size_t backup_log_len;
    int64_t backup_next_command_id;
} MemoryUow;

static MemoryUow *from_uow(UnitOfWork *u) { return (MemoryUow *)u; }
static MemoryUow *from_repo(Repository *r)
{
    return (MemoryUow *)((char *)r - offsetof(MemoryUow, repo));
}

static void list_push(ProductList *l, Product *p)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = xreallocarray(l->items, l->cap, sizeof *l->items);
    }
    l->items[l->len++] = p;
}

static void list_clear(ProductList *l)
{
    for (size_t i = 0; i < l->len; i++)
        product_free(l->items[i]);
    l->len = 0;
}

static void list_fini(ProductList *l)
{
    list_clear(l);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static Product *list_find_sku(const ProductList *l, const char *sku)
{
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(product_sku(l->items[i]), sku) == 0)
            return l->items[i];
    return NULL;
}

static Product *list_find_ref(const ProductList *l, const char *ref)
{
    for (size_t i = 0; i < l->len; i++)
        if (product_find_batch(l->items[i], ref))
            return l->items[i];
    return NULL;
}


static Product *checkout(MemoryUow *m, Product *committed)
{
    Product *w = list_find_sku(&m->working, product_sku(committed));
    if (w)
        return w;
    w = product_clone_state(committed);
    list_push(&m->working, w);
    return w;
}

static AllotStatus repo_get(Repository *r, const char *sku, Product **out, ErrBuf *err)
{
    (void)err;
    MemoryUow *m = from_repo(r);
    Product *w = list_find_sku(&m->working, sku);
    if (!w) {
        Product *c = list_find_sku(&m->committed, sku);
        w = c ? checkout(m, c) : NULL;
    }
    *out = w;
    return ALLOT_OK;
}

static AllotStatus repo_get_by_batchref(Repository *r, const char *ref, Product **out,
                                        ErrBuf *err)
{
    (void)err;
    MemoryUow *m = from_repo(r);
    Product *w = list_find_ref(&m->working, ref);
    if (!w) {
        Product *c = list_find_ref(&m->committed, ref);
        w = c ? checkout(m, c) : NULL;
    }
    *out = w;
    return ALLOT_OK;
}

static AllotStatus repo_add(Repository *r, Product *p, ErrBuf *err)
{
    (void)err;
    list_push(&from_repo(r)->working, p);
    return ALLOT_OK;
}

static const RepositoryOps memory_repo_ops = {repo_get, repo_get_by_batchref, repo_add};

static AllotStatus mem_begin(UnitOfWork *u, ErrBuf *err)
{
    (void)err;
    MemoryUow *m = from_uow(u);
    list_clear(&m->working);
    repository_clear_seen(&m->repo);
    m->command_id = 0;
    return ALLOT_OK;
}

static AllotStatus mem_command_id(UnitOfWork *u, int64_t *id, ErrBuf *err)
{
    (void)err;
    MemoryUow *m = from_uow(u);
    if (m->command_id == 0)
        m->command_id = m->next_command_id;
    *id = m->command_id;
    return ALLOT_OK;
}

static AllotStatus mem_command_log(UnitOfWork *u, int64_t id, EventVec *out, int64_t *later,
                                   ErrBuf *err)
{
    (void)err;
    return event_log_command(&from_uow(u)->log, id, out, later);
}

static AllotStatus mem_latest_command(UnitOfWork *u, int64_t *id, ErrBuf *err)
{
    (void)err;
    *id = event_log_latest_command(&from_uow(u)->log);
    return ALLOT_OK;
}

/* Keeps the next command id above every line's request moment in `p`. */
static void raise_next_command_id(MemoryUow *m, const Product *p)
{
    for (size_t i = 0; i < product_line_count(p); i++)
        if (product_line(p, i)->requested >= m->next_command_id)
            m->next_command_id = product_line(p, i)->requested + 1;
}

static void put_committed(MemoryUow *m, Product *copy)
{
    for (size_t i = 0; i < m->committed.len; i++) {
        if (strcmp(product_sku(m->committed.items[i]), product_sku(copy)) == 0) {
            product_free(m->committed.items[i]);
            m->committed.items[i] = copy;
            return;
        }
    }
    list_push(&m->committed, copy);
}

static AllotStatus mem_commit(UnitOfWork *u, ErrBuf *err)
{
    (void)err;
    MemoryUow *m = from_uow(u);
    bool logged = false;
    for (size_t i = 0; i < m->working.len; i++) {
        const Product *w = m->working.items[i];
        const EventVec *ev = product_events(w);
        for (size_t e = 0; e < ev->len; e++)
            event_vec_push(&m->log, &ev->items[e]);
        if (ev->len)
            raise_next_command_id(m, w);
        logged |= ev->len > 0;
        put_committed(m, product_clone_state(w));
    }
    /* a command that logged nothing leaves its id to the next one */
    if (logged && m->command_id >= m->next_command_id)
        m->next_command_id = m->command_id + 1;
    m->command_id = 0;
    /* The working copies stay until the next begin so that the bus can collect
     * their events; they are not committed twice because begin clears them. */
    return ALLOT_OK;
}

static void mem_rollback(UnitOfWork *u)
{
    MemoryUow *m = from_uow(u);
    list_clear(&m->working);
    repository_clear_seen(&m->repo);
    m->command_id = 0;
    if (m->in_bulk)
        m->poisoned = true;
}

static AllotStatus mem_bulk_begin(UnitOfWork *u, ErrBuf *err)
{
    MemoryUow *m = from_uow(u);
    if (m->in_bulk)
        return err_set(err, ALLOT_ESTORAGE, "bulk work is already open");
    m->in_bulk = true;
    m->poisoned = false;
    for (size_t i = 0; i < m->committed.len; i++)
        list_push(&m->backup, product_clone_state(m->committed.items[i]));
    m->backup_log_len = m->log.len;
    m->backup_next_command_id = m->next_command_id;
    return ALLOT_OK;
}

static AllotStatus mem_bulk_end(UnitOfWork *u, bool commit, ErrBuf *err)
{
    MemoryUow *m = from_uow(u);
    if (!m->in_bulk)
        return err_set(err, ALLOT_ESTORAGE, "no bulk work is open");
    bool keep = commit && !m->poisoned;
    if (keep) {
        list_clear(&m->backup);
    } else {
        ProductList t = m->committed;
        m->committed = m->backup;
        m->backup = t;
        list_clear(&m->backup);
        m->log.len = m->backup_log_len;
        m->next_command_id = m->backup_next_command_id;
    }
    list_clear(&m->working);
    repository_clear_seen(&m->repo);
    m->in_bulk = false;
    if (commit && !keep)
        return err_set(err, ALLOT_ESTORAGE, "bulk work was rolled back: a step failed");
    return ALLOT_OK;
}

static void mem_destroy(UnitOfWork *u)
{
    MemoryUow *m = from_uow(u);
    list_fini(&m->working);
    list_fini(&m->committed);
    list_fini(&m->backup);
    event_vec_fini(&m->log);
    repository_fini(&m->repo);
    free(m);
}

static const UnitOfWorkOps memory_uow_ops = {
    mem_begin, mem_commit, mem_rollback, mem_bulk_begin, mem_bulk_end, mem_destroy,
    mem_command_id, mem_command_log, mem_latest_command,
    NULL, /* begin_read: begin (nothing to lock) */
};

UnitOfWork *memory_uow_new(void)
{
    MemoryUow *m = xcalloc(1, sizeof *m);
    m->base.ops = &memory_uow_ops;
    m->base.products = &m->repo;
    m->repo.ops = &memory_repo_ops;
    m->next_command_id = 1;
    event_vec_init(&m->log);
    return &m->base;
}

size_t memory_uow_product_count(UnitOfWork *uow) { return from_uow(uow)->committed.len; }

const Product *memory_uow_product(UnitOfWork *uow, size_t i)
{
    return from_uow(uow)->committed.items[i];
}

const EventVec *memory_uow_event_log(UnitOfWork *uow) { return &from_uow(uow)->log; }
