import AppCore
import Foundation
import Synchronization

/// `hum remote`: another program (a window manager's media keys, a status bar, a script) controls the
/// running interface through a Unix socket, as `cmus-remote` controls cmus. A client sends `:` command
/// lines, one per line; for each, the interface answers zero or more lines of text and then one last
/// line, `ok` or `error: WHY`. `status` answers the player's state (`RemoteStatus`).
///
/// The socket lives beside the library file (`hum.sqlite` → `hum-remote.sock`), so each library has its
/// own and `--library` finds it; it is made readable and writable by its owner only. Nothing here
/// listens on a network: this is the same trust as the library file itself.
public enum RemoteSocket {
    /// Where the interface on `libraryPath` listens. A path too long for a socket address (108 bytes)
    /// is replaced by one in the user's runtime folder, named by a hash of the library's path.
    public static func path(forLibrary libraryPath: String, environment: [String: String],
                            workingDirectory: String = FileManager.default.currentDirectoryPath) -> String {
        // `--library x.sqlite` names the same file from the folder it is typed in: the socket's path is
        // absolute, so a client started elsewhere finds it (and the hash below names one file).
        let absolute = libraryPath.hasPrefix("/") ? libraryPath : (workingDirectory as NSString).appendingPathComponent(libraryPath)
        let libraryPath = (absolute as NSString).standardizingPath
        let besideLibrary = (libraryPath as NSString).deletingPathExtension + "-remote.sock"
        if besideLibrary.utf8.count < maximumPathBytes { return besideLibrary }
        let folder = environment["XDG_RUNTIME_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp/hum-\(getuid())"
        return folder + "/hum-\(hexHash(libraryPath)).sock"
    }

    /// `sun_path` holds 108 bytes with its terminating zero.
    static let maximumPathBytes = 108

    /// FNV-1a: stable across runs and builds (Swift's `Hasher` is seeded per process).
    static func hexHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// A socket address for `path`, or nil when it does not fit.
    static func address(_ path: String) -> sockaddr_un? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count < maximumPathBytes else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    static func connect(_ descriptor: Int32, _ address: inout sockaddr_un) -> Int32 {
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }

    static func newSocket() -> Int32 { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
}

public struct RemoteError: Error, CustomStringConvertible, Equatable {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// One command line from a client, waiting for the interface's answer.
public final class RemoteRequest: Sendable {
    public let line: String
    /// The command itself, when the request comes parsed (from MPRIS) rather than as a line.
    let command: Command?
    private let answer = Mutex<[String]?>(nil)
    private let answered = DispatchSemaphore(value: 0)

    init(line: String) {
        self.line = line
        command = nil
    }

    init(command: Command) {
        line = CommandLineParser.commandLine(for: command) ?? ""
        self.command = command
    }

    /// The answer's lines; the last is `ok` or `error: WHY`. The first answer counts: `stop`'s "quitting"
    /// must not replace the `ok` of the `quit` that caused it.
    public func reply(_ lines: [String]) {
        let first = answer.withLock { answer in
            defer { if answer == nil { answer = lines } }
            return answer == nil
        }
        if first { answered.signal() }
    }

    func wait(timeout: Double) -> [String]? {
        guard answered.wait(timeout: .now() + timeout) == .success else { return nil }
        return answer.withLock { $0 }
    }
}

/// The interface's end of the socket: a thread that accepts clients one at a time, reads their lines
/// and hands each to `deliver` (which passes it to the UI thread), then writes the answer back. It
/// sleeps in accept(2) and read(2): an idle hum still never wakes.
public final class RemoteServer: Sendable {
    public let path: String
    private let listener: Int32
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    /// The request waiting for the interface, answered by `stop` so that quitting never waits for it.
    private let waiting = Mutex<RemoteRequest?>(nil)

    /// How long a client may take to send a line, and how long the interface may take to answer one.
    static let clientTimeout = 2.0, answerTimeout = 5.0
    static let quitting = ["error: hum is quitting"]
    /// A longer line is refused: a `:` line is short, and a client must not make hum hold unbounded text.
    static let maximumLineBytes = 64 * 1024

    /// Listens on `path`. A socket left there by a hum that crashed is replaced; one that answers belongs
    /// to another hum running on the same library, and is left to it (the error says so).
    public init(path: String, deliver: @escaping @Sendable (RemoteRequest) -> Void) throws(RemoteError) {
        self.path = path
        guard var address = RemoteSocket.address(path) else { throw RemoteError("the socket path is too long: \(path)") }
        let folder = (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: folder) {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
        }
        guard Self.isSafeFolder(folder) else {
            throw RemoteError("\(folder) belongs to another user: not listening there")
        }
        if FileManager.default.fileExists(atPath: path) {
            let probe = RemoteSocket.newSocket()
            let answers = probe >= 0 && RemoteSocket.connect(probe, &address) == 0
            if probe >= 0 { close(probe) }
            if answers { throw RemoteError("another hum is running on this library (its socket is \(path))") }
            unlink(path)
        }
        let descriptor = RemoteSocket.newSocket()
        guard descriptor >= 0 else { throw RemoteError("cannot make a socket: \(String(cString: strerror(errno)))") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        // Owner only before it listens. bind(2) made the file with the umask's permissions, and connecting
        // needs write permission, which the usual 022 umask does not give others; the umask itself is not
        // narrowed around bind, since it is the whole process's and other threads create files.
        guard bound == 0, chmod(path, 0o600) == 0, listen(descriptor, 8) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw RemoteError("cannot listen on \(path): \(reason)")
        }
        listener = descriptor
        let thread = Thread { [self] in
            acceptClients(deliver)
            finished.signal()
        }
        thread.name = "hum-remote"
        thread.start()
    }

    /// Whether no other user can swap the socket in `folder`: it is ours, or root's and either closed to
    /// others or sticky (as /tmp is). A /tmp/hum-UID made first by someone else is refused.
    static func isSafeFolder(_ folder: String) -> Bool {
        var info = stat()
        guard stat(folder, &info) == 0 else { return false }
        if info.st_uid == getuid() { return true }
        return info.st_uid == 0 && (info.st_mode & 0o022 == 0 || info.st_mode & UInt32(S_ISVTX) != 0)
    }

    /// Stops listening and removes the socket (at quit).
    public func stop() {
        guard !stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        waiting.withLock { $0 }?.reply(Self.quitting)
        // shutdown(2) wakes the thread out of accept(2); close(2) alone would not.
        shutdown(listener, Int32(SHUT_RDWR))
        _ = finished.wait(timeout: .now() + Self.answerTimeout + Self.clientTimeout)
        close(listener)
        unlink(path)
    }

    private func acceptClients(_ deliver: @Sendable (RemoteRequest) -> Void) {
        while !stopped.load(ordering: .sequentiallyConsistent) {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            var timeout = timeval(tv_sec: Int(Self.clientTimeout), tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            serve(client, deliver)
            close(client)
        }
    }

    /// Answers each line the client sends until it closes its end (or is too slow, or sends too much).
    private func serve(_ client: Int32, _ deliver: @Sendable (RemoteRequest) -> Void) {
        var reader = LineReader(descriptor: client, maximumLineBytes: Self.maximumLineBytes)
        while !stopped.load(ordering: .sequentiallyConsistent) {
            let line: String
            switch reader.next() {
            case .line(let text): line = text
            case .tooLong:
                _ = RemoteSocket.write(["error: a command line is at most \(Self.maximumLineBytes) bytes"], to: client)
                return
            case .end: return
            }
            if line.allSatisfy(\.isWhitespace) { continue }
            let request = RemoteRequest(line: line)
            waiting.withLock { $0 = request }
            defer { waiting.withLock { $0 = nil } }
            // Checked after `waiting` is set: either `stop` sees the request, or this sees `stop`.
            if stopped.load(ordering: .sequentiallyConsistent) {
                _ = RemoteSocket.write(Self.quitting, to: client)
                return
            }
            deliver(request)
            let answer = request.wait(timeout: Self.answerTimeout) ?? ["error: hum did not answer within \(Int(Self.answerTimeout)) s"]
            guard RemoteSocket.write(answer, to: client) else { return }
        }
    }
}

/// Lines from a socket, at most `maximumLineBytes` each.
struct LineReader {
    enum Next: Equatable { case line(String), tooLong, end }
    let descriptor: Int32
    let maximumLineBytes: Int
    private var buffer: [UInt8] = []

    init(descriptor: Int32, maximumLineBytes: Int) {
        self.descriptor = descriptor
        self.maximumLineBytes = maximumLineBytes
    }

    mutating func next() -> Next {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var bytes = buffer[..<newline]
                if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
                let line = String(decoding: bytes, as: UTF8.self)
                buffer.removeSubrange(...newline)
                return .line(line)
            }
            if buffer.count > maximumLineBytes { return .tooLong }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                // A last line without its newline still counts.
                guard !buffer.isEmpty else { return .end }
                defer { buffer = [] }
                return .line(String(decoding: buffer, as: UTF8.self))
            }
            buffer += chunk[..<count]
        }
    }
}

extension RemoteSocket {
    /// Writes `lines`, each ending in a newline; false when the other end is gone.
    static func write(_ lines: [String], to descriptor: Int32) -> Bool {
        let bytes = Array(lines.map { $0 + "\n" }.joined().utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    /// `line` with the relative file paths of its command made absolute against `folder` (the client's
    /// working folder); a line that does not parse goes as it is, for the interface to say why.
    public static func resolvingPaths(_ line: String, against folder: String) -> String {
        guard let command = try? CommandLineParser.parse(line) else { return line }
        let resolved = command.resolvingPaths(against: folder)
        guard resolved != command, let text = CommandLineParser.commandLine(for: resolved) else { return line }
        return text
    }

    /// The client's end: sends one command line to the interface listening on `path` and returns its
    /// answer, the lines before `ok`; an `error:` answer, or no interface there, is thrown.
    public static func send(_ line: String, to path: String) throws(RemoteError) -> [String] {
        guard !line.contains(where: \.isNewline) else { throw RemoteError("a command is one line") }
        guard var address = address(path) else { throw RemoteError("the socket path is too long: \(path)") }
        let descriptor = newSocket()
        guard descriptor >= 0 else { throw RemoteError("cannot make a socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: Int(RemoteServer.answerTimeout * 2), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(descriptor, &address) == 0 else {
            let reason = errno == ENOENT || errno == ECONNREFUSED ? "no hum interface is running on this library"
                : String(cString: strerror(errno))
            throw RemoteError("\(reason) (no answer on \(path))")
        }
        guard write([line], to: descriptor) else { throw RemoteError("the interface closed the connection") }
        shutdown(descriptor, Int32(SHUT_WR))
        var reader = LineReader(descriptor: descriptor, maximumLineBytes: 16 << 20)
        var lines: [String] = []
        while case .line(let text) = reader.next() {
            if text == "ok" { return lines }
            if text.hasPrefix("error: ") { throw RemoteError(String(text.dropFirst("error: ".count))) }
            lines.append(text)
        }
        throw RemoteError("the interface closed the connection without an answer")
    }
}
