/// The property map TagLib 1.13 gives for an MP3 with a plain ID3v2.3 or 2.4 tag, computed from the bytes
/// the scanner has already read — or nil, meaning "ask TagLib".
///
/// Why it exists: a library import is bound by reading tags, and TagLib spent ~30 µs a file building and
/// tearing down its frame objects, most of a scan's reading time. This reader covers what nearly every
/// tagger writes — text frames, TXXX, COMM, USLT, UFID, URL frames and binary frames TagLib does not
/// map (pictures, private data) — and reproduces TagLib's rules exactly: its key names, how it splits and
/// decodes text, which v2.3 frames it drops or renames, its tolerance of iTunes' v2.4 frame sizes. For
/// anything else (v2.2, unsynchronisation, extended headers, compressed or encrypted frames,
/// involved-people lists, an APE tag, a tag larger than the bytes in hand…) it returns nil and
/// TagLib reads the file. `LibraryTests` compares both readers on every file of the corpora and of a
/// generated library.
///
/// Values map to lists; a key may map to an empty list (TagLib keeps such keys, and they stop a
/// secondary tag from filling them).
public enum ID3PropertyReader {
    /// The properties of an MP3 file of `size` bytes whose first bytes are `head` and last bytes `tail`
    /// (the same bytes when the file is small): its ID3v2 tag, completed from an ID3v1 tag for keys the
    /// ID3v2 tag lacks, as hum's TagLib bridge merges them.
    public static func mp3Properties(head: [UInt8], tail: [UInt8], size: Int64) -> [String: [String]]? {
        guard size >= 256, size <= Int64(Int32.max), tail.count >= 131 else { return nil }
        // TagLib's findID3v1 and findAPE: "TAG" 128 bytes from the end (not the tail of an APE footer),
        // an APE footer 32 bytes before it or before the end.
        let t = tail.count
        let id3v1Start = t - 128
        let hasID3v1 = tail[t - 128] == 0x54 && tail[t - 127] == 0x41 && tail[t - 126] == 0x47
            && !(tail[t - 131..<t - 123].elementsEqual("APETAGEX".utf8))
        let apeAt = hasID3v1 ? id3v1Start - 32 : t - 32
        if apeAt >= 0, tail[apeAt..<apeAt + 8].elementsEqual("APETAGEX".utf8) { return nil }

        guard var properties = id3v2Properties(head) else { return nil }
        if hasID3v1 {
            guard let v1 = id3v1Properties(Array(tail[id3v1Start...])) else { return nil }
            for (key, values) in v1 where properties[key] == nil { properties[key] = values }
        }
        return properties
    }

    // MARK: - ID3v2

    /// The ID3v2 tag at the start of `bytes`, which must hold all of it.
    static func id3v2Properties(_ bytes: [UInt8]) -> [String: [String]]? {
        guard bytes.count >= 10, bytes[0] == 0x49, bytes[1] == 0x44, bytes[2] == 0x33 else { return nil }
        let version = Int(bytes[3])
        // Unsynchronisation, extended header or footer: TagLib's business.
        guard version == 3 || version == 4, bytes[5] & 0xD0 == 0,
              bytes[6] < 0x80, bytes[7] < 0x80, bytes[8] < 0x80, bytes[9] < 0x80 else { return nil }
        let tagSize = Int(bytes[6]) << 21 | Int(bytes[7]) << 14 | Int(bytes[8]) << 7 | Int(bytes[9])
        guard tagSize > 10, 10 + tagSize <= bytes.count else { return nil }
        let tag = bytes[10..<10 + tagSize]
        var properties: [String: [String]] = [:]
        var position = tag.startIndex
        while position < tag.endIndex - 10 {
            if tag[position] == 0 { break }  // padding
            let rest = tag[position...]
            let id = Array(rest.prefix(4))
            var frameSize = version == 3 ? Int(bigEndian: rest, at: position + 4) : synchSafeOrPlain(rest, at: position + 4)
            if version == 4, frameSize > 127 {
                // TagLib's allowance for iTunes, which writes v2.4 sizes as plain integers.
                let next = position + 10 + frameSize
                if !isFrameID(rest, at: next) {
                    let plain = Int(bigEndian: rest, at: position + 4)
                    if isFrameID(rest, at: position + 10 + plain) { frameSize = plain }
                }
            }
            // Where TagLib stops reading frames.
            guard frameSize > 0, frameSize <= rest.count else { break }
            if version == 3 && id[3] == 0 { return nil }  // v2.2 frames in a v2.3 tag (iTunes)
            guard id.allSatisfy({ (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) }) else { break }
            let flags = rest[position + 9]
            // v2.3: compression, encryption, grouping; v2.4: grouping, compression, encryption,
            // unsynchronisation, data length indicator.
            if version == 3 ? flags & 0xE0 != 0 : flags & 0x4F != 0 { return nil }
            let fieldsStart = position + 10
            let fields = tag[fieldsStart..<min(fieldsStart + frameSize, tag.endIndex)]
            guard addFrame(String(decoding: id, as: UTF8.self), fields: fields, version: version, to: &properties) else {
                return nil
            }
            position += 10 + frameSize
        }
        return properties
    }

    /// Adds one frame's properties as TagLib's `asProperties` gives them; false when TagLib must decide.
    static func addFrame(_ frameID: String, fields: ArraySlice<UInt8>, version: Int,
                         to properties: inout [String: [String]]) -> Bool {
        var id = frameID
        if version == 3 {
            switch id {
            case "TDAT": return false  // TagLib folds it into the date (rebuildAggregateFrames)
            case "EQUA", "RVAD", "TIME", "TRDA", "TSIZ": return true  // dropped by TagLib
            case "TORY": id = "TDOR"
            case "TYER": id = "TDRC"
            case "IPLS": return false
            default: break
            }
        } else if id == "TRDC" {
            id = "TDRC"
        }
        func add(_ key: String, _ values: [String]) { properties[key, default: []].append(contentsOf: values) }

        if id.hasPrefix("T") || id == "WFED" || id == "MVNM" || id == "MVIN" || id == "GRP1" {
            if id == "TIPL" || id == "TMCL" { return false }
            guard let texts = textFields(fields) else { return false }
            if id == "TXXX" {
                var list = texts
                // TagLib's checkFields: a description and at least one (maybe empty) value.
                if list.isEmpty { list = [""] }
                if list.count == 1 { list.append("") }
                add(txxxKey(list[0]), Array(list.dropFirst()))
                return true
            }
            var values = texts
            if id == "TCON" {
                guard let genres = genreNames(texts) else { return false }
                values = genres
            }
            guard let key = textFrameKeys[deprecated[id] ?? id] else { return true }
            add(key, key == "DATE" ? values.map(replacingFirstT) : values)
            return true
        }
        switch id {
        case "COMM", "USLT":
            guard let (description, text) = describedText(fields) else { return false }
            let base = id == "COMM" ? "COMMENT" : "LYRICS"
            let upper = asciiUppercased(description)
            add(upper.isEmpty || upper == base ? base : base + ":" + upper, [text])
        case "UFID":
            let owner = fields.firstIndex(of: 0)
            let ownerText = owner.map { latin1(fields[fields.startIndex..<$0]) } ?? ""
            if ownerText == "http://musicbrainz.org" {
                let identifier = fields[(owner.map { $0 + 1 } ?? fields.startIndex)...]
                add("MUSICBRAINZ_TRACKID", [latin1(identifier.prefix { $0 != 0 })])
            }
        case "WXXX", "PCST":
            return false
        default:
            if id.hasPrefix("W") {
                if let key = urlFrameKeys[id] { add(key, [latin1(fields.prefix { $0 != 0 })]) }
            }
            // Pictures, private data, play counts… TagLib gives them no property.
        }
        return true
    }

    /// A text frame's values: TagLib's `TextIdentificationFrame::parseFields`.
    static func textFields(_ fields: ArraySlice<UInt8>) -> [String]? {
        guard fields.count >= 2 else { return [] }
        let encoding = fields[fields.startIndex]
        guard encoding <= 3 else { return nil }
        let unit = encoding == 0 || encoding == 3 ? 1 : 2
        // Trailing NULs go, then the length is rounded up to whole code units.
        var length = fields.count - 1
        while length > 0 && fields[fields.startIndex + length] == 0 { length -= 1 }
        while length % unit != 0 { length += 1 }
        let body = fields[(fields.startIndex + 1)..<min(fields.startIndex + 1 + length, fields.endIndex)]
        var texts: [String] = []
        var firstBOM: UInt16 = 0
        for (index, piece) in split(body, unit: unit, maxPieces: 0).enumerated() where !piece.isEmpty {
            var pieceEncoding = encoding
            if encoding == 1 {
                let bom = piece.count >= 2 ? UInt16(piece[piece.startIndex]) << 8 | UInt16(piece[piece.startIndex + 1]) : 0
                if index == 0 {
                    firstBOM = bom
                } else if bom != 0xFEFF && bom != 0xFFFE {
                    if firstBOM == 0xFEFF { pieceEncoding = 2 } else if firstBOM == 0xFFFE { pieceEncoding = 4 }
                }
            }
            texts.append(decode(piece, encoding: pieceEncoding))
        }
        return texts
    }

    /// COMM and USLT: encoding, language, description, text.
    static func describedText(_ fields: ArraySlice<UInt8>) -> (String, String)? {
        guard fields.count >= 5 else { return ("", "") }
        let encoding = fields[fields.startIndex]
        guard encoding <= 3 else { return nil }
        let unit = encoding == 0 || encoding == 3 ? 1 : 2
        let pieces = split(fields[(fields.startIndex + 4)...], unit: unit, maxPieces: 2)
        guard pieces.count == 2 else { return ("", "") }
        return (decode(pieces[0], encoding: encoding), decode(pieces[1], encoding: encoding))
    }

    /// TagLib's `ByteVectorList::split` on the encoding's NUL (one byte, or two aligned), keeping empty
    /// pieces between delimiters; `maxPieces` 0 means no limit.
    static func split(_ bytes: ArraySlice<UInt8>, unit: Int, maxPieces: Int) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var previous = bytes.startIndex
        var offset = bytes.startIndex
        while offset + unit <= bytes.endIndex && (maxPieces == 0 || maxPieces > pieces.count + 1) {
            if bytes[offset] == 0 && (unit == 1 || bytes[offset + 1] == 0) {
                pieces.append(bytes[previous..<offset])
                previous = offset + unit
                offset = previous
            } else {
                offset += unit
            }
        }
        if previous < bytes.endIndex { pieces.append(bytes[previous...]) }
        return pieces
    }

    /// Text in an ID3v2 encoding (0 Latin-1, 1 UTF-16 with BOM, 2 UTF-16BE, 3 UTF-8, 4 UTF-16LE), as
    /// TagLib's `String` reads it and hum's bridge writes it out: cut at the first NUL; invalid UTF-8 or
    /// UTF-16 (a broken BOM, a lone surrogate) gives an empty string.
    static func decode(_ bytes: ArraySlice<UInt8>, encoding: UInt8) -> String {
        switch encoding {
        case 0:
            return latin1(bytes.prefix { $0 != 0 })
        case 3:
            guard let text = String(validating: bytes, as: UTF8.self) else { return "" }
            return bytes.contains(0) ? String(text.unicodeScalars.prefix { $0 != "\0" }) : text
        default:
            var start = bytes.startIndex
            var littleEndian = encoding == 4
            if encoding == 1 {
                guard bytes.count >= 2 else { return "" }
                let bom = UInt16(bytes[start]) << 8 | UInt16(bytes[start + 1])
                guard bom == 0xFEFF || bom == 0xFFFE else { return "" }
                littleEndian = bom == 0xFFFE
                start += 2
            }
            var units: [UInt16] = []
            units.reserveCapacity((bytes.endIndex - start) / 2)
            var index = start
            while index + 2 <= bytes.endIndex {
                let a = UInt16(bytes[index]), b = UInt16(bytes[index + 1])
                let unit = littleEndian ? b << 8 | a : a << 8 | b
                if unit == 0 { break }
                units.append(unit)
                index += 2
            }
            return String(validating: units, as: UTF16.self) ?? ""
        }
    }

    static func latin1<C: Collection<UInt8>>(_ bytes: C) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        var text = ""
        text.unicodeScalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return text
    }

    /// TCON's values as TagLib gives them: "(n)" references and numbers become ID3v1 genre names
    /// (`FrameFactory::updateGenre`, then `TextIdentificationFrame::asProperties`); empty values go.
    /// Nil when unsure.
    static func genreNames(_ fields: [String]) -> [String]? {
        var values: [String] = []
        for field in fields {
            var rest = Substring(field).unicodeScalars[...]
            while rest.first == "(", let close = rest.dropFirst().firstIndex(of: ")") {
                let code = String(rest[rest.index(after: rest.startIndex)..<close])
                rest = rest[rest.index(after: close)...]
                guard let number = tagLibInteger(code) else { return nil }
                if let number, number >= 0, number <= 255, genre(number) != String(rest) {
                    values.append(code)
                } else if code == "RX" || code == "CR" {
                    values.append(code)
                }
            }
            if !rest.isEmpty { values.append(String(rest)) }
        }
        var names: [String] = []
        for value in values {
            guard let number = tagLibInteger(value) else { return nil }
            names.append(number.map(genre) ?? value)
        }
        return names
    }

    /// The ID3v1 genre `number` names, or "" (TagLib's `ID3v1::genre`).
    static func genre(_ number: Int) -> String { number >= 0 && number < genres.count ? genres[number] : "" }

    /// TagLib's `String::toInt(&ok)` (`wcstol`, then the whole text must be used): `.some(nil)` when it is
    /// not a number, nil for text whose reading would depend on the locale or on overflow.
    static func tagLibInteger(_ text: String) -> Int?? {
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, first == " " || ("\t"..."\r").contains(first) { scalars = scalars.dropFirst() }
        if let first = scalars.first, !first.isASCII, first.properties.isWhitespace { return nil }
        var sign = 1
        if let first = scalars.first, first == "+" || first == "-" {
            sign = first == "-" ? -1 : 1
            scalars = scalars.dropFirst()
        }
        let digits = scalars.prefix { ("0"..."9").contains($0) }
        guard !digits.isEmpty, digits.count == scalars.count else { return .some(nil) }
        guard digits.count <= 9 else { return nil }
        return .some(sign * digits.reduce(0) { $0 * 10 + Int($1.value - 48) })
    }

    /// TagLib's `String::upper`: ASCII letters only.
    static func asciiUppercased(_ text: String) -> String {
        guard text.utf8.contains(where: { (0x61...0x7A).contains($0) }) else { return text }
        return String(decoding: text.utf8.map { (0x61...0x7A).contains($0) ? $0 - 0x20 : $0 }, as: UTF8.self)
    }

    static func txxxKey(_ description: String) -> String {
        let upper = asciiUppercased(description)
        return txxxKeys[upper] ?? upper
    }

    static func replacingFirstT(_ text: String) -> String {
        guard let index = text.firstIndex(of: "T") else { return text }
        var copy = text
        copy.replaceSubrange(index...index, with: " ")
        return copy
    }

    static func synchSafeOrPlain(_ bytes: ArraySlice<UInt8>, at offset: Int) -> Int {
        guard offset + 4 <= bytes.endIndex else { return 0 }
        let b = bytes[offset..<offset + 4]
        if b.contains(where: { $0 & 0x80 != 0 }) { return Int(bigEndian: bytes, at: offset) }
        return b.reduce(0) { $0 << 7 | Int($1) }
    }

    static func isFrameID(_ bytes: ArraySlice<UInt8>, at offset: Int) -> Bool {
        guard offset >= bytes.startIndex, offset + 4 <= bytes.endIndex else { return false }
        return bytes[offset..<offset + 4].allSatisfy { (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) }
    }

    // MARK: - ID3v1

    /// The 128-byte ID3v1 tag's properties (TagLib's `Tag::properties`), or nil when unsure.
    static func id3v1Properties(_ tag: [UInt8]) -> [String: [String]]? {
        guard tag.count == 128 else { return nil }
        func field(_ offset: Int, _ length: Int) -> String {
            stripped(latin1(tag[offset..<offset + length].prefix { $0 != 0 }))
        }
        var properties: [String: [String]] = [:]
        let title = field(3, 30), artist = field(33, 30), album = field(63, 30), year = field(93, 4)
        let comment: String
        var track = 0
        if tag[125] == 0 && tag[126] != 0 {
            comment = field(97, 28)
            track = Int(tag[126])
        } else {
            comment = latin1(tag[97..<127].prefix { $0 != 0 })
        }
        if !title.isEmpty { properties["TITLE"] = [title] }
        if !artist.isEmpty { properties["ARTIST"] = [artist] }
        if !album.isEmpty { properties["ALBUM"] = [album] }
        if !comment.isEmpty { properties["COMMENT"] = [comment] }
        let genreName = genre(Int(tag[127]))
        if !genreName.isEmpty { properties["GENRE"] = [genreName] }
        guard let yearNumber = leadingInteger(year) else { return nil }
        if yearNumber != 0 { properties["DATE"] = [String(yearNumber)] }
        if track != 0 { properties["TRACKNUMBER"] = [String(track)] }
        return properties
    }

    /// TagLib's `String::stripWhiteSpace`: tab, newline, form feed, carriage return and space.
    static func stripped(_ text: String) -> String {
        let white: Set<Unicode.Scalar> = ["\t", "\n", "\u{0C}", "\r", " "]
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !white.contains($0) }),
              let end = scalars.lastIndex(where: { !white.contains($0) }) else { return "" }
        return String(scalars[start...end])
    }

    /// `wcstol`'s reading of a short field, as TagLib's `String::toInt` uses it: optional blanks and
    /// sign, then digits (none: 0). Nil for what this reader does not vouch for.
    static func leadingInteger(_ text: String) -> Int? {
        var scalars = Substring(text).unicodeScalars.drop { $0 == " " || ("\t"..."\r").contains($0) }
        if let first = scalars.first, !first.isASCII { return nil }  // the locale decides what wcstol skips
        var sign = 1
        if let first = scalars.first, first == "+" || first == "-" {
            sign = first == "-" ? -1 : 1
            scalars = scalars.dropFirst()
        }
        let digits = scalars.prefix { ("0"..."9").contains($0) }
        guard digits.count <= 9 else { return nil }
        return sign * digits.reduce(0) { $0 * 10 + Int($1.value - 48) }
    }

    // MARK: - TagLib's tables (id3v2frame.cpp, 1.13)

    static let textFrameKeys: [String: String] = [
        "TALB": "ALBUM", "TBPM": "BPM", "TCOM": "COMPOSER", "TCON": "GENRE", "TCOP": "COPYRIGHT",
        "TDEN": "ENCODINGTIME", "TDLY": "PLAYLISTDELAY", "TDOR": "ORIGINALDATE", "TDRC": "DATE",
        "TDRL": "RELEASEDATE", "TDTG": "TAGGINGDATE", "TENC": "ENCODEDBY", "TEXT": "LYRICIST", "TFLT": "FILETYPE",
        "TIT1": "WORK", "TIT2": "TITLE", "TIT3": "SUBTITLE", "TKEY": "INITIALKEY", "TLAN": "LANGUAGE",
        "TLEN": "LENGTH", "TMED": "MEDIA", "TMOO": "MOOD", "TOAL": "ORIGINALALBUM", "TOFN": "ORIGINALFILENAME",
        "TOLY": "ORIGINALLYRICIST", "TOPE": "ORIGINALARTIST", "TOWN": "OWNER", "TPE1": "ARTIST",
        "TPE2": "ALBUMARTIST", "TPE3": "CONDUCTOR", "TPE4": "REMIXER", "TPOS": "DISCNUMBER",
        "TPRO": "PRODUCEDNOTICE", "TPUB": "LABEL", "TRCK": "TRACKNUMBER", "TRSN": "RADIOSTATION",
        "TRSO": "RADIOSTATIONOWNER", "TSOA": "ALBUMSORT", "TSOC": "COMPOSERSORT", "TSOP": "ARTISTSORT",
        "TSOT": "TITLESORT", "TSO2": "ALBUMARTISTSORT", "TSRC": "ISRC", "TSSE": "ENCODING",
        "TCAT": "PODCASTCATEGORY", "TDES": "PODCASTDESC", "TGID": "PODCASTID", "WFED": "PODCASTURL",
        "MVNM": "MOVEMENTNAME", "MVIN": "MOVEMENTNUMBER", "GRP1": "GROUPING", "TCMP": "COMPILATION",
    ]

    static let urlFrameKeys: [String: String] = [
        "WCOP": "COPYRIGHTURL", "WOAF": "FILEWEBPAGE", "WOAR": "ARTISTWEBPAGE", "WOAS": "AUDIOSOURCEWEBPAGE",
        "WORS": "RADIOSTATIONWEBPAGE", "WPAY": "PAYMENTWEBPAGE", "WPUB": "PUBLISHERWEBPAGE",
    ]

    /// v2.3 date frames TagLib still names DATE when they appear in a v2.4 tag.
    static let deprecated: [String: String] = ["TRDA": "TDRC", "TDAT": "TDRC", "TYER": "TDRC", "TIME": "TDRC"]

    static let txxxKeys: [String: String] = [
        "MUSICBRAINZ ALBUM ID": "MUSICBRAINZ_ALBUMID", "MUSICBRAINZ ARTIST ID": "MUSICBRAINZ_ARTISTID",
        "MUSICBRAINZ ALBUM ARTIST ID": "MUSICBRAINZ_ALBUMARTISTID",
        "MUSICBRAINZ ALBUM RELEASE COUNTRY": "RELEASECOUNTRY", "MUSICBRAINZ ALBUM STATUS": "RELEASESTATUS",
        "MUSICBRAINZ ALBUM TYPE": "RELEASETYPE", "MUSICBRAINZ RELEASE GROUP ID": "MUSICBRAINZ_RELEASEGROUPID",
        "MUSICBRAINZ RELEASE TRACK ID": "MUSICBRAINZ_RELEASETRACKID", "MUSICBRAINZ WORK ID": "MUSICBRAINZ_WORKID",
        "ACOUSTID ID": "ACOUSTID_ID", "ACOUSTID FINGERPRINT": "ACOUSTID_FINGERPRINT", "MUSICIP PUID": "MUSICIP_PUID",
    ]
}

extension ID3PropertyReader {
    /// TagLib 1.13's ID3v1 genre names (id3v1genres.cpp), by number.
    static let genres = [
        "Blues", "Classic Rock", "Country", "Dance", "Disco", "Funk", "Grunge", "Hip-Hop", "Jazz", "Metal",
        "New Age", "Oldies", "Other", "Pop", "R&B", "Rap", "Reggae", "Rock", "Techno", "Industrial", "Alternative",
        "Ska", "Death Metal", "Pranks", "Soundtrack", "Euro-Techno", "Ambient", "Trip-Hop", "Vocal", "Jazz-Funk",
        "Fusion", "Trance", "Classical", "Instrumental", "Acid", "House", "Game", "Sound Clip", "Gospel", "Noise",
        "Alternative Rock", "Bass", "Soul", "Punk", "Space", "Meditative", "Instrumental Pop", "Instrumental Rock",
        "Ethnic", "Gothic", "Darkwave", "Techno-Industrial", "Electronic", "Pop-Folk", "Eurodance", "Dream",
        "Southern Rock", "Comedy", "Cult", "Gangsta", "Top 40", "Christian Rap", "Pop/Funk", "Jungle",
        "Native American", "Cabaret", "New Wave", "Psychedelic", "Rave", "Showtunes", "Trailer", "Lo-Fi", "Tribal",
        "Acid Punk", "Acid Jazz", "Polka", "Retro", "Musical", "Rock & Roll", "Hard Rock", "Folk", "Folk Rock",
        "National Folk", "Swing", "Fast Fusion", "Bebop", "Latin", "Revival", "Celtic", "Bluegrass", "Avant-garde",
        "Gothic Rock", "Progressive Rock", "Psychedelic Rock", "Symphonic Rock", "Slow Rock", "Big Band", "Chorus",
        "Easy Listening", "Acoustic", "Humour", "Speech", "Chanson", "Opera", "Chamber Music", "Sonata", "Symphony",
        "Booty Bass", "Primus", "Porn Groove", "Satire", "Slow Jam", "Club", "Tango", "Samba", "Folklore", "Ballad",
        "Power Ballad", "Rhythmic Soul", "Freestyle", "Duet", "Punk Rock", "Drum Solo", "A Cappella", "Euro-House",
        "Dancehall", "Goa", "Drum & Bass", "Club-House", "Hardcore Techno", "Terror", "Indie", "Britpop",
        "Worldbeat", "Polsk Punk", "Beat", "Christian Gangsta Rap", "Heavy Metal", "Black Metal", "Crossover",
        "Contemporary Christian", "Christian Rock", "Merengue", "Salsa", "Thrash Metal", "Anime", "Jpop", "Synthpop",
        "Abstract", "Art Rock", "Baroque", "Bhangra", "Big Beat", "Breakbeat", "Chillout", "Downtempo", "Dub", "EBM",
        "Eclectic", "Electro", "Electroclash", "Emo", "Experimental", "Garage", "Global", "IDM", "Illbient",
        "Industro-Goth", "Jam Band", "Krautrock", "Leftfield", "Lounge", "Math Rock", "New Romantic", "Nu-Breakz",
        "Post-Punk", "Post-Rock", "Psytrance", "Shoegaze", "Space Rock", "Trop Rock", "World Music", "Neoclassical",
        "Audiobook", "Audio Theatre", "Neue Deutsche Welle", "Podcast", "Indie Rock", "G-Funk", "Dubstep",
        "Garage Rock", "Psybient",
    ]
}

private extension Int {
    /// Four bytes at `offset`, most significant first (0 when they are not all there).
    init(bigEndian bytes: ArraySlice<UInt8>, at offset: Int) {
        guard offset >= bytes.startIndex, offset + 4 <= bytes.endIndex else {
            self = 0
            return
        }
        self = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
    }
}
