/*
 * The application table of a build without --natives: no entries. C has no empty arrays, so the
 * one element is never read (the count is 0).
 */
#include "wrt_native.h"

wrt_native wrt_native_app_table[1];
const uint32_t wrt_native_app_count = 0u;
