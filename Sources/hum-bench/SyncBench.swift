import ArgumentParser
import Foundation
import HumTestSupport

/// The sync server under load from wrk on loopback: report ingestion (SQLite), the priors document, and
/// memory over a soak.
struct SyncBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "hum-sync-server under wrk: ingestion ≥ 5,000 reports/s with p99 ≤ 20 ms, GET /v1/priors ≥ 20,000 req/s, memory flat over a soak.",
        discussion: """
            Starts the release hum-sync-server on 127.0.0.1 with a fresh SQLite database and no rate limit, posts \
            valid, distinct reports with wrk (a Lua script makes each one), then restarts it two days on so the \
            day is aggregated and a priors document published, and fetches that. The soak posts reports for \
            --soak-seconds and samples the server's resident memory every 10 s. Needs wrk (scripts/install-deps).
            """)

    @Option(help: "Seconds of each wrk run.") var seconds = 20
    @Option(help: "Seconds of the memory soak (0: none).") var soakSeconds = 300
    @Option(help: "wrk connections.") var connections = 32
    @Option(help: "Where to keep the database (default: a temporary folder).") var workDirectory: String?

    func run() throws {
        let server = try HumBinary.path("hum-sync-server")
        let folder = workDirectory ?? NSTemporaryDirectory() + "hum-sync-bench-\(getpid())"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let database = folder + "/sync.sqlite"
        let today = Self.day(Date())
        let script = folder + "/report.lua"
        try Self.reportScript(day: today).write(toFile: script, atomically: true, encoding: .utf8)

        var running = try Self.start(server, database: database, today: today)
        let ingest = try Self.wrk(url: "http://127.0.0.1:\(running.port)/v1/reports", script: script,
                                  seconds: seconds, connections: connections)
        print(String(format: "ingestion (POST /v1/reports, SQLite): %.0f reports/s, p50 %.2f ms, p99 %.2f ms — targets ≥ 5,000/s: %@, p99 ≤ 20 ms: %@",
                     ingest.rate, ingest.p50, ingest.p99, ingest.rate >= 5000 ? "met" : "NOT MET", ingest.p99 <= 20 ? "met" : "NOT MET"))
        print("  responses: \(ingest.summary)")
        running.stop()

        let later = Self.day(Date().addingTimeInterval(3 * 86_400))
        let started = Date()
        running = try Self.start(server, database: database, today: later)
        print(String(format: "aggregation of the day and a signed priors document: %.1f s (at start)", Date().timeIntervalSince(started)))
        let priors = try Self.wrk(url: "http://127.0.0.1:\(running.port)/v1/priors", script: nil,
                                  seconds: seconds, connections: connections)
        print(String(format: "GET /v1/priors: %.0f req/s, p99 %.2f ms — target ≥ 20,000 req/s: %@",
                     priors.rate, priors.p99, priors.rate >= 20_000 ? "met" : "NOT MET"))
        running.stop()

        guard soakSeconds > 0 else { return }
        running = try Self.start(server, database: database, today: later)
        try Self.reportScript(day: later).write(toFile: script, atomically: true, encoding: .utf8)
        let soak = try Spawned("/usr/bin/wrk", ["-t2", "-c\(connections)", "-d\(soakSeconds)s", "-s", script,
                                             "http://127.0.0.1:\(running.port)/v1/reports"])
        var samples: [Int] = [], walBytes: [Int] = []
        let end = Date().addingTimeInterval(Double(soakSeconds))
        while Date() < end {
            Thread.sleep(forTimeInterval: 10)
            samples.append(Self.residentKiB(running.process.pid))
            walBytes.append(((try? FileManager.default.attributesOfItem(atPath: database + "-wal"))?[.size] as? Int) ?? 0)
        }
        soak.kill(SIGKILL)
        running.stop()
        let first = samples.prefix(3).max() ?? 0, last = samples.suffix(3).max() ?? 0
        print("soak: resident memory every 10 s (MiB): " + samples.map { String(format: "%.1f", Double($0) / 1024) }.joined(separator: " "))
        print(String(format: "soak: the WAL stayed under %.1f MiB (the database: %.0f MiB at the end)",
                     Double(walBytes.max() ?? 0) / 1_048_576,
                     Double(((try? FileManager.default.attributesOfItem(atPath: database))?[.size] as? Int) ?? 0) / 1_048_576))
        print(String(format: "soak: first 30 s peak %.1f MiB, last 30 s peak %.1f MiB (%+.1f%%) — target flat (within 10%%): %@",
                     Double(first) / 1024, Double(last) / 1024, first > 0 ? (Double(last) / Double(first) - 1) * 100 : 0,
                     first > 0 && Double(last) <= Double(first) * 1.1 ? "met" : "NOT MET"))
    }

    struct Running {
        let process: Spawned
        let port: Int
        func stop() {
            process.kill(SIGTERM)
            Thread.sleep(forTimeInterval: 0.5)
            process.kill(SIGKILL)
        }
    }

    static func start(_ server: String, database: String, today: String) throws -> Running {
        let process = try Spawned(server, ["--port", "0", "--db", "sqlite:" + database, "--today", today,
                                           "--burst", "1000000000", "--rate-per-minute", "1000000000"])
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let line = process.stdoutLines.first(where: { $0.hasPrefix("listening on ") }),
               let port = line.split(separator: ":").last.flatMap({ Int($0) }) {
                return Running(process: process, port: port)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.kill(SIGKILL)
        throw ValidationError("hum-sync-server did not start: \(process.stderrText)")
    }

    struct WrkResult {
        var rate: Double
        var p50: Double
        var p99: Double
        var summary: String
    }

    static func wrk(url: String, script: String?, seconds: Int, connections: Int) throws -> WrkResult {
        var arguments = ["-t2", "-c\(connections)", "-d\(seconds)s", "--latency"]
        if let script { arguments += ["-s", script] }
        let result = try ChildProcess.run("wrk", arguments + [url], timeout: Double(seconds) + 60)
        guard result.succeeded else { throw ValidationError("wrk failed: \(result.stderr)") }
        let lines = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        func latency(_ label: String) -> Double {
            guard let line = lines.first(where: { $0.hasPrefix(label) }), let text = line.split(separator: " ").last else { return .nan }
            let value = Double(text.dropLast(text.hasSuffix("ms") ? 2 : text.hasSuffix("us") ? 2 : 1)) ?? .nan
            return text.hasSuffix("us") ? value / 1000 : text.hasSuffix("ms") ? value : value * 1000
        }
        let rate = lines.first { $0.hasPrefix("Requests/sec:") }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        let summary = lines.filter { $0.hasPrefix("Non-2xx") || $0.contains("requests in") || $0.hasPrefix("Socket errors") }
            .joined(separator: "; ")
        return WrkResult(rate: rate, p50: latency("50%"), p99: latency("99%"), summary: summary)
    }

    /// A wrk script whose every request is a valid, distinct skip-by-trait report for `day`.
    static func reportScript(day: String) -> String {
        """
        local counter = 0
        function setup(thread) thread:set("id", counter); counter = counter + 1 end
        function init(args)
          math.randomseed(os.time() + id * 7919)
          wrk.method = "POST"
          wrk.headers["Content-Type"] = "application/json"
        end
        local function hex(n)
          local t = {}
          for i = 1, n do t[i] = string.format("%x", math.random(0, 15)) end
          return table.concat(t)
        end
        function request()
          local body = '{"channel":"skip-by-trait","day":"\(day)","id":"' .. hex(32) .. '","params":1,"seed":"' .. hex(16) .. '","v":1,"value":' .. math.random(0, 3) .. '}'
          return wrk.format(nil, nil, nil, body)
        end
        """
    }

    static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    static func residentKiB(_ pid: pid_t) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
