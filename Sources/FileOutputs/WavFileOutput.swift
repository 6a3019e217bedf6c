import Foundation
import MusicCore
import Synchronization

/// Writes exactly the samples the engine plays (after ReplayGain and volume) to a 32-bit float WAV file:
/// the basis of hum's bit-exact tests, and a way to render a queue.
///
/// It consumes as fast as the decoder produces, so pause and seek have nothing to act on. When the
/// format changes between tracks, the file is finished and the next one is numbered: `out.wav`,
/// `out.2.wav`, `out.3.wav`…
public final class WavFileOutput: AudioOutput, Sendable {
    public let path: String
    public var name: String { "wav:\(path)" }

    /// The state of the open file. Only the engine's output thread uses it; the mutex is there to make
    /// that provable to the compiler, and is never contended.
    private let file = Mutex<WavFileWriter?>(nil)
    private let segments = Mutex<[String]>([])

    public init(path: String) {
        self.path = path
    }

    public func open(format: AudioFormat) throws {
        try file.withLock { writer in
            writer?.finish()
            let number = segments.withLock { $0.count } + 1
            let target = number == 1 ? path : Self.numberedPath(path, number)
            writer = try WavFileWriter(path: target, format: format)
            segments.withLock { $0.append(target) }
        }
    }

    public func write(_ samples: UnsafePointer<Float>, frames: Int) throws -> Int {
        try file.withLock { writer in
            guard let writer else { throw AudioOutputError.failed("\(name) is not open") }
            try writer.append(samples, frames: frames)
        }
        return frames
    }

    public func drain() throws { file.withLock { $0?.flush() } }
    public func setPaused(_ paused: Bool) {}
    public func discardBuffered() {}

    public func close() {
        file.withLock { writer in
            writer?.finish()
            writer = nil
        }
    }

    /// "out.wav" → "out.2.wav"; "out" → "out.2".
    static func numberedPath(_ path: String, _ number: Int) -> String {
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension
        let base = ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
        return ext.isEmpty ? "\(base).\(number)" : "\(base).\(number).\(ext)"
    }
}

/// One WAV file being written: a header with placeholder sizes, the data, then the sizes patched in.
// @unchecked Sendable: only ever used inside `WavFileOutput`'s mutex, one caller at a time.
final class WavFileWriter: @unchecked Sendable {
    private let handle: UnsafeMutablePointer<FILE>
    private let path: String
    private let format: AudioFormat
    private var dataBytes: UInt64 = 0
    private var finished = false
    /// Offsets of the size fields patched by `finish`.
    private let riffSizeOffset = 4
    private let factFramesOffset: Int
    private let dataSizeOffset: Int

    init(path: String, format: AudioFormat) throws {
        guard let handle = fopen(path, "wb") else {
            throw AudioOutputError.failed("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        self.handle = handle
        self.path = path
        self.format = format
        let header = WavHeader.floatHeader(format: format)
        factFramesOffset = header.factFramesOffset
        dataSizeOffset = header.dataSizeOffset
        guard fwrite(header.bytes, 1, header.bytes.count, handle) == header.bytes.count else {
            fclose(handle)
            throw AudioOutputError.failed("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    func append(_ samples: UnsafePointer<Float>, frames: Int) throws {
        let count = frames * format.channels
        guard fwrite(samples, MemoryLayout<Float>.size, count, handle) == count else {
            throw AudioOutputError.failed("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        dataBytes += UInt64(count * MemoryLayout<Float>.size)
    }

    func flush() { fflush(handle) }

    /// Patches the sizes and closes the file. RIFF sizes are 32-bit: past 4 GiB they are left at the maximum.
    func finish() {
        guard !finished else { return }
        finished = true
        let data = UInt32(clamping: dataBytes)
        let frames = UInt32(clamping: dataBytes / UInt64(format.channels * MemoryLayout<Float>.size))
        let riff = UInt32(clamping: UInt64(dataSizeOffset + 4 - 8) + dataBytes)
        for (offset, value) in [(riffSizeOffset, riff), (factFramesOffset, frames), (dataSizeOffset, data)] {
            fseek(handle, offset, SEEK_SET)
            var little = value.littleEndian
            fwrite(&little, 4, 1, handle)
        }
        fclose(handle)
    }

    deinit { finish() }
}

/// The bytes of a float WAV header, and where its size fields are.
enum WavHeader {
    static func floatHeader(format: AudioFormat) -> (bytes: [UInt8], factFramesOffset: Int, dataSizeOffset: Int) {
        var bytes: [UInt8] = []
        func ascii(_ s: String) { bytes += Array(s.utf8) }
        func u16(_ v: Int) { bytes += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func u32(_ v: Int) { for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8((v >> shift) & 0xFF)) } }

        // More than two channels need WAVE_FORMAT_EXTENSIBLE to say which speaker each channel is.
        let extensible = format.channels > 2
        let blockAlign = format.channels * 4
        ascii("RIFF"); u32(0); ascii("WAVE")
        ascii("fmt "); u32(extensible ? 40 : 18)
        u16(extensible ? 0xFFFE : 3)  // WAVE_FORMAT_IEEE_FLOAT
        u16(format.channels); u32(format.sampleRate); u32(format.sampleRate * blockAlign); u16(blockAlign); u16(32)
        if extensible {
            u16(22); u16(32)
            u32(speakerMask(channels: format.channels))
            // KSDATAFORMAT_SUBTYPE_IEEE_FLOAT {00000003-0000-0010-8000-00aa00389b71}
            bytes += [0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        } else {
            u16(0)
        }
        ascii("fact"); u32(4)
        let factFramesOffset = bytes.count
        u32(0)
        ascii("data")
        let dataSizeOffset = bytes.count
        u32(0)
        return (bytes, factFramesOffset, dataSizeOffset)
    }

    /// The usual speaker positions for 3–8 channels, in WAV order (FL FR FC LFE BL BR …).
    static func speakerMask(channels: Int) -> Int {
        switch channels {
        case 3: 0x7          // FL FR FC
        case 4: 0x33         // FL FR BL BR
        case 5: 0x37         // FL FR FC BL BR
        case 6: 0x3F         // FL FR FC LFE BL BR
        case 7: 0x70F        // FL FR FC LFE BC SL SR
        case 8: 0x63F        // FL FR FC LFE BL BR SL SR
        default: 0
        }
    }
}
