#include "CPulse.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#define HUM_PULSE_POINTER(name, ret, params, args) static ret (*bound_##name) params;
#define HUM_PULSE_POINTER_VOID(name, params, args) static void (*bound_##name) params;
HUM_PULSE_FUNCTIONS(HUM_PULSE_POINTER, HUM_PULSE_POINTER_VOID)

#define HUM_PULSE_TRAMPOLINE(name, ret, params, args) ret hum_##name params { return bound_##name args; }
#define HUM_PULSE_TRAMPOLINE_VOID(name, params, args) void hum_##name params { bound_##name args; }
HUM_PULSE_FUNCTIONS(HUM_PULSE_TRAMPOLINE, HUM_PULSE_TRAMPOLINE_VOID)

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_status = -1;
static char load_error[256];

static void load(void) {
    void *library = dlopen("libpulse.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(load_error, sizeof load_error, "%s", dlerror());
        return;
    }
#define HUM_PULSE_BIND(name, ...) \
    *(void **)(&bound_##name) = dlsym(library, #name); \
    if (!bound_##name) { \
        snprintf(load_error, sizeof load_error, "libpulse.so.0 has no %s", #name); \
        return; \
    }
    HUM_PULSE_FUNCTIONS(HUM_PULSE_BIND, HUM_PULSE_BIND)
#undef HUM_PULSE_BIND
    load_status = 0;
}

int hum_pulse_load(char *error, size_t error_size) {
    pthread_once(&load_once, load);
    if (load_status != 0 && error && error_size > 0) snprintf(error, error_size, "%s", load_error);
    return load_status;
}
