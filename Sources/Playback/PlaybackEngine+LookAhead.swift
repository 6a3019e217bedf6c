import Synchronization

/// Plays the output must never begin: the decoder opened them ahead (for the gapless hand-off), then
/// the queue after the heard entry changed under them. A closed range of serials, packed in one word
/// so that it travels with the output's "last begun" serial in one atomic (`PlaybackEngine.handoff`).
///
/// Serials are stored in 32 bits each: they count opened tracks, and four billion opens is far beyond
/// any session; only the last few dozen serials are ever alive.
struct RetractedPlays: Equatable {
    var first: UInt32
    var last: UInt32

    static let none = RetractedPlays(first: 1, last: 0)

    init(first: UInt32, last: UInt32) {
        self.first = first
        self.last = last
    }

    init(first: Int, last: Int) {
        self.init(first: UInt32(truncatingIfNeeded: first), last: UInt32(truncatingIfNeeded: last))
    }

    init(word: UInt) {
        self.init(first: UInt32(truncatingIfNeeded: word >> 32), last: UInt32(truncatingIfNeeded: word))
    }

    var word: UInt { UInt(first) << 32 | UInt(last) }
    var isEmpty: Bool { first > last }

    func contains(_ serial: Int) -> Bool {
        let serial = UInt32(truncatingIfNeeded: serial)
        return first <= serial && serial <= last
    }
}

extension PlaybackEngine {
    /// Whether the output may begin writing play `serial`, deciding it against a retraction: if the play
    /// is not retracted, it is recorded as begun in the same atomic step, so a retraction made a moment
    /// later sees it and leaves it alone (see `retractStaleLookAhead`). Called on the output thread, once
    /// per chunk that starts a new play: lock-free, allocates nothing.
    func mayBegin(_ serial: Int) -> Bool {
        var word = handoff.load(ordering: .sequentiallyConsistent)
        while true {
            if RetractedPlays(word: word.second).contains(serial) { return false }
            let (exchanged, found) = handoff.compareExchange(
                expected: word, desired: WordPair(first: UInt(truncatingIfNeeded: serial), second: word.second),
                ordering: .sequentiallyConsistent)
            if exchanged { return true }
            word = found
        }
    }

    /// Forgets any retraction: a new epoch drops all the older audio anyway. Under the state lock.
    func clearRetraction() {
        var word = handoff.load(ordering: .sequentiallyConsistent)
        while !RetractedPlays(word: word.second).isEmpty {
            let (exchanged, found) = handoff.compareExchange(
                expected: word, desired: WordPair(first: word.first, second: RetractedPlays.none.word),
                ordering: .sequentiallyConsistent)
            if exchanged { return }
            word = found
        }
    }

    /// Under the state lock, after the entries after the heard one were replaced (`previous` is the
    /// queue before): when the decoder has already gone past an entry that changed (a play it opened
    /// ahead is no longer what the queue says follows, or it ran out of a queue whose tail was then
    /// replaced), retracts every play opened ahead (their audio in the ring is dropped unheard, they are
    /// never announced) and asks the decoder to open the queue again from the entry after the current
    /// one, in the same epoch, so the track playing is not touched and the hand-off stays gapless.
    /// Returns whether it did.
    ///
    /// Why: the decoder opens the next track seconds before it is heard. Without this, an edit made in a
    /// track's last seconds (play next, remove, repeat or continue switched) applied one track late.
    /// Nothing happens when the plays ahead are still the entries that follow (the interface says what
    /// follows at every track start), nor when the output has already begun one of them: then that play
    /// is being heard, and the edit applies after it, as before.
    func retractStaleLookAhead(_ s: inout ControlState, previous: [PlaybackItem]) -> Bool {
        guard s.request == nil, let current = s.currentIndex else { return false }
        let ahead = s.plays.values.filter { $0.epoch == s.epoch && !$0.started && $0.queueIndex > current }
        let changedAhead = ahead.contains { !s.queue.indices.contains($0.queueIndex) || s.queue[$0.queueIndex] != $0.item }
        // Having run out, the decoder went past every entry: unless they were only added to, go over them again.
        let changedAfterEnd = s.exhaustedEpoch == s.epoch && previous.count > current + 1
            && !s.queue.dropFirst(current + 1).starts(with: previous.dropFirst(current + 1))
        guard changedAhead || changedAfterEnd else { return false }
        if let from = ahead.map(\.serial).min(), !retract(from: from, to: s.nextSerial - 1) { return false }
        for play in ahead { s.plays[play.serial] = nil }
        s.request = Request(epoch: s.epoch, kind: .reopen(index: current + 1))
        // The decoder may have run out of queue after the retracted plays: the end is not reached.
        if s.exhaustedEpoch == s.epoch {
            s.exhaustedEpoch = nil
            finishedEpoch.store(0, ordering: .sequentiallyConsistent)
        }
        s.trailingFailures[s.epoch] = nil
        return true
    }

    /// Retracts the plays `from`…`to` unless the output has begun `from` or a later one (then it is being
    /// heard, and nothing is retracted). Returns whether it retracted.
    private func retract(from: Int, to: Int) -> Bool {
        var word = handoff.load(ordering: .sequentiallyConsistent)
        while true {
            let begun = Int(word.first)
            guard begun < from else { return false }
            // An earlier retraction in this epoch whose audio the output has not reached yet stays retracted:
            // everything opened since is ahead too, so the range can simply start from it.
            let pending = RetractedPlays(word: word.second)
            let first = !pending.isEmpty && Int(pending.first) > begun ? min(Int(pending.first), from) : from
            let range = RetractedPlays(first: first, last: to)
            let (exchanged, found) = handoff.compareExchange(
                expected: word, desired: WordPair(first: word.first, second: range.word),
                ordering: .sequentiallyConsistent)
            if exchanged { return true }
            word = found
        }
    }
}
