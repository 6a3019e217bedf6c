#include "CSndfile.h"

#include <LibraryLoading.h>
#include <pthread.h>
#include <stdio.h>

#define HUM_SNDFILE_POINTER(name, ret, params, args) static ret (*bound_##name) params;
HUM_SNDFILE_FUNCTIONS(HUM_SNDFILE_POINTER)

#define HUM_SNDFILE_TRAMPOLINE(name, ret, params, args) ret hum_##name params { return bound_##name args; }
HUM_SNDFILE_FUNCTIONS(HUM_SNDFILE_TRAMPOLINE)

#define HUM_SNDFILE_NAME(name, ...) #name,
static const char *const names[] = { HUM_SNDFILE_FUNCTIONS(HUM_SNDFILE_NAME) };
#define HUM_SNDFILE_SLOT(name, ...) (void **)&bound_##name,
static void **const slots[] = { HUM_SNDFILE_FUNCTIONS(HUM_SNDFILE_SLOT) };

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int status = -1;
static char reason[256];

static void load(void) {
    void *found[sizeof names / sizeof names[0]];
    status = hum_bind_library("libsndfile.so.1", names, found, sizeof names / sizeof names[0], reason, sizeof reason);
    if (status == 0) for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) *slots[i] = found[i];
}

int hum_sndfile_load(char *error, size_t error_size) {
    pthread_once(&once, load);
    if (status != 0 && error && error_size > 0) snprintf(error, error_size, "%s", reason);
    return status;
}
