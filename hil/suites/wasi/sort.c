/*
 * Sorts 64 pseudo-random integers with an insertion sort and with qsort, prints the first and
 * last few, and exits 0 only when both orders agree and are ascending.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT 64

static int compare_ints(const void *a, const void *b)
{
    int x = *(const int *)a;
    int y = *(const int *)b;
    return (x > y) - (x < y);
}

static void insertion_sort(int *values, int count)
{
    for (int i = 1; i < count; i++) {
        int key = values[i];
        int j = i - 1;
        while (j >= 0 && values[j] > key) {
            values[j + 1] = values[j];
            j--;
        }
        values[j + 1] = key;
    }
}

int main(void)
{
    int by_insertion[COUNT];
    int by_qsort[COUNT];
    unsigned state = 2024u;
    for (int i = 0; i < COUNT; i++) {
        state = state * 1664525u + 1013904223u;
        by_insertion[i] = (int)(state >> 20) - 2048;
    }
    memcpy(by_qsort, by_insertion, sizeof by_insertion);
    insertion_sort(by_insertion, COUNT);
    qsort(by_qsort, COUNT, sizeof by_qsort[0], compare_ints);
    if (memcmp(by_insertion, by_qsort, sizeof by_qsort) != 0) {
        puts("insertion sort and qsort disagree");
        return 2;
    }
    for (int i = 1; i < COUNT; i++) {
        if (by_insertion[i - 1] > by_insertion[i]) {
            puts("not ascending");
            return 3;
        }
    }
    printf("min %d max %d\n", by_insertion[0], by_insertion[COUNT - 1]);
    printf("first:");
    for (int i = 0; i < 5; i++) printf(" %d", by_insertion[i]);
    printf("\nlast:");
    for (int i = COUNT - 5; i < COUNT; i++) printf(" %d", by_insertion[i]);
    printf("\n");
    return 0;
}
