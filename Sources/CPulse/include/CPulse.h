#ifndef HUM_CPULSE_H
#define HUM_CPULSE_H

/* libpulse, opened when first used (dlopen) instead of linked: the commands that never play — scan,
 * probe, export… — then load neither it nor the ~20 libraries it pulls in (X11, D-Bus, systemd,
 * libgcrypt…), which cost every hum start 2 MiB of memory and 3 ms. The types come from the headers;
 * every function hum calls goes through a hum_ trampoline, bound by hum_pulse_load(). */

#include <pulse/pulseaudio.h>
#include <stddef.h>

/* Each function: name, return type, parameters, arguments. */
#define HUM_PULSE_FUNCTIONS(X, V) \
    X(pa_threaded_mainloop_new, pa_threaded_mainloop *, (void), ()) \
    X(pa_threaded_mainloop_start, int, (pa_threaded_mainloop *m), (m)) \
    V(pa_threaded_mainloop_free, (pa_threaded_mainloop *m), (m)) \
    V(pa_threaded_mainloop_stop, (pa_threaded_mainloop *m), (m)) \
    V(pa_threaded_mainloop_lock, (pa_threaded_mainloop *m), (m)) \
    V(pa_threaded_mainloop_unlock, (pa_threaded_mainloop *m), (m)) \
    V(pa_threaded_mainloop_wait, (pa_threaded_mainloop *m), (m)) \
    V(pa_threaded_mainloop_signal, (pa_threaded_mainloop *m, int wait_for_accept), (m, wait_for_accept)) \
    X(pa_threaded_mainloop_get_api, pa_mainloop_api *, (pa_threaded_mainloop *m), (m)) \
    X(pa_context_new, pa_context *, (pa_mainloop_api *api, const char *name), (api, name)) \
    V(pa_context_set_state_callback, (pa_context *c, pa_context_notify_cb_t cb, void *userdata), (c, cb, userdata)) \
    X(pa_context_connect, int, (pa_context *c, const char *server, pa_context_flags_t flags, const pa_spawn_api *api), \
      (c, server, flags, api)) \
    X(pa_context_get_state, pa_context_state_t, (const pa_context *c), (c)) \
    X(pa_context_errno, int, (const pa_context *c), (c)) \
    V(pa_context_disconnect, (pa_context *c), (c)) \
    V(pa_context_unref, (pa_context *c), (c)) \
    X(pa_strerror, const char *, (int error), (error)) \
    X(pa_sample_spec_valid, int, (const pa_sample_spec *spec), (spec)) \
    X(pa_channel_map_init_extend, pa_channel_map *, (pa_channel_map *m, unsigned channels, pa_channel_map_def_t def), \
      (m, channels, def)) \
    X(pa_stream_new, pa_stream *, (pa_context *c, const char *name, const pa_sample_spec *ss, const pa_channel_map *map), \
      (c, name, ss, map)) \
    V(pa_stream_set_state_callback, (pa_stream *s, pa_stream_notify_cb_t cb, void *userdata), (s, cb, userdata)) \
    V(pa_stream_set_write_callback, (pa_stream *s, pa_stream_request_cb_t cb, void *userdata), (s, cb, userdata)) \
    X(pa_stream_connect_playback, int, (pa_stream *s, const char *dev, const pa_buffer_attr *attr, pa_stream_flags_t flags, \
      const pa_cvolume *volume, pa_stream *sync_stream), (s, dev, attr, flags, volume, sync_stream)) \
    X(pa_stream_get_state, pa_stream_state_t, (const pa_stream *s), (s)) \
    X(pa_stream_writable_size, size_t, (const pa_stream *s), (s)) \
    X(pa_stream_write, int, (pa_stream *s, const void *data, size_t nbytes, pa_free_cb_t free_cb, int64_t offset, \
      pa_seek_mode_t seek), (s, data, nbytes, free_cb, offset, seek)) \
    X(pa_stream_drain, pa_operation *, (pa_stream *s, pa_stream_success_cb_t cb, void *userdata), (s, cb, userdata)) \
    X(pa_stream_cork, pa_operation *, (pa_stream *s, int b, pa_stream_success_cb_t cb, void *userdata), (s, b, cb, userdata)) \
    X(pa_stream_flush, pa_operation *, (pa_stream *s, pa_stream_success_cb_t cb, void *userdata), (s, cb, userdata)) \
    X(pa_stream_disconnect, int, (pa_stream *s), (s)) \
    V(pa_stream_unref, (pa_stream *s), (s)) \
    X(pa_operation_get_state, pa_operation_state_t, (const pa_operation *o), (o)) \
    V(pa_operation_cancel, (pa_operation *o), (o)) \
    V(pa_operation_unref, (pa_operation *o), (o))

#define HUM_PULSE_DECLARE(name, ret, params, args) ret hum_##name params;
#define HUM_PULSE_DECLARE_VOID(name, params, args) void hum_##name params;
HUM_PULSE_FUNCTIONS(HUM_PULSE_DECLARE, HUM_PULSE_DECLARE_VOID)

/* Opens libpulse and binds every function above, once; later calls return the first answer. 0 on
 * success; otherwise -1 with the reason (dlopen's or dlsym's message) copied into `error`. Thread-safe.
 * No hum_pa_ function may be called before it succeeded. */
int hum_pulse_load(char *error, size_t error_size);

#endif
