/// Paths and `file:` URLs, done on Unicode scalars so that a path's bytes (NFC or NFD) are kept exactly.
enum Paths {
    // MARK: Reading: location → path

    static func resolve(_ location: String, relativeTo directory: String) -> String? {
        guard !location.isEmpty, !location.unicodeScalars.contains("\0") else { return nil }
        if let scheme = urlScheme(location) {
            guard scheme.lowercased() == "file" else { return nil }
            return fileURLPath(location).map { normalised(components(of: $0), absolute: true) }
        }
        if location.unicodeScalars.first == "/" { return normalised(components(of: location), absolute: true) }
        if isWindowsAbsolute(location) { return nil }
        let relative = String(String.UnicodeScalarView(location.unicodeScalars.map { $0 == "\\" ? "/" : $0 }))
        let base = components(of: directory)
        return normalised(base + components(of: relative), absolute: directory.unicodeScalars.first == "/")
    }

    /// The scheme when `text` starts like a URL (RFC 3986: a letter, then letters, digits, `+ - .`, then `:`).
    /// One letter is a Windows drive (`C:`), not a scheme.
    static func urlScheme(_ text: String) -> String? {
        let scalars = text.unicodeScalars
        guard let colon = scalars.firstIndex(of: ":") else { return nil }
        let scheme = scalars[..<colon]
        guard scheme.count >= 2, let first = scheme.first, first.isASCIILetter,
              scheme.allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit || $0 == "+" || $0 == "-" || $0 == "." })
        else { return nil }
        return String(String.UnicodeScalarView(scheme))
    }

    /// `C:\x`, `C:/x`, `C:x` and `\\server\share`.
    private static func isWindowsAbsolute(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars.prefix(2))
        if scalars.count == 2, scalars[0].isASCIILetter, scalars[1] == ":" { return true }
        return scalars == ["\\", "\\"]
    }

    /// The decoded path of a `file:` URL on this machine; nil for another host, a Windows drive, a NUL.
    private static func fileURLPath(_ url: String) -> String? {
        var rest = Substring(url).unicodeScalars.dropFirst(5)  // "file:"
        if rest.starts(with: "//".unicodeScalars) {
            rest = rest.dropFirst(2)
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            let host = String(String.UnicodeScalarView(rest[..<slash])).lowercased()
            guard host.isEmpty || host == "localhost" else { return nil }
            rest = rest[slash...]
        }
        guard rest.first == "/" else { return nil }
        guard let path = percentDecoded(String(String.UnicodeScalarView(rest))),
              !path.unicodeScalars.contains("\0") else { return nil }
        // file:///C:/Music/a.mp3 names a Windows drive.
        if isWindowsAbsolute(String(String.UnicodeScalarView(path.unicodeScalars.dropFirst()))) { return nil }
        return path
    }

    /// `%XX` decoded; the bytes read as UTF-8, or as Windows-1252 when they are not. A `%` not followed by two hex
    /// digits stays as it is.
    static func percentDecoded(_ text: String) -> String? {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        bytes.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count,
               let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? TextDecoding.windows1252(bytes)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The non-empty components between slashes.
    static func components(of path: String) -> [String] {
        path.unicodeScalars.split(separator: "/").map { String(String.UnicodeScalarView($0)) }
    }

    /// `.` dropped, `..` removing the component before it (at the root of an absolute path, nothing).
    static func normalised(_ components: [String], absolute: Bool) -> String {
        var kept: [String] = []
        for component in components {
            switch component {
            case ".": continue
            case "..":
                if let last = kept.last, last != ".." { kept.removeLast() } else if !absolute { kept.append("..") }
            default: kept.append(component)
            }
        }
        let joined = kept.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    // MARK: Writing: path → location

    /// The line to write for `path` in an M3U or PLS file: relative to `directory` when possible and safe,
    /// absolute otherwise, a `file://` URL when a line could not hold it.
    static func location(for path: String, relativeTo directory: String?) -> String {
        guard path.unicodeScalars.first == "/" else { return path }
        if let directory, directory.unicodeScalars.first == "/",
           let relative = relativePath(path, from: directory), !needsURL(relative) {
            return relative
        }
        return needsURL(path) ? fileURL(for: path) : path
    }

    /// Lines that reading would not give back as written: a control character (CR, LF…) ends or spoils the line,
    /// and leading or trailing spaces are trimmed.
    private static func needsURL(_ path: String) -> Bool {
        TextLines.hasControlCharacter(path) || TextLines.trimmed(path).unicodeScalars.count != path.unicodeScalars.count
    }

    /// `path` relative to `directory` (both absolute), when they share at least their first component and reading
    /// it back (`resolve`) gives the same path; nil to write it absolute.
    private static func relativePath(_ path: String, from directory: String) -> String? {
        let pathParts = components(of: path), directoryParts = components(of: directory)
        // Lexical normalisation must not change the path, or the relative form would name another file.
        guard !pathParts.contains(where: { $0 == "." || $0 == ".." }),
              !directoryParts.contains(where: { $0 == "." || $0 == ".." }) else { return nil }
        var common = 0
        while common < pathParts.count, common < directoryParts.count,
              pathParts[common].utf8.elementsEqual(directoryParts[common].utf8) {
            common += 1
        }
        guard common > 0, common < pathParts.count else { return nil }
        let parts = Array(repeating: "..", count: directoryParts.count - common) + pathParts[common...]
        var relative = parts.joined(separator: "/")
        // Backslashes would be read back as separators.
        if relative.unicodeScalars.contains("\\") { return nil }
        // A first component starting with `#` would be a comment, one like `name:` a URL, one like `C:` a drive.
        if let first = relative.unicodeScalars.first,
           first == "#" || urlScheme(relative) != nil || isWindowsAbsolute(relative) {
            relative = "./" + relative
        }
        return relative
    }

    /// `file://` and the path percent-encoded (RFC 3986): every byte but unreserved characters and `/`.
    static func fileURL(for path: String) -> String {
        "file://" + percentEncoded(path)
    }

    static func percentEncoded(_ path: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                bytes.append(byte)
            default:
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
