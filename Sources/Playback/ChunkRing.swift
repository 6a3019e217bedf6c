import MusicCore

/// What the decode thread tells the output thread about one chunk of samples.
struct ChunkHeader: BitwiseCopyable, Equatable {
    /// Which repositioning (seek, skip, stop…) the chunk belongs to; older epochs are dropped unheard.
    var epoch: UInt64
    /// Which play of which track: a new serial each time a track starts (not when it is seeked).
    var playSerial: Int
    var sampleRate: Int32
    var channels: Int32
    /// The track frame the chunk starts at.
    var startFrame: Int64
    var frames: Int32

    var format: AudioFormat { AudioFormat(sampleRate: Int(sampleRate), channels: Int(channels)) }

    static let empty = ChunkHeader(epoch: 0, playSerial: 0, sampleRate: 0, channels: 0, startFrame: 0, frames: 0)
}

/// The decode thread → output thread pipe: a lock-free ring of chunk headers, each slot with its own
/// preallocated sample buffer. The producer fills a slot's samples, then pushes its header; the
/// consumer reads (and may scale in place) the samples of the slot it peeked, then pops it.
final class ChunkRing: @unchecked Sendable {
    // @unchecked: a slot's samples are touched by the producer only before its header is pushed and by
    // the consumer only between peek and pop; the ring's release/acquire ordering separates the two.
    let samplesPerSlot: Int
    private let headers: SingleProducerRing<ChunkHeader>
    private let samples: UnsafeMutablePointer<Float>

    var slotCount: Int { headers.capacity }

    init(slots: Int, samplesPerSlot: Int) {
        headers = SingleProducerRing(capacity: slots, filler: .empty)
        self.samplesPerSlot = samplesPerSlot
        samples = .allocate(capacity: headers.capacity * samplesPerSlot)
        samples.initialize(repeating: 0, count: headers.capacity * samplesPerSlot)
    }

    deinit { samples.deallocate() }

    /// Producer: where to decode the next chunk, or nil when the ring is full.
    func reservableSamples() -> UnsafeMutablePointer<Float>? {
        headers.reservableSlot().map { samples + $0 * samplesPerSlot }
    }

    /// Producer: publishes the chunk just decoded into `reservableSamples()`.
    func commit(_ header: ChunkHeader) { headers.push(header) }

    /// Consumer: the oldest chunk and its samples.
    func peek() -> (header: ChunkHeader, samples: UnsafeMutablePointer<Float>)? {
        headers.peek().map { ($0.element, samples + $0.slot * samplesPerSlot) }
    }

    /// Consumer: frees the oldest chunk.
    func pop() { headers.pop() }

    var isEmpty: Bool { headers.count == 0 }

    /// Chunks waiting to be played.
    var count: Int { headers.count }
}
