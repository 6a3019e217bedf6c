#include "TagLibBridge.h"

#include <memory>
#include <taglib/aifffile.h>
#include <taglib/flacfile.h>
#include <taglib/mpegfile.h>
#include <taglib/opusfile.h>
#include <taglib/tpropertymap.h>
#include <taglib/vorbisfile.h>
#include <taglib/wavfile.h>
#include <taglib/apetag.h>
#include <taglib/id3v1tag.h>
#include <taglib/id3v2tag.h>
#include <taglib/infotag.h>
#include <taglib/xiphcomment.h>

static std::unique_ptr<TagLib::File> open_file(const char *path, hum_tag_kind kind, bool properties) {
    const auto style = TagLib::AudioProperties::Average;
    switch (kind) {
    case HUM_TAG_MPEG: return std::make_unique<TagLib::MPEG::File>(path, properties, style);
    case HUM_TAG_FLAC: return std::make_unique<TagLib::FLAC::File>(path, properties, style);
    case HUM_TAG_VORBIS: return std::make_unique<TagLib::Ogg::Vorbis::File>(path, properties, style);
    case HUM_TAG_OPUS: return std::make_unique<TagLib::Ogg::Opus::File>(path, properties, style);
    case HUM_TAG_WAV: return std::make_unique<TagLib::RIFF::WAV::File>(path, properties, style);
    case HUM_TAG_AIFF: return std::make_unique<TagLib::RIFF::AIFF::File>(path, properties, style);
    }
    return nullptr;
}

/* The file's main tag, with keys it lacks filled in from the secondary tags (an ID3v1 album under an
 * ID3v2 tag without one, an APE tag, a stray ID3 tag on a FLAC file, RIFF INFO in a WAV), as mutagen
 * and most players do. TagLib's File::properties() would return only the first non-empty tag. */
static TagLib::PropertyMap merged_properties(TagLib::File *file, hum_tag_kind kind) {
    TagLib::PropertyMap map;
    // A template, not a TagLib::Tag*: in TagLib 1.x Tag::properties() is not virtual, and the base
    // version joins multiple values ("A B" instead of ["A", "B"]).
    auto add = [&map](const auto *tag) {
        if (!tag) return;
        const TagLib::PropertyMap other = tag->properties();
        for (auto it = other.begin(); it != other.end(); ++it) {
            if (!map.contains(it->first)) map.insert(it->first, it->second);
        }
    };
    switch (kind) {
    case HUM_TAG_MPEG: {
        auto *f = static_cast<TagLib::MPEG::File *>(file);
        if (f->hasID3v2Tag()) add(f->ID3v2Tag());
        if (f->hasAPETag()) add(f->APETag());
        if (f->hasID3v1Tag()) add(f->ID3v1Tag());
        break;
    }
    case HUM_TAG_FLAC: {
        auto *f = static_cast<TagLib::FLAC::File *>(file);
        if (f->hasXiphComment()) add(f->xiphComment());
        if (f->hasID3v2Tag()) add(f->ID3v2Tag());
        if (f->hasID3v1Tag()) add(f->ID3v1Tag());
        break;
    }
    case HUM_TAG_WAV: {
        auto *f = static_cast<TagLib::RIFF::WAV::File *>(file);
        if (f->hasID3v2Tag()) add(f->ID3v2Tag());
        if (f->hasInfoTag()) add(f->InfoTag());
        break;
    }
    default:
        map = file->properties();
    }
    return map;
}

extern "C" int hum_tag_read(const char *path, hum_tag_kind kind, int read_audio_properties, void *context,
                            hum_tag_property_fn on_property, hum_tag_audio *audio) {
    try {
        auto file = open_file(path, kind, read_audio_properties != 0);
        if (!file || !file->isOpen() || !file->isValid()) return 1;
        const TagLib::PropertyMap properties = merged_properties(file.get(), kind);
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
