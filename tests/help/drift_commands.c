/* drift_commands.c — drift_source.h's commands over the command table
 * (src/app/command_table.h). */
#include "app/command_table.h"
#include "drift_source.h"

size_t drift_command_count(void)
{
    return command_table_count();
}

const char *drift_command_name(size_t i)
{
    return command_table_at(i)->name;
}

const char *drift_command_usage(size_t i, char *buf, size_t size)
{
    return command_usage(command_table_at(i), buf, size);
}
