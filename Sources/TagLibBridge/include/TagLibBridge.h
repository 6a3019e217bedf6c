#ifndef HUM_TAGLIB_BRIDGE_H
#define HUM_TAGLIB_BRIDGE_H

#include <stddef.h>

/* A small C face on TagLib's C++ API: the full property map and the length in milliseconds, which the
 * official C binding (tag_c.h) does not give. Thread-safe: every call uses its own TagLib objects. */

#ifdef __cplusplus
extern "C" {
#endif

/* Which TagLib parser to use. hum identifies the format from the content first, because TagLib 1.13
 * chooses its parser from the file name's extension only. */
typedef enum {
    HUM_TAG_MPEG = 1,
    HUM_TAG_FLAC = 2,
    HUM_TAG_VORBIS = 3,
    HUM_TAG_OPUS = 4,
    HUM_TAG_WAV = 5,
    HUM_TAG_AIFF = 6
} hum_tag_kind;

typedef struct {
    int has_audio_properties;
    int length_ms;
    int bitrate_kbps;
    int sample_rate;
    int channels;
} hum_tag_audio;

/* Called once per read with every property value: `length` bytes of UTF-8 pairs "KEY\0VALUE\0", one pair
 * per value (a key with three values comes three times, in order). Neither keys nor values hold NUL. */
typedef void (*hum_tag_properties_fn)(void *context, const char *packed, size_t length);

/* Reads every property of `path`, and its audio properties (length, rate…) when `read_audio_properties`
 * is not 0 (skipping them saves TagLib's search for the first audio frame). Returns 0 on success, 1 when
 * TagLib cannot open or parse the file. */
int hum_tag_read(const char *path, hum_tag_kind kind, int read_audio_properties, void *context,
                 hum_tag_properties_fn on_properties, hum_tag_audio *audio);

/* The same for a file already open as `descriptor`, `size` bytes long, whose first `head_length` bytes
 * are `head` and last `tail_length` bytes `tail` (the scanner has read both ends already). TagLib reads
 * from these buffers, and only what lies between them from the descriptor: no second open, and for most
 * files no further system call. Audio properties are not read. `name` is only used in TagLib's messages. */
int hum_tag_read_edges(int descriptor, long long size, const unsigned char *head, size_t head_length,
                       const unsigned char *tail, size_t tail_length, const char *name, hum_tag_kind kind,
                       void *context, hum_tag_properties_fn on_properties);

#ifdef __cplusplus
}
#endif

#endif
