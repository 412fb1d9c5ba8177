/* Dev-only driver of the handle-table differential (tools/cabi/handles.py): one sequence of
 * handle operations a line on stdin, what each did a line on stdout, through wrt_handles.c as the
 * component runtime uses it.
 *
 * Case:   capacity nops op...
 *         n:rt:rep          canon resource.new / lower_own         -> index
 *         b:rt:rep:scope    lower_borrow into task `scope`         -> index
 *         o:index:rt        lift_own                               -> rep
 *         l:index:rt        lift_borrow, lent to the current call  -> rep
 *         e                 the current call returns: its lends end
 *         d:index:rt        canon resource.drop                    -> destructor rep or -
 *         p:index:rt        canon resource.rep                     -> rep
 *         r:scope           task `scope` returns
 * Result: one token an op that ran (the value, or `.`), then `T<status>` if one trapped (the
 *         sequence stops there, as a trap ends the instance). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wrt_handles.h"
#include "line_tokens.h"

#define MAX_CAPACITY 4096u
#define MAX_LENDERS 4096u
#define SCOPES 4u
#define MAX_LINE (1u << 20)

static wrt_handle slots[MAX_CAPACITY];
static uint32_t lenders[MAX_LENDERS];
static char line[MAX_LINE];


static int one_case(char *p) {
    wrt_handle_table table;
    uint32_t borrows[SCOPES] = {0};
    uint32_t capacity, nops, i, nlenders = 0;
    char *tok = next_token(&p);
    if (*tok == '\0') return 0;
    capacity = (uint32_t)strtoul(tok, 0, 10);
    if (capacity > MAX_CAPACITY) return -1;
    wrt_handles_init(&table, slots, capacity);
    nops = (uint32_t)strtoul(next_token(&p), 0, 10);
    for (i = 0; i < nops; i++) {
        char *op = next_token(&p), *rest = op + 2;
        uint32_t a = 0, b = 0, c = 0, out = 0;
        bool dtor = false;
        int rc = WRT_HANDLE_OK;
        if (op[1] == ':') {
            a = (uint32_t)strtoul(rest, &rest, 10);
            if (*rest == ':') b = (uint32_t)strtoul(rest + 1, &rest, 10);
            if (*rest == ':') c = (uint32_t)strtoul(rest + 1, &rest, 10);
        }
        switch (op[0]) {
        case 'n': rc = wrt_handles_new_own(&table, (uint16_t)a, b, &out); break;
        case 'b':
            if (c >= SCOPES) return -1;
            rc = wrt_handles_new_borrow(&table, (uint16_t)a, b, (uint16_t)c, &borrows[c], &out);
            break;
        case 'o': rc = wrt_handles_lift_own(&table, a, (uint16_t)b, &out); break;
        case 'l':
            rc = wrt_handles_lift_borrow(&table, a, (uint16_t)b, &out);
            if (rc == WRT_HANDLE_OK) {
                if (nlenders == MAX_LENDERS) return -1;
                lenders[nlenders++] = a;
            }
            break;
        case 'e':
            while (nlenders > 0u) wrt_handles_end_lend(&table, lenders[--nlenders]);
            break;
        case 'd': rc = wrt_handles_drop(&table, a, (uint16_t)b, borrows, SCOPES, &out, &dtor); break;
        case 'p': rc = wrt_handles_rep(&table, a, (uint16_t)b, &out); break;
        case 'r':
            if (a >= SCOPES) return -1;
            rc = wrt_handles_task_return(borrows[a]);
            break;
        default: return -1;
        }
        if (rc != WRT_HANDLE_OK) {
            printf("%sT%d", i == 0u ? "" : " ", rc);
            break;
        }
        if (i > 0u) printf(" ");
        if (op[0] == 'e' || op[0] == 'r' || (op[0] == 'd' && !dtor)) printf(op[0] == 'd' ? "-" : ".");
        else printf("%u", out);
    }
    printf("\n");
    return 1;
}

int main(void) {
    while (fgets(line, sizeof line, stdin) != 0) {
        int rc = one_case(line);
        if (rc < 0) { fprintf(stderr, "handles driver: malformed case\n"); return 2; }
        fflush(stdout);
    }
    return 0;
}
