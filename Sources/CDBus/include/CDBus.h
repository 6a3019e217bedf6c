#ifndef HUM_CDBUS_H
#define HUM_CDBUS_H

/* libdbus, opened when first used (dlopen) instead of linked, for MPRIS (the desktop's media keys and
 * players' widgets): a hum with no session bus — over SSH, in a console — never loads it, and a machine
 * without libdbus-1.so.3 still runs hum, without MPRIS.
 *
 * The declarations below are libdbus's own (dbus/dbus-types.h, dbus-errors.h, dbus-message.h,
 * dbus-connection.h, dbus-bus.h, dbus-protocol.h), copied because hum needs none of libdbus-1-dev
 * otherwise: libdbus has kept this ABI since 1.0 (DBusMessageIter and DBusError are public structs
 * of fixed layout, checked against 1.14's headers). Every function goes through a hum_ trampoline,
 * bound by hum_dbus_load(). */

#include <stddef.h>
#include <stdint.h>

typedef uint32_t dbus_uint32_t;
typedef dbus_uint32_t dbus_bool_t;

typedef struct DBusConnection DBusConnection;
typedef struct DBusMessage DBusMessage;

typedef struct DBusError {
    const char *name;
    const char *message;
    unsigned int dummy1 : 1;
    unsigned int dummy2 : 1;
    unsigned int dummy3 : 1;
    unsigned int dummy4 : 1;
    unsigned int dummy5 : 1;
    void *padding1;
} DBusError;

typedef struct DBusMessageIter {
    void *dummy1;
    void *dummy2;
    dbus_uint32_t dummy3;
    int dummy4, dummy5, dummy6, dummy7, dummy8, dummy9, dummy10, dummy11;
    int pad1;
    void *pad2;
    void *pad3;
} DBusMessageIter;

typedef enum { DBUS_HANDLER_RESULT_HANDLED, DBUS_HANDLER_RESULT_NOT_YET_HANDLED, DBUS_HANDLER_RESULT_NEED_MEMORY } DBusHandlerResult;
typedef enum { DBUS_DISPATCH_DATA_REMAINS, DBUS_DISPATCH_COMPLETE, DBUS_DISPATCH_NEED_MEMORY } DBusDispatchStatus;
typedef DBusHandlerResult (*DBusHandleMessageFunction)(DBusConnection *connection, DBusMessage *message, void *user_data);
typedef void (*DBusFreeFunction)(void *memory);

#define HUM_DBUS_MESSAGE_TYPE_METHOD_CALL 1
#define HUM_DBUS_NAME_FLAG_DO_NOT_QUEUE 4
#define HUM_DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER 1

/* Each function: name, return type, parameters, arguments. */
#define HUM_DBUS_FUNCTIONS(X, V) \
    V(dbus_error_init, (DBusError *error), (error)) \
    V(dbus_error_free, (DBusError *error), (error)) \
    X(dbus_error_is_set, dbus_bool_t, (const DBusError *error), (error)) \
    V(dbus_free, (void *memory), (memory)) \
    X(dbus_connection_open_private, DBusConnection *, (const char *address, DBusError *error), (address, error)) \
    X(dbus_bus_register, dbus_bool_t, (DBusConnection *connection, DBusError *error), (connection, error)) \
    X(dbus_bus_request_name, int, (DBusConnection *connection, const char *name, unsigned int flags, DBusError *error), \
      (connection, name, flags, error)) \
    V(dbus_connection_set_exit_on_disconnect, (DBusConnection *connection, dbus_bool_t exit_on_disconnect), \
      (connection, exit_on_disconnect)) \
    V(dbus_connection_close, (DBusConnection *connection), (connection)) \
    V(dbus_connection_unref, (DBusConnection *connection), (connection)) \
    X(dbus_connection_get_unix_fd, dbus_bool_t, (DBusConnection *connection, int *fd), (connection, fd)) \
    X(dbus_connection_read_write, dbus_bool_t, (DBusConnection *connection, int timeout_milliseconds), \
      (connection, timeout_milliseconds)) \
    X(dbus_connection_dispatch, DBusDispatchStatus, (DBusConnection *connection), (connection)) \
    X(dbus_connection_get_dispatch_status, DBusDispatchStatus, (DBusConnection *connection), (connection)) \
    X(dbus_connection_has_messages_to_send, dbus_bool_t, (DBusConnection *connection), (connection)) \
    V(dbus_connection_flush, (DBusConnection *connection), (connection)) \
    X(dbus_connection_get_is_connected, dbus_bool_t, (DBusConnection *connection), (connection)) \
    X(dbus_connection_send, dbus_bool_t, (DBusConnection *connection, DBusMessage *message, dbus_uint32_t *serial), \
      (connection, message, serial)) \
    X(dbus_connection_add_filter, dbus_bool_t, (DBusConnection *connection, DBusHandleMessageFunction function, \
      void *user_data, DBusFreeFunction free_data_function), (connection, function, user_data, free_data_function)) \
    X(dbus_message_get_type, int, (DBusMessage *message), (message)) \
    X(dbus_message_get_path, const char *, (DBusMessage *message), (message)) \
    X(dbus_message_get_interface, const char *, (DBusMessage *message), (message)) \
    X(dbus_message_get_member, const char *, (DBusMessage *message), (message)) \
    X(dbus_message_get_no_reply, dbus_bool_t, (DBusMessage *message), (message)) \
    X(dbus_message_new_method_return, DBusMessage *, (DBusMessage *method_call), (method_call)) \
    X(dbus_message_new_error, DBusMessage *, (DBusMessage *reply_to, const char *error_name, const char *error_message), \
      (reply_to, error_name, error_message)) \
    X(dbus_message_new_signal, DBusMessage *, (const char *path, const char *iface, const char *name), (path, iface, name)) \
    V(dbus_message_unref, (DBusMessage *message), (message)) \
    X(dbus_message_iter_init, dbus_bool_t, (DBusMessage *message, DBusMessageIter *iter), (message, iter)) \
    X(dbus_message_iter_get_arg_type, int, (DBusMessageIter *iter), (iter)) \
    V(dbus_message_iter_get_basic, (DBusMessageIter *iter, void *value), (iter, value)) \
    V(dbus_message_iter_recurse, (DBusMessageIter *iter, DBusMessageIter *sub), (iter, sub)) \
    X(dbus_message_iter_next, dbus_bool_t, (DBusMessageIter *iter), (iter)) \
    X(dbus_message_iter_get_signature, char *, (DBusMessageIter *iter), (iter)) \
    V(dbus_message_iter_init_append, (DBusMessage *message, DBusMessageIter *iter), (message, iter)) \
    X(dbus_message_iter_append_basic, dbus_bool_t, (DBusMessageIter *iter, int type, const void *value), (iter, type, value)) \
    X(dbus_message_iter_open_container, dbus_bool_t, (DBusMessageIter *iter, int type, const char *contained_signature, \
      DBusMessageIter *sub), (iter, type, contained_signature, sub)) \
    X(dbus_message_iter_close_container, dbus_bool_t, (DBusMessageIter *iter, DBusMessageIter *sub), (iter, sub))

#define HUM_DBUS_DECLARE(name, ret, params, args) ret hum_##name params;
#define HUM_DBUS_DECLARE_VOID(name, params, args) void hum_##name params;
HUM_DBUS_FUNCTIONS(HUM_DBUS_DECLARE, HUM_DBUS_DECLARE_VOID)

/* Opens libdbus and binds every function above, once; later calls return the first answer. 0 on
 * success; otherwise -1 with the reason (dlopen's or dlsym's message) copied into `error`. Thread-safe.
 * No hum_dbus_ function may be called before it succeeded. */
int hum_dbus_load(char *error, size_t error_size);

#endif
