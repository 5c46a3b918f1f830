/* The command reference (assets/help/commands.md) and the command table list the
 * same subcommands, both ways. */
#include <criterion/criterion.h>
#include <string.h>

#include "drift_source.h"
#include "help/help_pages.h"
#include "page_index.h"

Test(help_drift, every_command_of_the_table_is_in_the_command_reference)
{
    PageIndex ix = {0};
    page_index_commands(&ix, help_page_find("commands")->markdown);
    cr_assert_gt(drift_command_count(), 0);
    for (size_t i = 0; i < drift_command_count(); i++) {
        const char *name = drift_command_name(i);
        int found = 0;
        for (size_t k = 0; k < ix.ncommands && !found; k++)
            found = strcmp(ix.commands[k], name) == 0;
        cr_expect(found, "command %s has no \"## allot %s ...\" section in assets/help/commands.md",
                  name, name);
    }
    page_index_fini(&ix);
}

Test(help_drift, every_command_in_the_reference_is_in_the_table)
{
    PageIndex ix = {0};
    page_index_commands(&ix, help_page_find("commands")->markdown);
    cr_assert_gt(ix.ncommands, 0);
    for (size_t k = 0; k < ix.ncommands; k++) {
        int found = 0;
        for (size_t i = 0; i < drift_command_count() && !found; i++)
            found = strcmp(ix.commands[k], drift_command_name(i)) == 0;
        cr_expect(found, "assets/help/commands.md documents allot %s, which the command table lacks",
                  ix.commands[k]);
    }
    page_index_fini(&ix);
}

Test(help_drift, each_command_heading_is_the_usage_line_of_the_table)
{
    PageIndex ix = {0};
    page_index_commands(&ix, help_page_find("commands")->markdown);
    for (size_t i = 0; i < drift_command_count(); i++) {
        char usage[256];
        drift_command_usage(i, usage, sizeof usage);
        for (size_t k = 0; k < ix.ncommands; k++)
            if (strcmp(ix.commands[k], drift_command_name(i)) == 0)
                cr_expect_str_eq(ix.usages[k], usage,
                                 "assets/help/commands.md heads %s \"allot %s\"; the table says "
                                 "\"allot %s\"", ix.commands[k], ix.usages[k], usage);
    }
    page_index_fini(&ix);
}
