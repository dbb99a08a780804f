/* See include/plugstack_check.h. Every rule here is a narrowing of one in PluginConfig.swift:
 * when in doubt, answer 0 and let the core decide. */
#include "plugstack_check.h"

#include <stddef.h>
#include <string.h>

/* ASCII only: PluginConfig lowercases with Unicode rules, which agree with these on ASCII. */
static int equals_ignoring_case(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        if (x != *b)
            return 0;
    }
    return *a == *b;
}

/* BooleanValue.parse: 1 or 0, or -1 when VALUE is not a boolean. */
static int boolean(const char *value)
{
    static const char *const on[] = { "1", "true", "yes", "y" };
    static const char *const off[] = { "0", "false", "no", "n" };
    for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
        if (equals_ignoring_case(value, on[i]))
            return 1;
        if (equals_ignoring_case(value, off[i]))
            return 0;
    }
    return -1;
}

static int digits(const char *text, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (text[i] < '0' || text[i] > '9')
            return 0;
    return count > 0;
}

/* PluginConfig's absolute path: '/' first, no space or control character, no '.' or '..'
 * component (visible ASCII is all this accepts: other bytes are left to the core). */
static int absolute_path(const char *value)
{
    if (value[0] != '/')
        return 0;
    for (const char *component = value; *component != '\0';) {
        while (*component == '/')
            component++;
        size_t length = strcspn(component, "/");
        if ((length == 1 && component[0] == '.') || (length == 2 && component[0] == '.' && component[1] == '.'))
            return 0;
        component += length;
    }
    return 1;
}

/* runtime_path: an absolute path that is not '/' once trailing slashes are dropped. */
static int runtime_path(const char *value)
{
    return absolute_path(value) && strspn(value, "/") != strlen(value);
}

/* ImageCachePath.expand: '%' only before 'u', 'U' or '%'. */
static int cache_pattern(const char *value)
{
    if (!absolute_path(value))
        return 0;
    for (const char *c = value; *c != '\0'; c++)
        if (*c == '%') {
            c++;
            if (*c != 'u' && *c != 'U' && *c != '%')
                return 0;
        }
    return 1;
}

/* SizeLimit.parse, narrowed: up to 18 digits alone, or up to 6 digits (with up to 6 decimals)
 * before K, M, G or T, then nothing, B or iB. Neither can overflow. */
static int size_limit(const char *value)
{
    size_t whole = strspn(value, "0123456789");
    const char *rest = value + whole;
    if (whole == 0)
        return 0;
    if (*rest == '\0')
        return whole <= 18;
    if (whole > 6)
        return 0;
    if (*rest == '.') {
        size_t fraction = strspn(rest + 1, "0123456789");
        if (fraction == 0 || fraction > 6)
            return 0;
        rest += 1 + fraction;
    }
    if (strchr("KMGTkmgt", *rest) == NULL || *rest == '\0')
        return 0;
    rest++;
    return strcmp(rest, "") == 0 || strcmp(rest, "B") == 0 || strcmp(rest, "iB") == 0;
}

static int seconds(const char *value)
{
    size_t count = strlen(value);
    return count <= 9 && digits(value, count);
}

static int valid_value(const char *key, size_t key_length, const char *value)
{
#define KEY(name) (key_length == sizeof(name) - 1 && strncmp(key, name, key_length) == 0)
    if (KEY("runtime_path"))
        return runtime_path(value);
    if (KEY("importer") || KEY("image_cache_command"))
        return absolute_path(value);
    if (KEY("image_cache"))
        return cache_pattern(value);
    if (KEY("execute_entrypoint") || KEY("sbatch_support") || KEY("use_enroot_load") ||
        KEY("image_cache_user") || KEY("image_cache_fallback"))
        return boolean(value) >= 0;
    if (KEY("use_squashfuse"))
        return equals_ignoring_case(value, "auto") || boolean(value) >= 0;
    if (KEY("container_scope"))
        return strcmp(value, "job") == 0 || strcmp(value, "global") == 0;
    if (KEY("image_cache_max"))
        return size_limit(value);
    if (KEY("image_cache_tag_ttl"))
        return seconds(value);
    return 0; /* a key this file does not know: the core's to judge */
#undef KEY
}

static int visible_ascii(const char *text)
{
    for (; *text != '\0'; text++)
        if (*text < 0x21 || *text > 0x7e)
            return 0;
    return 1;
}

int pyxis_plugstack_surely_valid(int argc, char *const argv[])
{
    for (int i = 0; i < argc; i++) {
        const char *argument = argv[i];
        const char *equals = strchr(argument, '=');
        if (equals == NULL || !visible_ascii(argument))
            return 0;
        size_t key_length = (size_t)(equals - argument);
        if (!valid_value(argument, key_length, equals + 1))
            return 0;
        /* A key given twice must have the same value each time. */
        for (int j = 0; j < i; j++)
            if (strncmp(argv[j], argument, key_length + 1) == 0 && strcmp(argv[j], argument) != 0)
                return 0;
    }
    return 1;
}

int pyxis_plugstack_sbatch_support(int argc, char *const argv[])
{
    static const char key[] = "sbatch_support=";
    int support = 1;
    for (int i = 0; i < argc; i++)
        if (strncmp(argv[i], key, sizeof(key) - 1) == 0 && boolean(argv[i] + sizeof(key) - 1) >= 0)
            support = boolean(argv[i] + sizeof(key) - 1);
    return support;
}
