/*
 * Replaces the Swift runtime's CommandLine support (CommandLine.cpp in libswiftCore.a).
 *
 * Why: that object carries a load-time constructor that opens and scans /proc/self/maps to
 * find the process's argv. Inside srun and slurmstepd that costs every step a few hundred
 * microseconds for nothing: the plugin never reads CommandLine.arguments. Defining the two
 * symbols the Swift stdlib needs from that object keeps the linker from pulling it out of the
 * static archive, and with it the constructor. CommandLine.arguments is empty in the plugin.
 */
#include <stddef.h>

char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen)
{
    static char *empty[] = { NULL };
    *outArgLen = 0;
    return empty;
}

void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc)
{
    (void)argv;
    (void)argc;
}
