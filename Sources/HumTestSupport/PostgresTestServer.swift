import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL server for one test: a new cluster in a scratch folder (trust authentication,
/// no fsync), listening on 127.0.0.1 at a free port and on a socket in that folder only, stopped when
/// the value goes away. initdb refuses to run as root, so as root the cluster belongs to Debian's
/// `postgres` user and its tools run through `runuser`.
public final class PostgresTestServer: @unchecked Sendable {
    public let port: Int
    private let data: String
    private let tools: String
    private let asPostgres: [String]

    /// The folder of PostgreSQL's server programs (Debian: /usr/lib/postgresql/VERSION/bin), newest first.
    public static var toolsFolder: String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
        return versions.map { "\(root)/\($0)/bin" }.first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }
    }

    public init() throws {
        guard let tools = Self.toolsFolder else {
            throw ChildProcess.Failure(description: "PostgreSQL is not installed (scripts/install-deps installs postgresql)")
        }
        self.tools = tools
        let folder = Fixtures.scratchDirectory("postgres")
        data = folder + "/data"
        asPostgres = getuid() == 0 ? ["runuser", "-u", "postgres", "--"] : []
        if getuid() == 0 { try ChildProcess.shell("chown -R postgres \(folder) && chmod 755 \(folder)") }
        port = try Self.freePort()
        try run(["\(tools)/initdb", "-D", data, "-U", "hum", "--auth=trust", "-E", "UTF8", "--no-sync"])
        try run(["\(tools)/pg_ctl", "-D", data, "-l", folder + "/server.log", "-w", "-t", "60", "-o",
                 "-p \(port) -k \(folder) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off", "start"])
    }

    deinit { try? run(["\(tools)/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]) }

    /// A new, empty database on this server; its URL (`postgres://hum@127.0.0.1:PORT/NAME`).
    public func createDatabase() throws -> String {
        let name = "hum_" + UUID().uuidString.prefix(8).lowercased()
        try psql("postgres", "CREATE DATABASE \(name)")
        return "postgres://hum@127.0.0.1:\(port)/\(name)"
    }

    /// Runs `sql` in `database` (a name or a URL of this server) with psql; its unaligned output.
    @discardableResult
    public func psql(_ database: String, _ sql: String) throws -> String {
        let name = database.split(separator: "/").last.map(String.init) ?? database
        let result = try ChildProcess.run("\(tools)/psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "hum", "-d", name,
                                                            "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql], timeout: 60)
        guard result.succeeded else { throw ChildProcess.Failure(description: "psql \(sql): \(result.stderr)") }
        return result.stdout
    }

    /// Everything `database` holds, as pg_dump writes it.
    public func dump(_ database: String) throws -> String {
        let name = database.split(separator: "/").last.map(String.init) ?? database
        let result = try ChildProcess.run("\(tools)/pg_dump", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "hum", name], timeout: 60)
        guard result.succeeded else { throw ChildProcess.Failure(description: "pg_dump \(name): \(result.stderr)") }
        return result.stdout
    }

    private func run(_ command: [String]) throws {
        let full = asPostgres + command
        let result = try ChildProcess.run(full[0].hasPrefix("/") ? full[0] : "/usr/sbin/" + full[0], Array(full.dropFirst()), timeout: 120)
        guard result.succeeded else {
            throw ChildProcess.Failure(description: "\(command.joined(separator: " ")): \(result.stderr)\(result.stdout)")
        }
    }

    /// A port on 127.0.0.1 nothing listens on now (bound and released at once): for this server, and
    /// for tests that need a server to be absent.
    public static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard socket >= 0, bound else { throw ChildProcess.Failure(description: "no free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
