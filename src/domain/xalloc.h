/* xalloc.h — allocation that aborts on failure (STYLE.md "Memory").
 * Every heap allocation in allot goes through this family; none returns NULL. */
#ifndef ALLOT_DOMAIN_XALLOC_H
#define ALLOT_DOMAIN_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
/* Grows or shrinks `p` to `n` bytes; on failure prints and aborts (never leaks `p`). */
void *xrealloc(void *p, size_t n);
/* Like xrealloc for an array of `count` items of `size` bytes; aborts on overflow. */
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);

#endif
