/// File names are bytes on Linux; hum's strings are UTF-8. These helpers keep the exact bytes where a
/// name is not valid UTF-8 and show it escaped (`\xFF`), so such a file is still listed and playable.
enum FilePathBytes {
    /// The path as text: itself when valid UTF-8, otherwise each invalid byte as `\xNN`.
    static func display(_ bytes: [UInt8]) -> (text: String, isExact: Bool) {
        if let text = String(validating: bytes, as: UTF8.self) { return (text, true) }
        var text = ""
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                text.unicodeScalars.append(Unicode.UTF8.decode(encoded))
                offset += encoded.count
            case .error(let length):
                for byte in bytes[offset..<offset + length] {
                    let hex = String(byte, radix: 16, uppercase: true)
                    text += "\\x" + (hex.count == 1 ? "0" : "") + hex
                }
                offset += length
            case .emptyInput:
                return (text, false)
            }
        }
    }
}
