import Synchronization

/// Where the output thread is: which play, which frame. Written by the output thread without locks,
/// read by anyone (a sequence lock: the writer makes the counter odd while it updates, readers retry
/// until they see the same even counter before and after).
final class PublishedPosition: Sendable {
    struct Value: Equatable, Sendable {
        var epoch: UInt64
        var playSerial: Int
        var frame: Int64
    }

    private let sequence = Atomic<UInt64>(0)
    private let epoch = Atomic<UInt64>(0)
    private let playSerial = Atomic<Int>(0)
    private let frame = Atomic<Int64>(0)

    /// Output thread only.
    func publish(_ value: Value) {
        sequence.add(1, ordering: .sequentiallyConsistent)
        epoch.store(value.epoch, ordering: .sequentiallyConsistent)
        playSerial.store(value.playSerial, ordering: .sequentiallyConsistent)
        frame.store(value.frame, ordering: .sequentiallyConsistent)
        sequence.add(1, ordering: .sequentiallyConsistent)
    }

    func read() -> Value {
        while true {
            let before = sequence.load(ordering: .sequentiallyConsistent)
            if before & 1 == 1 { continue }
            let value = Value(epoch: epoch.load(ordering: .sequentiallyConsistent),
                              playSerial: playSerial.load(ordering: .sequentiallyConsistent),
                              frame: frame.load(ordering: .sequentiallyConsistent))
            if sequence.load(ordering: .sequentiallyConsistent) == before { return value }
        }
    }
}
