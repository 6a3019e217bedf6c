#ifndef HUM_CSNDFILE_H
#define HUM_CSNDFILE_H

/* libsndfile, opened when first used (dlopen) instead of linked: it decodes only Opus, WAV and AIFF, and
 * brings its own encoders (libvorbisenc, libmp3lame, libopus) that no other command needs. The types
 * come from the header; every function hum calls goes through a hum_ trampoline bound by
 * hum_sndfile_load(). */

#include <sndfile.h>
#include <stddef.h>

/* Each function: name, return type, parameters, arguments. */
#define HUM_SNDFILE_FUNCTIONS(X) \
    X(sf_open, SNDFILE *, (const char *path, int mode, SF_INFO *info), (path, mode, info)) \
    X(sf_close, int, (SNDFILE *file), (file)) \
    X(sf_error, int, (SNDFILE *file), (file)) \
    X(sf_error_number, const char *, (int number), (number)) \
    X(sf_strerror, const char *, (SNDFILE *file), (file)) \
    X(sf_readf_float, sf_count_t, (SNDFILE *file, float *frames, sf_count_t count), (file, frames, count)) \
    X(sf_seek, sf_count_t, (SNDFILE *file, sf_count_t frames, int whence), (file, frames, whence))

#define HUM_SNDFILE_DECLARE(name, ret, params, args) ret hum_##name params;
HUM_SNDFILE_FUNCTIONS(HUM_SNDFILE_DECLARE)

/* Opens libsndfile and binds every function above, once; later calls return the first answer. 0 on
 * success; otherwise -1 with the reason in `error`. Thread-safe. No hum_sf_ function may be called
 * before it succeeded. */
int hum_sndfile_load(char *error, size_t error_size);

#endif
