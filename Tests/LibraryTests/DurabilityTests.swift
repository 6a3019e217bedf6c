import Foundation
import HumTestSupport
import MusicCore
import MusicLibrary
import Testing

/// The listening log under the worst a machine does to it: hum killed with SIGKILL in the middle of heavy
/// writing, the disk filling up under a running hum, and a library file hum may not write.
///
/// Every test drives the real `hum play --stdin-commands` and reads the real SQLite file afterwards. hum
/// is kept busy with `seek` commands, a thousand a second, each to a target of its own, because every seek
/// becomes one `listening_events` row and one "seeked from … to …" line on stdout: the lines are the
/// receipts the library is checked against.
///
/// Serialized: the tests measure what hum loses around a moment, and each wants the CPU it had when the
/// moment was chosen.
@Suite("The listening log survives kill -9, a full disk and a read-only file", .serialized)
struct DurabilityTests {
    /// How many times hum is killed.
    static let killRounds = 20

    /// The listening log promises that a killed hum loses at most the last second (its writer flushes
    /// every 0.25 s; the rest is slack for a loaded machine).
    static let allowedLoss = 1.0

    // MARK: - kill -9

    /// Kills hum with SIGKILL at a random moment between 0.5 and 3 s into a stream of seeks, twenty times
    /// on the same library, so that later rounds reopen a file left by a kill (WAL recovery, interrupted
    /// listens closed by `LibraryStore`) with more history in it each time. After each kill the file must
    /// pass SQLite's integrity check, hold every seek acknowledged more than a second before the kill, and
    /// hold nothing that was never acknowledged (hum prints a seek before it logs it).
    @Test("kill -9 during heavy event writing never corrupts the library and loses at most the last second")
    func killDuringHeavyWriting() async throws {
        let audio = try await Self.longTone()
        let library = Fixtures.scratchDirectory("kill9") + "/library.sqlite"
        var totals = (acknowledged: 0, old: 0, recorded: 0)
        var listensBefore = 0

        for round in 1...Self.killRounds {
            let roundStart = Date().timeIntervalSince1970
            let hum = try Spawned(Repository.humBinary, ["play", "--library", library, "--output", "null",
                                                         "--stdin-commands", audio])
            let delay = Double.random(in: 0.5...3)
            let killedAt = try await Self.whileRunning(hum) {
                let playing = await hum.line(timeout: 30) { $0.hasPrefix("playing 1/1") }
                try #require(playing != nil, "round \(round): hum did not start playing: \(hum.stderrText)")
                return try await Self.sendSeeks(to: hum, from: 0, for: delay, thenKill: true).endedAt
            }
            let end = await hum.exit(timeout: 10)
            #expect(end.signal == SIGKILL, "round \(round): hum ended before the kill (\(end)): \(hum.stderrText)")
            #expect(hum.stderrText.isEmpty, "round \(round): \(hum.stderrText)")

            let receipts = SeekReceipts(printedBy: hum)
            let old = receipts.targets(arrivedBefore: killedAt.addingTimeInterval(-Self.allowedLoss), from: hum)
            let contents = try await Self.contents(of: library, since: roundStart)
            let recorded = Set(contents.seekTargets)
            let missing = old.filter { !recorded.contains($0) }
            let neverAcknowledged = recorded.subtracting(receipts.targets)

            #expect(contents.integrity == "ok", "round \(round)")
            #expect(missing.isEmpty, """
                round \(round): \(missing.count) of the \(old.count) seeks acknowledged more than \(Self.allowedLoss) s \
                before the kill are not in the library (targets in ms: \(missing.prefix(5))…)
                """)
            #expect(neverAcknowledged.isEmpty, "round \(round): seeks recorded but never printed: \(neverAcknowledged.sorted().prefix(5))")
            #expect(recorded.count == contents.seekTargets.count, "round \(round): a seek was recorded twice")
            // One more listen each round, every one closed: the last by `LibraryStore` as it reopened the file.
            #expect(contents.listens.count == listensBefore + 1, "round \(round)")
            listensBefore = contents.listens.count
            #expect(contents.listens.allSatisfy { $0.endReason != nil }, "round \(round): a listen was left open")
            #expect(contents.listens.last?.endReason == .interrupted, "round \(round)")

            print("""
                kill -9 round \(round)/\(Self.killRounds): killed \(Self.seconds(delay)) s into the seeks; \
                \(receipts.targets.count) acknowledged, \(old.count) of them over \(Self.allowedLoss) s before the kill \
                (\(missing.count) missing); \(recorded.count) recorded, \(receipts.targets.count - recorded.count) \
                of the last second lost; integrity \(contents.integrity); \(contents.eventCount) events in the library
                """)
            totals.acknowledged += receipts.targets.count
            totals.old += old.count
            totals.recorded += recorded.count
        }
        print("kill -9: \(totals.acknowledged) seeks acknowledged in \(Self.killRounds) rounds, \(totals.old) over "
              + "\(Self.allowedLoss) s before a kill, \(totals.recorded) recorded")
        // Not a vacuous pass: most rounds run long enough to acknowledge seeks well before their kill.
        #expect(totals.old > 0)
    }

    // MARK: - Full disk

    /// A 4 MiB tmpfs in a private mount namespace holds the library; once hum plays, the test fills it to
    /// the last byte, then frees it. SQLite gets ENOSPC, as on a real full disk.
    @Test("A full disk gives one clear line naming the library, playback goes on, and the history kept meanwhile is written once there is room",
          .enabled("needs to mount a tmpfs in a private mount namespace (CAP_SYS_ADMIN)") {
              await DurabilityTests.DiskTrouble.canMountTmpfs()
          })
    func fullDisk() async throws {
        try await writeFailure(.fullTmpfs, reason: "the disk is full")
    }

    /// The same story where mounting is not allowed: a file-size limit (RLIMIT_FSIZE, set on the running
    /// hum with `prlimit`) makes every write that would grow the library's files fail, with EFBIG, which
    /// SQLite reports as an I/O error. No privilege is needed, so this runs on any machine.
    @Test("A write error mid-playback (a file-size limit) gives one clear line, playback goes on, and nothing acknowledged is lost once writes work again")
    func writeErrorFromFileSizeLimit() async throws {
        try await writeFailure(.fileSizeLimit, reason: "disk I/O error")
    }

    /// Plays a long file twice over with `--stdin-commands` while seeking all along: some seconds with
    /// room, then `trouble` begins (the next track is asked for and must start meanwhile), then it ends.
    /// hum must say so once on stderr (naming the file, with `reason`), once more when writes work again,
    /// exit with status 0, and leave a sound library holding every acknowledged seek: the entries it could
    /// not write were kept in memory.
    func writeFailure(_ trouble: DiskTrouble, reason: String) async throws {
        let audio = try await Self.longTone()
        let folder = Fixtures.scratchDirectory(trouble.label)
        let library = trouble.library(in: folder)
        let hum = try trouble.launch(in: folder, [Repository.humBinary, "play", "--library", library.asHumSeesIt,
                                                  "--output", "null", "--stdin-commands", audio, audio])
        var acknowledgedWhileFailing = 0
        try await Self.whileRunning(hum) {
            let playing = await hum.line(timeout: 30) { $0.hasPrefix("playing 1/2") }
            try #require(playing != nil, "hum did not start playing: \(hum.stderrText)")
            var next = try await Self.sendSeeks(to: hum, from: 0, for: 0.7).next

            try await trouble.begin(on: hum, in: folder)
            let linesBefore = hum.stdoutLines.count
            next = try await Self.sendSeeks(to: hum, from: next, for: 10, until: { hum.stderrText.contains("cannot write") }).next
            try #require(hum.stderrText.contains("cannot write"), "hum said nothing about the failing writes")
            hum.send("next")
            let nextTrack = await hum.line(timeout: 10) { $0.hasPrefix("playing 2/2") }
            #expect(nextTrack != nil, "the next track did not start while writes failed")
            next = try await Self.sendSeeks(to: hum, from: next, for: 0.5).next
            acknowledgedWhileFailing = hum.stdoutLines[linesBefore...].filter { $0.hasPrefix("seeked") }.count

            try await trouble.end(on: hum, in: folder)
            next = try await Self.sendSeeks(to: hum, from: next, for: 10, until: { hum.stderrText.contains("written again") }).next
            _ = try await Self.sendSeeks(to: hum, from: next, for: 0.3)
            hum.send("quit")
            hum.closeStdin()
        }
        let end = await hum.exit(timeout: 30)
        #expect(end.status == 0, "\(end): \(hum.stderrText)")

        let errors = hum.stderrText.split(separator: "\n").map(String.init)
        #expect(errors.count == 2, "one line when writes fail, one when they work again: \(errors)")
        let failure = errors.first ?? ""
        #expect(failure.hasPrefix("hum: cannot write to the library \(library.asHumSeesIt): \(reason)"), "\(failure)")
        #expect(failure.contains("playback continues"), "\(failure)")
        #expect(errors.dropFirst().first == "hum: listening history is being written again to \(library.asHumSeesIt)")

        let receipts = SeekReceipts(printedBy: hum)
        let contents = try await Self.contents(of: library.afterwards, since: 0)
        let recorded = Set(contents.seekTargets)
        #expect(contents.integrity == "ok")
        #expect(recorded == Set(receipts.targets), """
            \(Set(receipts.targets).subtracting(recorded).count) acknowledged seeks missing, \
            \(recorded.subtracting(receipts.targets).count) never acknowledged
            """)
        #expect(recorded.count == contents.seekTargets.count, "a seek was recorded twice")
        #expect(contents.listens.map(\.endReason) == [.skipped, .stopped])
        #expect(acknowledgedWhileFailing > 0)
        print("""
            \(trouble.label): \(receipts.targets.count) seeks acknowledged (\(acknowledgedWhileFailing) while writes \
            failed), \(recorded.count) recorded; integrity \(contents.integrity); stderr: \(errors)
            """)
    }

    // MARK: - Read-only library

    /// A library made read-only after hum last wrote it (mode 0444, folder writable), played twice over:
    /// alone, or while another program has it open (its -wal and -shm files exist and are writable, so
    /// hum can open it and finds out at its first write). Either way: one line naming the file, both
    /// tracks played, exit status 0, and the file left byte for byte as it was.
    @Test("A read-only library is named in one line, and playback goes on without recording",
          arguments: [false, true])
    func readOnlyLibrary(whileAnotherProgramHasItOpen: Bool) async throws {
        let music = try await Fixtures.music("flac")
        let library = Fixtures.scratchDirectory("read-only") + "/library.sqlite"
        let seeding = try await ChildProcess.run(Repository.humBinary, ["play", "--library", library, "--output", "null", music])
        try #require(seeding.succeeded, "\(seeding.stderr)")
        let other = whileAnotherProgramHasItOpen ? try await offPool { try LibraryStore(path: library) } : nil
        let bytesBefore = try Data(contentsOf: URL(fileURLWithPath: library))
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: library)

        let works = try await ChildProcess.runObeyingFileModes(["true"])
        try #require(works.succeeded, "cannot drop CAP_DAC_OVERRIDE with setpriv here: \(works.stderr)")
        let writes = try await ChildProcess.runObeyingFileModes(["sh", "-c", "exec 3>>\"$1\"", "sh", library])
        try #require(!writes.succeeded, "the 0444 library can still be written: no read-only library to test with")
        let result = try await ChildProcess.runObeyingFileModes([Repository.humBinary, "play", "--library", library,
                                                         "--output", "null", music, music])
        // Before the other program closes the library (closing, it moves its WAL into the file).
        #expect(try Data(contentsOf: URL(fileURLWithPath: library)) == bytesBefore)
        try await offPool { try other?.close() }

        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderrLines.count == 1, "\(result.stderrLines)")
        let line = result.stderrLines.first ?? ""
        // SQLite finds the file read-only as hum opens it, or only at the first write when the -wal and -shm
        // files are there and writable: while another program has the library open, and after some runs
        // of hum itself, which do not always remove them as they exit.
        let atOpen = line.hasPrefix("hum: cannot open the library \(library): the file is read-only")
            && line.contains("playing without recording history")
        // At the first write: while playing ("playback continues"), or at quit when nothing was written
        // before (then the entries that are lost are counted).
        let atFirstWrite = line.hasPrefix("hum: cannot write to the library \(library): the file is read-only")
            && (line.contains("playback continues") || line.contains("could not be written and are lost"))
        #expect(atOpen || atFirstWrite, "\(line)")
        if whileAnotherProgramHasItOpen { #expect(atFirstWrite, "\(line)") }
        #expect(result.stdoutLines.filter { $0.hasPrefix("finished: ") }.count == 2, "\(result.stdout)")
        #expect(result.stdoutLines.last == "end of queue")

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: library)
        let after = try await Self.contents(of: library, since: 0)
        #expect(after.integrity == "ok")
        #expect(after.listens.count == 1, "the seeding run's listen, and no other")
        print("read-only library (another program has it open: \(whileAnotherProgramHasItOpen)): hum said \(result.stderrLines)")
    }
}

// MARK: - Helpers

extension DurabilityTests {
    /// Ten minutes of a quiet sine as FLAC (mono, 48 kHz, so every 10 ms seek target is a whole frame):
    /// long enough that hum, which plays `--output null` far faster than real time, never reaches the end.
    static func longTone() async throws -> String {
        try await Fixtures.file("tone-10min-48k.flac") { path in
            try ChildProcess.shell("sox -n -r 48000 -c 1 \(quoted(path)) synth 600 sine 440 vol 0.1", timeout: 300)
        }
    }

    /// Seek number `index` goes to 1 s + `index` × 10 ms: every seek of a run has a target of its own.
    static func seekTarget(_ index: Int) -> Int { 1000 + index * 10 }

    static func seekCommand(_ index: Int) -> String {
        let milliseconds = seekTarget(index)
        let fraction = String(milliseconds % 1000)
        return "seek \(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)\n"
    }

    /// Sends `seek` commands to hum, five every 5 ms (about a thousand a second), for `seconds` or until
    /// `stop()` says so; then, with `thenKill`, kills hum with SIGKILL at once. Runs on a thread of its own,
    /// because writing to a pipe hum does not read fast enough blocks.
    /// - Returns: the index of the next seek, and the moment the sending ended (just before the kill).
    static func sendSeeks(to hum: Spawned, from first: Int, for seconds: Double,
                          until stop: @escaping @Sendable () -> Bool = { false },
                          thenKill: Bool = false) async throws -> (next: Int, endedAt: Date) {
        try await offPool {
            // Writing to the pipe of a hum that just died raises SIGPIPE, whose default action would end the
            // whole test process. Blocked on this thread only, it becomes an EPIPE that `writeStdin` ignores.
            var pipeSignal = sigset_t()
            sigemptyset(&pipeSignal)
            sigaddset(&pipeSignal, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)

            let deadline = Date().addingTimeInterval(seconds)
            var index = first
            while Date() < deadline, !stop() {
                hum.writeStdin(Data((index..<index + 5).map(seekCommand).joined().utf8))
                index += 5
                Thread.sleep(forTimeInterval: 0.005)
            }
            let endedAt = Date()
            if thenKill { hum.kill(SIGKILL) }
            return (index, endedAt)
        }
    }

    /// Runs `body` while hum runs; if it throws, hum is killed and reaped before the error goes on.
    static func whileRunning<T>(_ hum: Spawned, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            if hum.isRunning { hum.kill(SIGKILL) }
            _ = await hum.exit(timeout: 10)
            throw error
        }
    }

    /// What a library file holds, read through `LibraryStore` (which, opening it, also recovers the WAL
    /// and closes listens a killed hum left open).
    struct LibraryContents: Sendable {
        /// `PRAGMA integrity_check`: "ok" when the file is sound.
        var integrity: String
        /// The targets of the seeks logged since the given moment, in milliseconds.
        var seekTargets: [Int]
        var eventCount: Int
        var listens: [StoredListen]
    }

    /// Opens the library at `path` and reads what the tests check; `since` is a unix time.
    static func contents(of path: String, since: Double) async throws -> LibraryContents {
        try await offPool {
            let store = try LibraryStore(path: path)
            defer { try? store.close() }
            let events = try store.listeningEvents()
            let seeks = events.filter { $0.kind == .seek && $0.at >= since }
            return LibraryContents(integrity: try store.integrityCheck(),
                                   seekTargets: seeks.compactMap { $0.position.map { Int(($0 * 1000).rounded()) } },
                                   eventCount: events.count, listens: try store.listens())
        }
    }

    static func seconds(_ value: Double) -> String { String(format: "%.2f", value) }

    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

extension DurabilityTests {
    /// The "seeked from … to X" lines a hum printed: their targets, and when each line reached the test.
    struct SeekReceipts {
        /// Targets in milliseconds, in the order hum printed them.
        let targets: [Int]
        /// Where in hum's stdout each of those lines ends (the offset of its newline).
        private let lineEnds: [Int]

        init(printedBy hum: Spawned) {
            let bytes = [UInt8](hum.stdoutBytes)
            var targets: [Int] = [], lineEnds: [Int] = []
            var lineStart = 0
            for (offset, byte) in bytes.enumerated() where byte == 0x0A {
                let line = String(decoding: bytes[lineStart..<offset], as: UTF8.self)
                lineStart = offset + 1
                guard line.hasPrefix("seeked from "), let to = line.range(of: " to ", options: .backwards),
                      let target = Self.milliseconds(inClock: line[to.upperBound...]) else { continue }
                targets.append(target)
                lineEnds.append(offset)
            }
            self.targets = targets
            self.lineEnds = lineEnds
        }

        /// The targets whose whole line had reached the test before `moment`. Arrival times grow with the
        /// offset, so a binary search finds the first line that came later.
        func targets(arrivedBefore moment: Date, from hum: Spawned) -> [Int] {
            var low = 0, high = lineEnds.count
            while low < high {
                let middle = (low + high) / 2
                if let arrival = hum.arrivalTime(ofByte: lineEnds[middle]), arrival < moment {
                    low = middle + 1
                } else {
                    high = middle
                }
            }
            return Array(targets[..<low])
        }

        /// "1:02.345" or "1:02:03.456" (hum's clock with milliseconds) in milliseconds, read exactly.
        static func milliseconds(inClock text: Substring) -> Int? {
            let parts = text.split(separator: ":")
            guard let last = parts.last else { return nil }
            let secondsAndMillis = last.split(separator: ".")
            guard secondsAndMillis.count == 2, let seconds = Int(secondsAndMillis[0]),
                  let millis = Int(secondsAndMillis[1]) else { return nil }
            var minutes = 0
            for part in parts.dropLast() {
                guard let value = Int(part) else { return nil }
                minutes = minutes * 60 + value
            }
            return (minutes * 60 + seconds) * 1000 + millis
        }
    }

    /// A way to make the library's writes fail under a running hum, and to let them work again.
    enum DiskTrouble {
        /// The library on a small tmpfs, mounted in a mount namespace of hum's own (so nothing outside sees
        /// it and it goes when hum does), filled to the last byte: ENOSPC.
        case fullTmpfs
        /// A file-size limit on hum (RLIMIT_FSIZE at the files' current size): EFBIG. hum is started with
        /// SIGXFSZ ignored (an ignored signal stays ignored across exec), or the limit would kill it.
        case fileSizeLimit

        var label: String {
            switch self {
            case .fullTmpfs: "full-tmpfs"
            case .fileSizeLimit: "file-size-limit"
            }
        }

        /// The library's path as hum sees it, and where the test reads it once hum has exited (the tmpfs goes
        /// with hum's mount namespace, so the script that runs hum copies the file out first).
        func library(in folder: String) -> (asHumSeesIt: String, afterwards: String) {
            switch self {
            case .fullTmpfs: (folder + "/disk/library.sqlite", folder + "/saved/library.sqlite")
            case .fileSizeLimit: (folder + "/library.sqlite", folder + "/library.sqlite")
            }
        }

        /// Starts `command` (hum and its arguments) set up for this trouble. The process's pid is hum's or,
        /// for the tmpfs, that of the shell in hum's mount namespace.
        func launch(in folder: String, _ command: [String]) throws -> Spawned {
            switch self {
            case .fullTmpfs:
                for sub in ["/disk", "/saved"] {
                    try FileManager.default.createDirectory(atPath: folder + sub, withIntermediateDirectories: true)
                }
                let script = """
                    disk=$1 saved=$2; shift 2
                    mount -t tmpfs -o size=4m hum-full-disk "$disk" || exit 97
                    "$@"
                    status=$?
                    cp "$disk"/library.sqlite* "$saved"/ || exit 98
                    exit $status
                    """
                return try Spawned("unshare", ["--mount", "sh", "-c", script, "sh", folder + "/disk", folder + "/saved"] + command)
            case .fileSizeLimit:
                return try Spawned("sh", ["-c", "trap '' XFSZ; exec \"$@\"", "sh"] + command)
            }
        }

        /// Makes writes fail from now on.
        func begin(on hum: Spawned, in folder: String) async throws {
            switch self {
            case .fullTmpfs:
                // The tmpfs is only mounted in hum's namespace; /proc/PID/root is the way in.
                let filler = "/proc/\(hum.pid)/root\(folder)/disk/filler"
                let failure = try await offPool { () -> Int32 in
                    let fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                    guard fd >= 0 else { return errno }
                    defer { close(fd) }
                    let zeros = [UInt8](repeating: 0, count: 65536)
                    while write(fd, zeros, zeros.count) > 0 {}
                    return errno
                }
                #expect(failure == ENOSPC, "filling the tmpfs ended with \(String(cString: strerror(failure)))")
            case .fileSizeLimit:
                let files = try FileManager.default.contentsOfDirectory(atPath: folder).map { folder + "/" + $0 }
                let largest = try files.map { try FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int ?? 0 }.max() ?? 0
                try await Self.prlimit(hum, "--fsize=\(largest):unlimited")
            }
        }

        /// Lets writes work again.
        func end(on hum: Spawned, in folder: String) async throws {
            switch self {
            case .fullTmpfs: try FileManager.default.removeItem(atPath: "/proc/\(hum.pid)/root\(folder)/disk/filler")
            case .fileSizeLimit: try await Self.prlimit(hum, "--fsize=unlimited:unlimited")
            }
        }

        private static func prlimit(_ hum: Spawned, _ limit: String) async throws {
            let result = try await ChildProcess.run("prlimit", ["--pid", "\(hum.pid)", limit])
            try #require(result.succeeded, "prlimit \(limit): \(result.stderr)")
        }

        /// Whether this machine lets the tests mount a tmpfs in a private mount namespace (root with
        /// CAP_SYS_ADMIN: yes in a privileged container, no in Docker's default one).
        static func canMountTmpfs() async -> Bool {
            let probe = try? await ChildProcess.run("unshare", ["--mount", "sh", "-c", "mount -t tmpfs -o size=64k hum-probe \"$1\"",
                                                                "sh", Fixtures.directory], timeout: 10)
            return probe?.succeeded == true
        }
    }
}
