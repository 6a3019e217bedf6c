#include "TagLibBridge.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <unistd.h>
#include <taglib/aifffile.h>
#include <taglib/flacfile.h>
#include <taglib/mpegfile.h>
#include <taglib/opusfile.h>
#include <taglib/tiostream.h>
#include <taglib/tpropertymap.h>
#include <taglib/vorbisfile.h>
#include <taglib/wavfile.h>
#include <taglib/apetag.h>
#include <taglib/id3v1tag.h>
#include <taglib/id3v2tag.h>
#include <taglib/infotag.h>
#include <taglib/xiphcomment.h>

namespace {

/* A read-only stream over a file whose two ends are already in memory: reads inside them are copies,
 * reads between them `pread` the descriptor. Behaves like TagLib's FileStream for reading (a seek before
 * the start is ignored, reads past the end come back short). */
class EdgeStream : public TagLib::IOStream {
public:
    EdgeStream(int descriptor, long long size, const unsigned char *head, size_t headLength,
               const unsigned char *tail, size_t tailLength, const char *name)
        : descriptor_(descriptor), size_(size), head_(head), headLength_(headLength), tail_(tail),
          tailLength_(tailLength), tailStart_(size - static_cast<long long>(tailLength)), name_(name) {}

    TagLib::FileName name() const override { return name_; }

    TagLib::ByteVector readBlock(unsigned long length) override {
        if (length == 0 || position_ >= size_) return TagLib::ByteVector();
        const long long count = std::min<long long>(static_cast<long long>(length), size_ - position_);
        TagLib::ByteVector buffer(static_cast<unsigned int>(count));
        long long filled = 0;
        while (filled < count) {
            const long long at = position_ + filled;
            char *into = buffer.data() + filled;
            if (at < static_cast<long long>(headLength_)) {
                const long long part = std::min<long long>(count - filled, static_cast<long long>(headLength_) - at);
                std::memcpy(into, head_ + at, static_cast<size_t>(part));
                filled += part;
            } else if (at >= tailStart_) {
                const long long part = std::min<long long>(count - filled, size_ - at);
                std::memcpy(into, tail_ + (at - tailStart_), static_cast<size_t>(part));
                filled += part;
            } else {
                const long long part = std::min<long long>(count - filled, tailStart_ - at);
                const ssize_t got = pread(descriptor_, into, static_cast<size_t>(part), static_cast<off_t>(at));
                if (got < 0 && errno == EINTR) continue;
                if (got <= 0) break;  // the file shrank or cannot be read: a short read, as FileStream gives
                filled += got;
            }
        }
        buffer.resize(static_cast<unsigned int>(filled));
        position_ += filled;
        return buffer;
    }

    void writeBlock(const TagLib::ByteVector &) override {}
    void insert(const TagLib::ByteVector &, unsigned long, unsigned long) override {}
    void removeBlock(unsigned long, unsigned long) override {}
    bool readOnly() const override { return true; }
    bool isOpen() const override { return true; }

    void seek(long offset, Position p) override {
        const long long base = p == Beginning ? 0 : p == Current ? position_ : size_;
        const long long target = base + offset;
        if (target >= 0) position_ = target;
    }

    long tell() const override { return static_cast<long>(position_); }
    long length() override { return static_cast<long>(size_); }
    void truncate(long) override {}

private:
    int descriptor_;
    long long size_;
    const unsigned char *head_;
    size_t headLength_;
    const unsigned char *tail_;
    size_t tailLength_;
    long long tailStart_;
    const char *name_;
    long long position_ = 0;
};

std::unique_ptr<TagLib::File> open_file(const char *path, hum_tag_kind kind, bool properties) {
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

std::unique_ptr<TagLib::File> open_stream(TagLib::IOStream *stream, hum_tag_kind kind) {
    const auto style = TagLib::AudioProperties::Average;
    auto *frames = TagLib::ID3v2::FrameFactory::instance();
    switch (kind) {
    case HUM_TAG_MPEG: return std::make_unique<TagLib::MPEG::File>(stream, frames, false, style);
    case HUM_TAG_FLAC: return std::make_unique<TagLib::FLAC::File>(stream, frames, false, style);
    case HUM_TAG_VORBIS: return std::make_unique<TagLib::Ogg::Vorbis::File>(stream, false, style);
    case HUM_TAG_OPUS: return std::make_unique<TagLib::Ogg::Opus::File>(stream, false, style);
    case HUM_TAG_WAV: return std::make_unique<TagLib::RIFF::WAV::File>(stream, false, style);
    case HUM_TAG_AIFF: return std::make_unique<TagLib::RIFF::AIFF::File>(stream, false, style);
    }
    return nullptr;
}

/* The file's main tag, with keys it lacks filled in from the secondary tags (an ID3v1 album under an
 * ID3v2 tag without one, an APE tag, a stray ID3 tag on a FLAC file, RIFF INFO in a WAV), as mutagen
 * and most players do. TagLib's File::properties() would return only the first non-empty tag. */
TagLib::PropertyMap merged_properties(TagLib::File *file, hum_tag_kind kind) {
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

/* Appends `text` as UTF-8, up to its first NUL. TagLib keeps UTF-16 code units in its wide string; like
 * TagLib's own to8Bit (which copies twice), text with a broken surrogate pair becomes empty. */
void append_utf8(std::string &out, const TagLib::String &text) {
    const size_t start = out.size();
    const wchar_t *units = text.toCWString();
    const size_t count = text.size();
    for (size_t i = 0; i < count; i++) {
        unsigned int c = static_cast<unsigned int>(units[i]) & 0xFFFF;
        if (c == 0) break;
        if (c >= 0xD800 && c <= 0xDBFF) {
            const unsigned int next = i + 1 < count ? static_cast<unsigned int>(units[i + 1]) & 0xFFFF : 0;
            if (next < 0xDC00 || next > 0xDFFF) { out.resize(start); return; }
            c = 0x10000 + ((c - 0xD800) << 10) + (next - 0xDC00);
            i++;
        } else if (c >= 0xDC00 && c <= 0xDFFF) {
            out.resize(start);
            return;
        }
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
        } else if (c < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (c >> 6)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else if (c < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (c >> 12)));
            out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (c >> 18)));
            out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
    }
}

void emit_properties(TagLib::File *file, hum_tag_kind kind, void *context, hum_tag_properties_fn on_properties) {
    const TagLib::PropertyMap properties = merged_properties(file, kind);
    std::string packed;
    packed.reserve(1024);
    for (auto it = properties.begin(); it != properties.end(); ++it) {
        std::string key;
        append_utf8(key, it->first);
        for (auto value = it->second.begin(); value != it->second.end(); ++value) {
            packed.append(key);
            packed.push_back('\0');
            append_utf8(packed, *value);
            packed.push_back('\0');
        }
    }
    on_properties(context, packed.data(), packed.size());
}

}  // namespace

extern "C" int hum_tag_read(const char *path, hum_tag_kind kind, int read_audio_properties, void *context,
                            hum_tag_properties_fn on_properties, hum_tag_audio *audio) {
    try {
        auto file = open_file(path, kind, read_audio_properties != 0);
        if (!file || !file->isOpen() || !file->isValid()) return 1;
        emit_properties(file.get(), kind, context, on_properties);
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

extern "C" int hum_tag_read_edges(int descriptor, long long size, const unsigned char *head, size_t head_length,
                                  const unsigned char *tail, size_t tail_length, const char *name, hum_tag_kind kind,
                                  void *context, hum_tag_properties_fn on_properties) {
    try {
        EdgeStream stream(descriptor, size, head, head_length, tail, tail_length, name);
        auto file = open_stream(&stream, kind);
        if (!file || !file->isValid()) return 1;
        emit_properties(file.get(), kind, context, on_properties);
        return 0;
    } catch (...) {
        return 1;
    }
}
