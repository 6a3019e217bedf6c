#include "CDBus.h"

#include <LibraryLoading.h>
#include <pthread.h>
#include <stdio.h>

#define HUM_DBUS_POINTER(name, ret, params, args) static ret (*bound_##name) params;
#define HUM_DBUS_POINTER_VOID(name, params, args) static void (*bound_##name) params;
HUM_DBUS_FUNCTIONS(HUM_DBUS_POINTER, HUM_DBUS_POINTER_VOID)

#define HUM_DBUS_TRAMPOLINE(name, ret, params, args) ret hum_##name params { return bound_##name args; }
#define HUM_DBUS_TRAMPOLINE_VOID(name, params, args) void hum_##name params { bound_##name args; }
HUM_DBUS_FUNCTIONS(HUM_DBUS_TRAMPOLINE, HUM_DBUS_TRAMPOLINE_VOID)

#define HUM_DBUS_NAME(name, ...) #name,
static const char *const names[] = { HUM_DBUS_FUNCTIONS(HUM_DBUS_NAME, HUM_DBUS_NAME) };
#define HUM_DBUS_SLOT(name, ...) (void **)&bound_##name,
static void **const slots[] = { HUM_DBUS_FUNCTIONS(HUM_DBUS_SLOT, HUM_DBUS_SLOT) };

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int status = -1;
static char reason[256];

static void load(void) {
    void *found[sizeof names / sizeof names[0]];
    status = hum_bind_library("libdbus-1.so.3", names, found, sizeof names / sizeof names[0], reason, sizeof reason);
    if (status == 0) for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) *slots[i] = found[i];
}

int hum_dbus_load(char *error, size_t error_size) {
    pthread_once(&once, load);
    if (status != 0 && error && error_size > 0) snprintf(error, error_size, "%s", reason);
    return status;
}
