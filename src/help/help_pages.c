/* help_pages.c — see help_pages.h (the table itself is generated). */
#include "help/help_pages.h"

#include <strings.h>

const HelpPage *help_page_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < help_pages_count; i++)
        if (strcasecmp(help_pages[i].name, name) == 0)
            return &help_pages[i];
    return NULL;
}
