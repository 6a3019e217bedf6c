import Foundation

extension Data {
    /// Lowercase hex, two digits a byte: how ids, hashes and keys are written in the protocol.
    public var hexString: String { map { String(format: "%02x", $0) }.joined() }

    /// The bytes of an even number of hex digits; nil for anything else.
    public init?(hex: String) {
        guard hex.utf8.count % 2 == 0, hex.allSatisfy(\.isHexDigit) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.utf8.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
