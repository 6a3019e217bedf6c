#include "LibraryLoading.h"

#include <dlfcn.h>
#include <stdio.h>

int hum_bind_library(const char *soname, const char *const *names, void **slots, size_t count,
                     char *error, size_t error_size) {
    void *library = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(error, error_size, "%s", dlerror());
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        slots[i] = dlsym(library, names[i]);
        if (!slots[i]) {
            snprintf(error, error_size, "%s has no %s", soname, names[i]);
            return -1;
        }
    }
    return 0;
}
