#include "CPulse.h"

#include <LibraryLoading.h>
#include <pthread.h>
#include <stdio.h>

#define HUM_PULSE_POINTER(name, ret, params, args) static ret (*bound_##name) params;
#define HUM_PULSE_POINTER_VOID(name, params, args) static void (*bound_##name) params;
HUM_PULSE_FUNCTIONS(HUM_PULSE_POINTER, HUM_PULSE_POINTER_VOID)

#define HUM_PULSE_TRAMPOLINE(name, ret, params, args) ret hum_##name params { return bound_##name args; }
#define HUM_PULSE_TRAMPOLINE_VOID(name, params, args) void hum_##name params { bound_##name args; }
HUM_PULSE_FUNCTIONS(HUM_PULSE_TRAMPOLINE, HUM_PULSE_TRAMPOLINE_VOID)

#define HUM_PULSE_NAME(name, ...) #name,
static const char *const names[] = { HUM_PULSE_FUNCTIONS(HUM_PULSE_NAME, HUM_PULSE_NAME) };
#define HUM_PULSE_SLOT(name, ...) (void **)&bound_##name,
static void **const slots[] = { HUM_PULSE_FUNCTIONS(HUM_PULSE_SLOT, HUM_PULSE_SLOT) };

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int status = -1;
static char reason[256];

static void load(void) {
    void *found[sizeof names / sizeof names[0]];
    status = hum_bind_library("libpulse.so.0", names, found, sizeof names / sizeof names[0], reason, sizeof reason);
    if (status == 0) for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) *slots[i] = found[i];
}

int hum_pulse_load(char *error, size_t error_size) {
    pthread_once(&once, load);
    if (status != 0 && error && error_size > 0) snprintf(error, error_size, "%s", reason);
    return status;
}
