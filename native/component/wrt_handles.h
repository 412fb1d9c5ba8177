/*
 * Resource handle tables of the component runtime: one table a component instance, of a fixed
 * capacity the profile gives, in memory the caller owns (the arena). They follow the canonical ABI
 * model (component-model/design/mvp/canonical-abi/definitions.py: Table, ResourceHandle,
 * lift_own / lift_borrow / lower_own / lower_borrow, canon resource.new / drop / rep) check for
 * check and in the model's order, so a trap here is the trap the model raises, and an index is
 * the index the model hands out: index 0 is never used, a freed index is reused last-freed first,
 * and a table of capacity N holds indices 1..N, its N+1-th handle a trap (the model's MAX_LENGTH
 * is N). Freestanding C11, no allocation; every operation is O(1).
 */
#ifndef WRT_HANDLES_H
#define WRT_HANDLES_H

#include <stdbool.h>
#include <stdint.h>

enum wrt_handle_status {
    WRT_HANDLE_OK = 0,
    WRT_HANDLE_TRAP_INVALID = 1,   /* index 0, past the table, or free */
    WRT_HANDLE_TRAP_TYPE = 2,      /* a handle of another resource type */
    WRT_HANDLE_TRAP_LENT = 3,      /* an own handle lent to a call still running */
    WRT_HANDLE_TRAP_NOT_OWN = 4,   /* a borrow handle where an own one is needed */
    WRT_HANDLE_TRAP_FULL = 5,      /* the table holds its capacity already */
    WRT_HANDLE_TRAP_BORROWS = 6    /* a call returned with borrow handles it did not drop */
};

enum wrt_handle_state { WRT_HANDLE_FREE = 0, WRT_HANDLE_OWN = 1, WRT_HANDLE_BORROW = 2 };

/* 12 bytes a handle: the RAM a profile's handle count costs. */
typedef struct wrt_handle {
    uint32_t rep;      /* the resource's representation; while free, the next free index */
    uint16_t rt;       /* resource type, numbered by the plan */
    uint16_t lends;    /* calls this own handle is lent to */
    uint16_t scope;    /* a borrow's task (nesting level): its borrow count drops with it */
    uint8_t state;     /* enum wrt_handle_state */
    uint8_t reserved;
} wrt_handle;

typedef struct wrt_handle_table {
    wrt_handle *slots;   /* slots[i - 1] holds index i */
    uint32_t capacity;
    uint32_t length;     /* 1 + the highest index handed out so far */
    uint32_t free_head;  /* the index add reuses next, 0 for none */
} wrt_handle_table;

/* A table of `capacity` handles over `slots` (capacity entries). */
void wrt_handles_init(wrt_handle_table *o_table, wrt_handle *io_slots, uint32_t capacity);

/* The live handle at `index`, or NULL (the model's Table.get trapping). */
const wrt_handle *wrt_handles_get(const wrt_handle_table *i_table, uint32_t index);

/* lower_own and canon resource.new: a new own handle of `rep`. */
int wrt_handles_new_own(wrt_handle_table *io_table, uint16_t rt, uint32_t rep, uint32_t *o_index);

/*
 * lower_borrow into an instance that does not implement `rt`: a borrow handle counted against
 * the task at `scope` (*io_scope_borrows += 1). An instance that implements `rt` gets the rep
 * itself and never calls this.
 */
int wrt_handles_new_borrow(wrt_handle_table *io_table, uint16_t rt, uint32_t rep, uint16_t scope,
                           uint32_t *io_scope_borrows, uint32_t *o_index);

/* lift_own: removes the handle (before its checks, as the model does) and gives its rep. */
int wrt_handles_lift_own(wrt_handle_table *io_table, uint32_t index, uint16_t rt, uint32_t *o_rep);

/* lift_borrow: gives the rep and lends the handle until wrt_handles_end_lend of the same index. */
int wrt_handles_lift_borrow(wrt_handle_table *io_table, uint32_t index, uint16_t rt, uint32_t *o_rep);

/* The end of the call a handle was lent to (Subtask.deliver_resolve). */
void wrt_handles_end_lend(wrt_handle_table *io_table, uint32_t index);

/*
 * canon resource.drop: removes the handle. An own handle's rep goes to *o_dtor_rep with
 * *o_run_dtor set (the caller runs the type's destructor, if it has one); a borrow handle drops
 * its task's count, scope_borrows[its scope] (nscopes entries).
 */
int wrt_handles_drop(wrt_handle_table *io_table, uint32_t index, uint16_t rt, uint32_t *io_scope_borrows,
                     uint32_t nscopes, uint32_t *o_dtor_rep, bool *o_run_dtor);

/* canon resource.rep. */
int wrt_handles_rep(const wrt_handle_table *i_table, uint32_t index, uint16_t rt, uint32_t *o_rep);

/* Task.return_: a task may not return while borrow handles it was given are live. */
int wrt_handles_task_return(uint32_t scope_borrows);

#endif
