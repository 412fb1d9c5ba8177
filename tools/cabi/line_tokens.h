/* Dev-only: the line format both differential drivers read (driver.c, handles_driver.c). */
#ifndef WRT_TOOLS_LINE_TOKENS_H
#define WRT_TOOLS_LINE_TOKENS_H

/* The next space-separated token, NUL-terminated in place; "" at the end of the line. */
static char *next_token(char **pp) {
    char *s = *pp, *t;
    while (*s == ' ' || *s == '\n') s++;
    t = s;
    while (*s != '\0' && *s != ' ' && *s != '\n') s++;
    if (*s != '\0') *s++ = '\0';
    *pp = s;
    return t;
}

#endif
