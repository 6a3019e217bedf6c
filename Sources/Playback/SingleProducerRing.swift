import Synchronization

/// A fixed-size, lock-free queue between exactly one producer thread and one consumer thread.
///
/// Nothing is allocated after `init`, and neither side ever blocks or takes a lock, which is what the
/// output thread needs. Indices grow forever (an `Int` will not wrap in any lifetime) and are masked
/// into the storage; `head - tail` is the fill level.
final class SingleProducerRing<Element: BitwiseCopyable>: @unchecked Sendable {
    // @unchecked: `storage` is only written by the producer at `head` before `head` is published
    // (release), and only read by the consumer at `tail` after `head` was observed (acquire).
    let capacity: Int
    private let mask: Int
    private let storage: UnsafeMutablePointer<Element>
    private let head = Atomic<Int>(0)
    private let tail = Atomic<Int>(0)

    /// - Parameter capacity: rounded up to a power of two.
    init(capacity: Int, filler: Element) {
        var size = 1
        while size < capacity { size <<= 1 }
        self.capacity = size
        mask = size - 1
        storage = .allocate(capacity: size)
        storage.initialize(repeating: filler, count: size)
    }

    deinit { storage.deallocate() }

    // MARK: Producer side

    /// The slot the next `push` will fill, or nil when the ring is full.
    func reservableSlot() -> Int? {
        let h = head.load(ordering: .relaxed)
        return h - tail.load(ordering: .acquiring) < capacity ? h & mask : nil
    }

    /// Publishes `element` in the reserved slot. Returns false (and drops it) when the ring is full.
    @discardableResult
    func push(_ element: Element) -> Bool {
        let h = head.load(ordering: .relaxed)
        guard h - tail.load(ordering: .acquiring) < capacity else { return false }
        storage[h & mask] = element
        head.store(h + 1, ordering: .releasing)
        return true
    }

    // MARK: Consumer side

    /// The oldest element and its slot, without removing it.
    func peek() -> (slot: Int, element: Element)? {
        let t = tail.load(ordering: .relaxed)
        guard t < head.load(ordering: .acquiring) else { return nil }
        return (t & mask, storage[t & mask])
    }

    /// Removes the oldest element (after `peek`).
    func pop() {
        let t = tail.load(ordering: .relaxed)
        tail.store(t + 1, ordering: .releasing)
    }

    /// How many elements are waiting; exact only when called from one of the two sides.
    var count: Int { head.load(ordering: .acquiring) - tail.load(ordering: .acquiring) }
}
