#include "TagLibBridge.h"

#include <memory>
#include <taglib/aifffile.h>
#include <taglib/flacfile.h>
#include <taglib/mpegfile.h>
#include <taglib/opusfile.h>
#include <taglib/tpropertymap.h>
#include <taglib/vorbisfile.h>
#include <taglib/wavfile.h>

static std::unique_ptr<TagLib::File> open_file(const char *path, hum_tag_kind kind) {
    const auto style = TagLib::AudioProperties::Average;
    switch (kind) {
    case HUM_TAG_MPEG: return std::make_unique<TagLib::MPEG::File>(path, true, style);
    case HUM_TAG_FLAC: return std::make_unique<TagLib::FLAC::File>(path, true, style);
    case HUM_TAG_VORBIS: return std::make_unique<TagLib::Ogg::Vorbis::File>(path, true, style);
    case HUM_TAG_OPUS: return std::make_unique<TagLib::Ogg::Opus::File>(path, true, style);
    case HUM_TAG_WAV: return std::make_unique<TagLib::RIFF::WAV::File>(path, true, style);
    case HUM_TAG_AIFF: return std::make_unique<TagLib::RIFF::AIFF::File>(path, true, style);
    }
    return nullptr;
}

extern "C" int hum_tag_read(const char *path, hum_tag_kind kind, void *context, hum_tag_property_fn on_property,
                            hum_tag_audio *audio) {
    try {
        auto file = open_file(path, kind);
        if (!file || !file->isOpen() || !file->isValid()) return 1;
        const TagLib::PropertyMap properties = file->properties();
        for (auto it = properties.begin(); it != properties.end(); ++it) {
            const std::string key = it->first.to8Bit(true);
            for (auto value = it->second.begin(); value != it->second.end(); ++value) {
                on_property(context, key.c_str(), value->to8Bit(true).c_str());
            }
        }
        audio->has_audio_properties = 0;
        if (const TagLib::AudioProperties *props = file->audioProperties()) {
            audio->has_audio_properties = 1;
            audio->length_ms = props->lengthInMilliseconds();
            audio->bitrate_kbps = props->bitrate();
            audio->sample_rate = props->sampleRate();
            audio->channels = props->channels();
        }
        return 0;
    } catch (...) {
        return 1;
    }
}
