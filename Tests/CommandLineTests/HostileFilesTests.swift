import Foundation
import HumTestSupport
import Testing

/// Every file of the hostile corpora (HUM_CORPORA; CI passes ../shared/corpora) goes through
/// `hum probe` and `hum play --output null`: no crash, no hang, bounded memory, and either a result or
/// one error line naming the file.
@Suite("Hostile files", .enabled(if: Repository.corpora != nil, "HUM_CORPORA is not set"))
struct HostileFilesTests {
    /// Per file and command: the acceptance limit.
    static let timeout = 10.0
    /// Far above what a healthy run needs (about 20 MiB), far below what a runaway allocation reaches.
    static let memoryLimitKiB = 256 * 1024

    static func corpusFiles() -> [String] {
        guard let root = Repository.corpora,
              let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        return walker.compactMap { $0 as? String }
            .filter { !$0.hasSuffix(".md") }
            .map { root + "/" + $0 }
            .filter { var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue }
            .sorted()
    }

    @Test("Formats hum does not play are refused as `unsupported format: <path> (<what was found>)`")
    func otherFormatsRefused() async throws {
        let refusedExtensions: Set = ["m4a", "wma", "ape", "wv", "mpc", "dsf"]
        let files = Self.corpusFiles().filter { refusedExtensions.contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
        #expect(files.count >= 50)
        let result = try await ChildProcess.run(Repository.humBinary, ["probe"] + files, timeout: 120)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty, "nothing was taken for audio: \(result.stdout)")
        #expect(result.stderrLines.count == files.count)
        for (file, line) in zip(files, result.stderrLines) {
            #expect(line.hasPrefix("hum: unsupported format: \(file) ("), "\(line)")
        }
    }

    struct Verdict: Sendable {
        var file: String
        var command: String
        var problem: String?
        var failed: Bool
    }

    static func judge(_ file: String, _ arguments: [String]) -> Verdict {
        let command = arguments[0]
        guard let result = try? ChildProcess.run(Repository.humBinary, arguments + [file], timeout: timeout) else {
            return Verdict(file: file, command: command, problem: "could not start hum", failed: true)
        }
        var problem: String?
        if result.timedOut {
            problem = "hung (killed after \(timeout) s)"
        } else if let signal = result.signal {
            problem = "crashed with signal \(signal)"
        } else if result.maxResidentKiB > memoryLimitKiB {
            problem = "used \(result.maxResidentKiB / 1024) MiB"
        } else if result.status == 0 {
            if !result.stderr.isEmpty { problem = "succeeded but printed: \(result.stderr)" }
        } else if result.status == 1 {
            let lines = result.stderrLines
            if lines.count != 1 || !lines[0].hasPrefix("hum: ") || !lines[0].contains(file) {
                problem = "expected one error line naming the file, got: \(result.stderr)"
            }
        } else {
            problem = "exit status \(result.status ?? -1)"
        }
        return Verdict(file: file, command: command, problem: problem, failed: result.status == 1)
    }

    @Test("No crash, no hang, bounded memory; a result or one error line naming the file")
    func everyFile() async throws {
        let files = Self.corpusFiles()
        #expect(files.count > 100, "the corpora hold hundreds of files")
        let jobs = files.flatMap { [($0, ["probe"]), ($0, ["play", "--output", "null"])] }
        let verdicts = try await offPool { ConcurrentMap.run(jobs, workers: 3) { Self.judge($0.0, $0.1) } }
        for verdict in verdicts {
            #expect(verdict.problem == nil, "hum \(verdict.command) \(verdict.file): \(verdict.problem ?? "")")
        }
        let refused = verdicts.filter(\.failed).count
        print("hostile files: \(files.count) files, \(jobs.count) runs, \(refused) refused or broken, \(jobs.count - refused) played/probed")
    }
}

/// Runs blocking work on a few threads of its own (never on the cooperative pool, which has only as many
/// threads as cores), keeping the input order.
enum ConcurrentMap {
    static func run<Input: Sendable, Output: Sendable>(_ inputs: [Input], workers: Int,
                                                       _ body: @escaping @Sendable (Input) -> Output) -> [Output] {
        let results = ResultSlots<Output>(count: inputs.count)
        let next = NextIndex()
        let group = DispatchGroup()
        for _ in 0..<workers {
            group.enter()
            Thread {
                while let index = next.take(below: inputs.count) { results.set(index, body(inputs[index])) }
                group.leave()
            }.start()
        }
        group.wait()
        return results.values
    }

    final class NextIndex: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func take(below limit: Int) -> Int? {
            lock.withLock {
                guard value < limit else { return nil }
                defer { value += 1 }
                return value
            }
        }
    }

    final class ResultSlots<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Value?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ index: Int, _ value: Value) { lock.withLock { slots[index] = value } }
        var values: [Value] { lock.withLock { slots.map { $0! } } }
    }
}
