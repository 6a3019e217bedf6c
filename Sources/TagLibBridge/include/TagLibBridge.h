#ifndef HUM_TAGLIB_BRIDGE_H
#define HUM_TAGLIB_BRIDGE_H

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

/* Called once per property value, with UTF-8 key and value. */
typedef void (*hum_tag_property_fn)(void *context, const char *key, const char *value);

/* Reads every property of `path`, and its audio properties (length, rate…) when `read_audio_properties`
 * is not 0 (skipping them saves TagLib's search for the first audio frame). Returns 0 on success, 1 when
 * TagLib cannot open or parse the file. */
int hum_tag_read(const char *path, hum_tag_kind kind, int read_audio_properties, void *context,
                 hum_tag_property_fn on_property, hum_tag_audio *audio);

#ifdef __cplusplus
}
#endif

#endif
