import Foundation
import Synchronization

/// A tmux control-mode client (`tmux -C attach`) on a `TmuxSession`: keys go in as commands on its
/// input, and tmux reports every piece of the program's output as a `%output` line the moment it reads
/// it from the pane, which this client timestamps.
///
/// Why: a latency measured by polling `capture-pane` (one short tmux process every 10 ms) cannot tell
/// 1 ms from 9 ms — its floor, a key echoed by `cat`, is about 5 ms at the median, and a program that
/// answers in 1 ms and one that answers in 6 ms both land in the first capture. Here a key is one line
/// written to a client that is already attached (no process started), and the answer is timed to the
/// arrival of the program's last output before a capture showed the expected screen: sub-millisecond
/// resolution, and the screen is still checked in full by a capture, which now waits until the
/// program has gone quiet and so takes no CPU from it while it works.
///
/// The client does not change the window's size (tmux 3.3 ignores control clients that set none) and
/// is ended by `close()`, by the session's server going away, or when it is deinitialised.
public final class TmuxControl: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    private let session: TmuxSession
    private let input: Int32
    private let pid: pid_t
    private let outputs = OutputLog()
    private let closed = Atomic<Bool>(false)
    /// The text a `display-message` prints once the client is attached and answering.
    private static let attachedMarker = "hum-control-attached"

    /// Attaches a control client to `session`.
    /// - Throws: `Failure` if tmux cannot be started or does not attach within the session's command timeout.
    public init(_ session: TmuxSession) throws {
        self.session = session
        var toClient: [Int32] = [0, 0], fromClient: [Int32] = [0, 0]
        guard Self.pipeClosedOnExec(&toClient) else { throw Failure("pipe: \(String(cString: strerror(errno)))") }
        guard Self.pipeClosedOnExec(&fromClient) else {
            Glibc.close(toClient[0]); Glibc.close(toClient[1])
            throw Failure("pipe: \(String(cString: strerror(errno)))")
        }
        let spawned: pid_t
        do {
            spawned = try CleanSpawn.start("tmux", ["-L", session.name, "-f", "/dev/null", "-C", "attach-session", "-t", session.name],
                                           standardInput: toClient[0], standardOutput: fromClient[1])
        } catch {
            for fd in toClient + fromClient { Glibc.close(fd) }
            throw error
        }
        Glibc.close(toClient[0])
        Glibc.close(fromClient[1])
        input = toClient[1]
        pid = spawned
        let output = fromClient[0]
        let thread = Thread { [outputs] in Self.read(output, into: outputs) }
        thread.name = "tmux-control-reader"
        thread.start()
        do {
            try command("display-message -p \(Self.attachedMarker)")
        } catch {
            close()
            throw error
        }
        let attached = outputs.wait(until: Date().addingTimeInterval(session.commandTimeout)) { $0.attached || $0.ended }
        guard attached.attached else {
            close()
            throw Failure("tmux -C attach-session -t \(session.name) did not answer in \(session.commandTimeout) s")
        }
    }

    deinit { close() }

    /// A pipe whose ends are closed in any program this process starts (Swift does not import pipe2;
    /// `CleanSpawn` closes them anyway, other spawners may not).
    private static func pipeClosedOnExec(_ ends: inout [Int32]) -> Bool {
        guard pipe(&ends) == 0 else { return false }
        for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// Reads the client's output to its end, timestamping each `%output` line.
    private static func read(_ fd: Int32, into outputs: OutputLog) {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let marker = Array(attachedMarker.utf8)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            let now = Date()
            pending += buffer[0..<count]
            var start = 0, pieces = 0, attached = false
            var written: [UInt8] = []
            let recording = outputs.read { $0.recorded != nil }
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[start..<newline]
                if line.starts(with: outputPrefix) {
                    pieces += 1
                    if recording { decodeOutput(line, into: &written) }
                }
                if line.elementsEqual(marker) { attached = true }
                start = newline + 1
            }
            pending.removeFirst(start)
            outputs.update { state in
                state.times += Array(repeating: now, count: pieces)
                state.attached = state.attached || attached
                state.recorded? += written
            }
        }
        Glibc.close(fd)
        outputs.update { $0.ended = true }
    }

    private static let outputPrefix = Array("%output ".utf8)

    /// Appends the bytes the program wrote, from one `%output %PANE DATA` line: tmux writes a byte
    /// below space and the backslash as a backslash and three octal digits, any other byte as itself.
    public static func decodeOutput(_ line: ArraySlice<UInt8>, into bytes: inout [UInt8]) {
        var rest = line.dropFirst(outputPrefix.count)
        guard let space = rest.firstIndex(of: UInt8(ascii: " ")) else { return }  // after the pane id
        rest = rest[(space + 1)...]
        var index = rest.startIndex
        while index < rest.endIndex {
            let byte = rest[index]
            if byte == UInt8(ascii: "\\"), rest.endIndex - index >= 4 {
                let digits = rest[(index + 1)...(index + 3)].map { Int($0) - Int(UInt8(ascii: "0")) }
                if digits.allSatisfy({ (0...7).contains($0) }) {
                    bytes.append(UInt8(truncatingIfNeeded: digits[0] * 64 + digits[1] * 8 + digits[2]))
                    index += 4
                    continue
                }
            }
            bytes.append(byte)
            index += 1
        }
    }

    /// Starts keeping the bytes the program writes (`recorded()` returns them); forgets any kept before.
    public func startRecording() { outputs.update { $0.recorded = [] } }

    /// The bytes the program wrote since `startRecording()`, as tmux read them from the pane.
    public func recorded() -> [UInt8] { outputs.read { $0.recorded ?? [] } }

    /// Stops keeping the program's bytes.
    public func stopRecording() { outputs.update { $0.recorded = nil } }

    /// Writes one command line to the client.
    private func command(_ line: String) throws {
        let bytes = Array((line + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Glibc.write(input, $0.baseAddress, $0.count) }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { throw Failure("tmux control client: write: \(String(cString: strerror(errno)))") }
            written += result
        }
    }

    /// Types `text` literally, as its UTF-8 bytes (`send-keys -H`: nothing to quote).
    public func type(_ text: String) throws {
        guard !text.isEmpty else { return }
        try command("send-keys -t \(session.name) -H " + text.utf8.map { String($0, radix: 16) }.joined(separator: " "))
    }

    /// Sends tmux key names ("Enter", "BSpace", "C-l"), as `TmuxSession.send(keys:)`.
    public func send(keys: [String]) throws {
        guard !keys.isEmpty else { return }
        guard keys.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } }) else {
            throw Failure("key names must be plain tmux key names: \(keys)")
        }
        try command("send-keys -t \(session.name) " + keys.joined(separator: " "))
    }

    /// How many pieces of output have arrived so far.
    public var outputCount: Int { outputs.read { $0.times.count } }

    /// Waits until output has arrived beyond the first `count` pieces and none has for `quiet` seconds,
    /// and returns how many pieces there are then; nil if `deadline` passes (or the client ends) first.
    public func waitForQuiet(after count: Int, quiet: Double, until deadline: Date) -> Int? {
        while true {
            let state = outputs.wait(until: deadline) { $0.times.count > count || $0.ended }
            guard state.times.count > count, let last = state.times.last else { return nil }
            let quietAt = last.addingTimeInterval(quiet)
            let later = outputs.wait(until: min(quietAt, deadline)) { $0.times.count != state.times.count || $0.ended }
            if later.times.count == state.times.count, Date() >= quietAt { return state.times.count }
            if later.ended || Date() >= deadline { return nil }
        }
    }

    /// When the last piece of output before `moment` arrived, if one did.
    public func lastOutput(before moment: Date) -> Date? {
        outputs.read { state in state.times.last { $0 < moment } }
    }

    /// Seconds from just before `send` to the last output before the first capture that satisfies
    /// `predicate` — the moment the program finished writing that screen, as tmux received it.
    ///
    /// A capture is taken each time the program has been quiet for `quiet` seconds after new output, so
    /// a screen drawn in pieces with pauses between them is checked after each pause and the later
    /// pieces awaited. Never early: the output that completed the screen arrived before the capture that
    /// showed it. Late only by output that arrived during that capture without changing the screen
    /// (programs measured here write nothing then).
    /// - Throws: `TmuxSession.Failure` with the last screen if `timeout` passes first.
    public func measure(timeout: Double = 10, quiet: Double = 0.003, send: () throws -> Void,
                        until predicate: (TmuxSession.Screen) -> Bool) throws -> Double {
        var seen = outputCount
        let start = Date()
        let deadline = start.addingTimeInterval(timeout)
        try send()
        while true {
            let quietAt = waitForQuiet(after: seen, quiet: quiet, until: deadline)
            let screen = try session.captureScreen(colors: true)
            let captured = Date()
            if predicate(screen) {
                guard let last = lastOutput(before: captured), last > start else {
                    throw TmuxSession.Failure("the screen was as expected with no output since the key:\n\(screen)")
                }
                return last.timeIntervalSince(start)
            }
            guard let quietAt else {
                throw TmuxSession.Failure("the screen did not become as expected in \(timeout) s; the last screen:\n\(screen)")
            }
            seen = quietAt
        }
    }

    /// Ends the client (closing its input detaches it) and reaps it. Safe to call more than once.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        Glibc.close(input)
        _ = CleanSpawn.reap(pid, timeout: 5)
    }
}

/// The client's record of what arrived, shared by its reader thread and the measuring thread, with a
/// condition variable so that a waiter wakes at each arrival.
final class OutputLog: @unchecked Sendable {
    struct State {
        /// When each `%output` line arrived, in order.
        var times: [Date] = []
        var attached = false
        var ended = false
        /// The program's bytes since `startRecording()`, while recording.
        var recorded: [UInt8]?
    }

    // @unchecked: `state` is only touched with `condition` locked.
    private var state = State()
    private let condition = NSCondition()

    func update(_ change: (inout State) -> Void) {
        condition.lock()
        change(&state)
        condition.broadcast()
        condition.unlock()
    }

    func read<T>(_ body: (State) -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body(state)
    }

    /// Waits until `done` holds or `deadline` passes, and returns the state then.
    func wait(until deadline: Date, for done: (State) -> Bool) -> State {
        condition.lock()
        defer { condition.unlock() }
        while !done(state), condition.wait(until: deadline) {}
        return state
    }
}
