/* Resource handle tables; the model's checks in the model's order (see wrt_handles.h). */
#include "wrt_handles.h"

#include <stddef.h>

void wrt_handles_init(wrt_handle_table *o_table, wrt_handle *io_slots, uint32_t capacity) {
    o_table->slots = io_slots;
    o_table->capacity = capacity;
    o_table->length = 1u;
    o_table->free_head = 0u;
}

const wrt_handle *wrt_handles_get(const wrt_handle_table *i_table, uint32_t index) {
    const wrt_handle *h;
    if (index == 0u || index >= i_table->length) return NULL;
    h = &i_table->slots[index - 1u];
    return h->state == WRT_HANDLE_FREE ? NULL : h;
}

/* Table.add: the last freed index first, else the next fresh one while the capacity lasts. */
static int add(wrt_handle_table *io_table, wrt_handle entry, uint32_t *o_index) {
    uint32_t index;
    if (io_table->free_head != 0u) {
        index = io_table->free_head;
        io_table->free_head = io_table->slots[index - 1u].rep;
    } else {
        if (io_table->length > io_table->capacity) return WRT_HANDLE_TRAP_FULL;
        index = io_table->length++;
    }
    io_table->slots[index - 1u] = entry;
    *o_index = index;
    return WRT_HANDLE_OK;
}

/* Table.remove: the handle as it was, its slot pushed on the free stack. */
static int remove_at(wrt_handle_table *io_table, uint32_t index, wrt_handle *o_removed) {
    wrt_handle *h;
    if (wrt_handles_get(io_table, index) == NULL) return WRT_HANDLE_TRAP_INVALID;
    h = &io_table->slots[index - 1u];
    *o_removed = *h;
    h->state = WRT_HANDLE_FREE;
    h->rep = io_table->free_head;
    io_table->free_head = index;
    return WRT_HANDLE_OK;
}

int wrt_handles_new_own(wrt_handle_table *io_table, uint16_t rt, uint32_t rep, uint32_t *o_index) {
    wrt_handle h = {rep, rt, 0u, 0u, WRT_HANDLE_OWN, 0u};
    return add(io_table, h, o_index);
}

int wrt_handles_new_borrow(wrt_handle_table *io_table, uint16_t rt, uint32_t rep, uint16_t scope,
                           uint32_t *io_scope_borrows, uint32_t *o_index) {
    wrt_handle h = {rep, rt, 0u, scope, WRT_HANDLE_BORROW, 0u};
    /* The model counts the borrow before adding it; a full table traps either way. */
    *io_scope_borrows += 1u;
    return add(io_table, h, o_index);
}

int wrt_handles_lift_own(wrt_handle_table *io_table, uint32_t index, uint16_t rt, uint32_t *o_rep) {
    wrt_handle h;
    int rc = remove_at(io_table, index, &h);
    if (rc != WRT_HANDLE_OK) return rc;
    if (h.rt != rt) return WRT_HANDLE_TRAP_TYPE;
    if (h.lends != 0u) return WRT_HANDLE_TRAP_LENT;
    if (h.state != WRT_HANDLE_OWN) return WRT_HANDLE_TRAP_NOT_OWN;
    *o_rep = h.rep;
    return WRT_HANDLE_OK;
}

int wrt_handles_lift_borrow(wrt_handle_table *io_table, uint32_t index, uint16_t rt, uint32_t *o_rep) {
    wrt_handle *h = (wrt_handle *)wrt_handles_get(io_table, index);
    if (h == NULL) return WRT_HANDLE_TRAP_INVALID;
    if (h->rt != rt) return WRT_HANDLE_TRAP_TYPE;
    /* A handle can be lent to at most every call on the nesting stack at once: far below 2^16. */
    h->lends++;
    *o_rep = h->rep;
    return WRT_HANDLE_OK;
}

void wrt_handles_end_lend(wrt_handle_table *io_table, uint32_t index) {
    wrt_handle *h = (wrt_handle *)wrt_handles_get(io_table, index);
    /* A lent handle cannot be removed (lift_own and drop refuse it), so it is still here. */
    if (h != NULL && h->lends > 0u) h->lends--;
}

int wrt_handles_drop(wrt_handle_table *io_table, uint32_t index, uint16_t rt, uint32_t *io_scope_borrows,
                     uint32_t nscopes, uint32_t *o_dtor_rep, bool *o_run_dtor) {
    wrt_handle h;
    int rc = remove_at(io_table, index, &h);
    *o_run_dtor = false;
    if (rc != WRT_HANDLE_OK) return rc;
    if (h.rt != rt) return WRT_HANDLE_TRAP_TYPE;
    if (h.lends != 0u) return WRT_HANDLE_TRAP_LENT;
    if (h.state == WRT_HANDLE_OWN) {
        *o_dtor_rep = h.rep;
        *o_run_dtor = true;
    } else if (h.scope < nscopes && io_scope_borrows[h.scope] > 0u) {
        io_scope_borrows[h.scope]--;
    }
    return WRT_HANDLE_OK;
}

int wrt_handles_rep(const wrt_handle_table *i_table, uint32_t index, uint16_t rt, uint32_t *o_rep) {
    const wrt_handle *h = wrt_handles_get(i_table, index);
    if (h == NULL) return WRT_HANDLE_TRAP_INVALID;
    if (h->rt != rt) return WRT_HANDLE_TRAP_TYPE;
    *o_rep = h->rep;
    return WRT_HANDLE_OK;
}

int wrt_handles_task_return(uint32_t scope_borrows) {
    return scope_borrows > 0u ? WRT_HANDLE_TRAP_BORROWS : WRT_HANDLE_OK;
}
