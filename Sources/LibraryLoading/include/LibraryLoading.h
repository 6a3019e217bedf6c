#ifndef HUM_LIBRARY_LOADING_H
#define HUM_LIBRARY_LOADING_H

#include <stddef.h>

/* Opens the shared library `soname` and looks up `count` functions by `names`, storing each address in
 * the matching `slots` entry. 0 on success; otherwise -1 and the reason (dlopen's message, or the missing
 * name) in `error`. Used by the C modules that bind a library at first use instead of at start-up. */
int hum_bind_library(const char *soname, const char *const *names, void **slots, size_t count,
                     char *error, size_t error_size);

#endif
