import Foundation

/// A decoded WAV file as floats in [-1, 1]: what the tests compare. Reads PCM 8/16/24/32-bit and
/// IEEE float 32/64, plain or WAVE_FORMAT_EXTENSIBLE; integer PCM is divided by full scale exactly as
/// libsndfile does, so lossless comparisons can be bit-exact.
public struct WavData: Sendable {
    public var sampleRate: Int
    public var channels: Int
    /// Interleaved samples.
    public var samples: [Float]

    public var frames: Int { channels == 0 ? 0 : samples.count / channels }

    public init(sampleRate: Int, channels: Int, samples: [Float]) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.samples = samples
    }

    /// One channel's samples.
    public func channel(_ index: Int) -> [Float] {
        stride(from: index, to: samples.count, by: channels).map { samples[$0] }
    }

    /// Channels averaged into one.
    public var mono: [Float] {
        guard channels > 1 else { return samples }
        return (0..<frames).map { frame in
            var sum: Float = 0
            for c in 0..<channels { sum += samples[frame * channels + c] }
            return sum / Float(channels)
        }
    }

    public struct ReadError: Error, CustomStringConvertible { public var description: String }

    public static func read(_ path: String) throws -> WavData {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try parse([UInt8](data), name: path)
    }

    public static func parse(_ bytes: [UInt8], name: String = "WAV") throws -> WavData {
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        guard bytes.count >= 12, Array(bytes[0..<4]) == Array("RIFF".utf8), Array(bytes[8..<12]) == Array("WAVE".utf8)
        else { throw ReadError(description: "\(name) is not a RIFF/WAVE file") }
        var offset = 12
        var format: (tag: Int, channels: Int, rate: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            var size = u32(offset + 4)
            let body = offset + 8
            if id == "fmt " {
                var tag = u16(body)
                if tag == 0xFFFE { tag = u16(body + 24) }
                format = (tag, u16(body + 2), u32(body + 4), u16(body + 14))
            } else if id == "data", let format {
                // Streaming writers (sox to a pipe) leave the size at 0 or 0xFFFFFFFF: take the rest.
                if size == 0 || size == 0xFFFF_FFFF || body + size > bytes.count { size = bytes.count - body }
                let samples = try decode(bytes, from: body, count: size, format.tag, format.bits, name: name)
                return WavData(sampleRate: format.rate, channels: format.channels, samples: samples)
            }
            offset = body + size + (size & 1)
        }
        throw ReadError(description: "\(name) has no fmt/data chunks")
    }

    private static func decode(_ bytes: [UInt8], from start: Int, count: Int, _ tag: Int, _ bits: Int,
                               name: String) throws -> [Float] {
        let width = bits / 8
        let n = count / width
        var out = [Float](repeating: 0, count: n)
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + start
            for i in 0..<n {
                let p = base + i * width
                switch (tag, bits) {
                case (3, 32): out[i] = Float(bitPattern: p.loadUnaligned(as: UInt32.self).littleEndian)
                case (3, 64): out[i] = Float(Double(bitPattern: p.loadUnaligned(as: UInt64.self).littleEndian))
                case (1, 8): out[i] = Float(Int(p.load(as: UInt8.self)) - 128) / 128
                case (1, 16): out[i] = Float(Int16(littleEndian: p.loadUnaligned(as: Int16.self))) / 32768
                case (1, 24):
                    let v = Int32(p.load(as: UInt8.self)) | Int32(p.load(fromByteOffset: 1, as: UInt8.self)) << 8
                        | Int32(Int8(bitPattern: p.load(fromByteOffset: 2, as: UInt8.self))) << 16
                    out[i] = Float(v) / 8_388_608
                case (1, 32): out[i] = Float(Double(Int32(littleEndian: p.loadUnaligned(as: Int32.self))) / 2_147_483_648)
                default: break
                }
            }
        }
        guard [(3, 32), (3, 64), (1, 8), (1, 16), (1, 24), (1, 32)].contains(where: { $0 == (tag, bits) }) else {
            throw ReadError(description: "\(name): WAV format \(tag) with \(bits) bits is not supported by the test reader")
        }
        return out
    }

    /// Writes 16-bit PCM (what encoders take as input). Samples are rounded and clipped. More than two
    /// channels are written as WAVE_FORMAT_EXTENSIBLE with the usual speaker mask, as encoders require.
    public func write16(to path: String) throws {
        var bytes: [UInt8] = []
        func u16(_ v: Int) { bytes += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func u32(_ v: Int) { u16(v & 0xFFFF); u16((v >> 16) & 0xFFFF) }
        let dataSize = samples.count * 2
        let extensible = channels > 2
        let masks = [3: 0x7, 4: 0x33, 5: 0x37, 6: 0x3F, 7: 0x70F, 8: 0x63F]
        bytes += Array("RIFF".utf8); u32((extensible ? 60 : 36) + dataSize); bytes += Array("WAVE".utf8)
        bytes += Array("fmt ".utf8); u32(extensible ? 40 : 16); u16(extensible ? 0xFFFE : 1); u16(channels); u32(sampleRate)
        u32(sampleRate * channels * 2); u16(channels * 2); u16(16)
        if extensible {
            u16(22); u16(16); u32(masks[channels] ?? 0)
            // KSDATAFORMAT_SUBTYPE_PCM {00000001-0000-0010-8000-00aa00389b71}
            bytes += [0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        }
        bytes += Array("data".utf8); u32(dataSize)
        bytes.reserveCapacity(bytes.count + dataSize)
        for sample in samples {
            let value = Int(max(-32768, min(32767, (sample * 32768).rounded())))
            u16(value & 0xFFFF)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
