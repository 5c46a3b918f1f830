/* A thin SQLite VFS over the default one that writes each transaction's WAL frames
 * with one system call (sqlite_schema.h, sqlite_vfs_name).
 *
 * SQLite appends a commit's frames to the -wal file one write per frame header and
 * one per page; on this kind of machine the system calls, not the bytes, are what a
 * small transaction costs.  This shim gathers consecutive appends to a -wal file in
 * a buffer and writes the buffer:
 *   - right after the page of a commit frame (a frame header whose "database size
 *     after commit" field is non-zero), so the commit's write error reaches SQLite
 *     before it publishes the commit in the wal-index;
 *   - before any read, sync, truncate, size query, file control or close of that
 *     file, before a write that does not follow the buffer, and when it is full.
 * Only the connection that owns a -wal file handle touches its buffer: another
 * connection of the process (another thread of `allot serve`) never needs it, since
 * it only reads frames that were committed, and a commit's frames are written out
 * before SQLite publishes the commit in the wal-index.  (Flushing every buffer at
 * each shared-memory barrier, as this shim once did, let a reader's barrier write a
 * writer's buffer while that writer filled it from its own thread: a torn -wal.)
 * A process that dies with frames still buffered had not committed them: the same
 * as dying before writing them.  Everything else is passed through unchanged.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <threads.h>

#include "persistence/sqlite_schema.h"

#define SHIM_NAME "allot-walbuf"
/* Below 128 KiB: the unix VFS writes at most 0x1ffff bytes per call (it never
 * expects more than a page), so a larger buffer would be cut short. */
#define WAL_BUF_CAP (96 * 1024)
#define WAL_FRAME_HDR 24

typedef struct ShimFile ShimFile;
struct ShimFile {
    sqlite3_file base;
    sqlite3_file *sub; /* the default VFS's file, stored right after this struct */
    bool wal;
    bool commit_next;  /* the next write is the page of a commit frame */
    unsigned char *buf;
    int len;
    sqlite3_int64 off; /* file offset of buf[0] */
};

/* The registered VFS.  Process-wide because SQLite's VFS registry is. */
static struct {
    sqlite3_vfs vfs;
    sqlite3_vfs *root;
} shim;

#define SUB(f) (((ShimFile *)(f))->sub)

static int flush(ShimFile *f)
{
    if (f->len == 0)
        return SQLITE_OK;
    int rc = f->sub->pMethods->xWrite(f->sub, f->buf, f->len, f->off);
    f->len = 0;
    return rc;
}

static int shim_close(sqlite3_file *file)
{
    ShimFile *f = (ShimFile *)file;
    int rc = SQLITE_OK;
    if (f->wal) {
        rc = flush(f);
        sqlite3_free(f->buf);
    }
    int rc2 = f->sub->pMethods->xClose(f->sub);
    return rc != SQLITE_OK ? rc : rc2;
}

static int shim_read(sqlite3_file *file, void *out, int amt, sqlite3_int64 off)
{
    ShimFile *f = (ShimFile *)file;
    int rc = f->wal ? flush(f) : SQLITE_OK;
    return rc != SQLITE_OK ? rc : f->sub->pMethods->xRead(f->sub, out, amt, off);
}

static int shim_write(sqlite3_file *file, const void *data, int amt, sqlite3_int64 off)
{
    ShimFile *f = (ShimFile *)file;
    if (!f->wal)
        return f->sub->pMethods->xWrite(f->sub, data, amt, off);
    bool follows = f->len > 0 && off == f->off + f->len;
    if (!follows || f->len + amt > WAL_BUF_CAP) {
        int rc = flush(f);
        if (rc != SQLITE_OK)
            return rc;
    }
    if (amt > WAL_BUF_CAP || !f->buf) {
        f->commit_next = false;
        return f->sub->pMethods->xWrite(f->sub, data, amt, off);
    }
    if (f->len == 0)
        f->off = off;
    memcpy(f->buf + f->len, data, (size_t)amt);
    f->len += amt;
    if (f->commit_next) {
        f->commit_next = false;
        return flush(f);
    }
    if (amt == WAL_FRAME_HDR) {
        const unsigned char *h = data;
        f->commit_next = (h[4] | h[5] | h[6] | h[7]) != 0;
    }
    return SQLITE_OK;
}

static int shim_truncate(sqlite3_file *file, sqlite3_int64 size)
{
    ShimFile *f = (ShimFile *)file;
    int rc = f->wal ? flush(f) : SQLITE_OK;
    return rc != SQLITE_OK ? rc : f->sub->pMethods->xTruncate(f->sub, size);
}

static int shim_sync(sqlite3_file *file, int flags)
{
    ShimFile *f = (ShimFile *)file;
    int rc = f->wal ? flush(f) : SQLITE_OK;
    return rc != SQLITE_OK ? rc : f->sub->pMethods->xSync(f->sub, flags);
}

static int shim_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
    ShimFile *f = (ShimFile *)file;
    int rc = f->wal ? flush(f) : SQLITE_OK;
    return rc != SQLITE_OK ? rc : f->sub->pMethods->xFileSize(f->sub, size);
}

static int shim_lock(sqlite3_file *f, int lock) { return SUB(f)->pMethods->xLock(SUB(f), lock); }
static int shim_unlock(sqlite3_file *f, int lock)
{
    return SUB(f)->pMethods->xUnlock(SUB(f), lock);
}
static int shim_check_reserved(sqlite3_file *f, int *out)
{
    return SUB(f)->pMethods->xCheckReservedLock(SUB(f), out);
}

static int shim_file_control(sqlite3_file *file, int op, void *arg)
{
    ShimFile *f = (ShimFile *)file;
    int rc = f->wal ? flush(f) : SQLITE_OK;
    return rc != SQLITE_OK ? rc : f->sub->pMethods->xFileControl(f->sub, op, arg);
}

static int shim_sector_size(sqlite3_file *f) { return SUB(f)->pMethods->xSectorSize(SUB(f)); }
static int shim_device_chars(sqlite3_file *f)
{
    return SUB(f)->pMethods->xDeviceCharacteristics(SUB(f));
}
static int shim_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
    return SUB(f)->pMethods->xShmMap(SUB(f), pg, pgsz, extend, pp);
}
static int shim_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return SUB(f)->pMethods->xShmLock(SUB(f), offset, n, flags);
}

static void shim_shm_barrier(sqlite3_file *f) { SUB(f)->pMethods->xShmBarrier(SUB(f)); }

static int shim_shm_unmap(sqlite3_file *f, int del)
{
    return SUB(f)->pMethods->xShmUnmap(SUB(f), del);
}
static int shim_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
    return SUB(f)->pMethods->xFetch(SUB(f), off, amt, pp);
}
static int shim_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return SUB(f)->pMethods->xUnfetch(SUB(f), off, p);
}

static const sqlite3_io_methods shim_methods = {
    3,
    shim_close,
    shim_read,
    shim_write,
    shim_truncate,
    shim_sync,
    shim_file_size,
    shim_lock,
    shim_unlock,
    shim_check_reserved,
    shim_file_control,
    shim_sector_size,
    shim_device_chars,
    shim_shm_map,
    shim_shm_lock,
    shim_shm_barrier,
    shim_shm_unmap,
    shim_fetch,
    shim_unfetch,
};

static size_t shim_file_bytes(void) { return (sizeof(ShimFile) + 15) & ~(size_t)15; }

static int shim_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags,
                     int *out_flags)
{
    (void)vfs;
    ShimFile *f = (ShimFile *)file;
    memset(f, 0, sizeof *f);
    f->sub = (sqlite3_file *)((char *)f + shim_file_bytes());
    int rc = shim.root->xOpen(shim.root, name, f->sub, flags, out_flags);
    if (rc != SQLITE_OK || !f->sub->pMethods) {
        f->base.pMethods = NULL;
        return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
    }
    if (f->sub->pMethods->iVersion < 3) {
        /* a root VFS without shared memory or mmap: pass it through untouched by
         * presenting its own methods is not possible here, so refuse */
        f->sub->pMethods->xClose(f->sub);
        f->base.pMethods = NULL;
        return SQLITE_CANTOPEN;
    }
    if (flags & SQLITE_OPEN_WAL) {
        f->wal = true;
        f->buf = sqlite3_malloc(WAL_BUF_CAP); /* NULL: writes go straight through */
    }
    f->base.pMethods = &shim_methods;
    return SQLITE_OK;
}

/* Process-wide options, set before SQLite initialises itself (it refuses them
 * afterwards, changing nothing).  No memory statistics: with them every
 * allocation and free of SQLite takes a global mutex and counts (about 5 % of the
 * instructions of an Allocate; issue 15).  allot reads none of them. */
static void library_options(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

void sqlite_library_init(void)
{
    static once_flag once = ONCE_FLAG_INIT;
    call_once(&once, library_options);
}

const char *sqlite_vfs_name(void)
{
    sqlite_library_init();
    sqlite3_mutex *m = sqlite3_mutex_alloc(SQLITE_MUTEX_STATIC_VFS1);
    sqlite3_mutex_enter(m);
    if (!shim.root) {
        sqlite3_vfs *root = sqlite3_vfs_find(NULL);
        if (root) {
            shim.vfs = *root;
            shim.vfs.pNext = NULL;
            shim.vfs.zName = SHIM_NAME;
            shim.vfs.szOsFile = (int)shim_file_bytes() + root->szOsFile;
            shim.vfs.xOpen = shim_open;
            shim.root = root;
            if (sqlite3_vfs_register(&shim.vfs, 0) != SQLITE_OK)
                shim.root = NULL;
        }
    }
    const char *name = shim.root ? SHIM_NAME : NULL;
    sqlite3_mutex_leave(m);
    return name;
}
