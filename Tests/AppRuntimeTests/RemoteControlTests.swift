@testable import AppRuntime
import Foundation
import Synchronization
import HumTestSupport
import Testing

@Suite("The remote-control socket")
struct RemoteControlTests {
    static func socketPath(_ label: String) throws -> String {
        let folder = Fixtures.scratchDirectory(label)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder + "/hum-remote.sock"
    }

    /// A server that answers "echo WORDS" with WORDS, "fail" with an error, anything else with "ok".
    static func echoServer(_ path: String) throws -> RemoteServer {
        try RemoteServer(path: path) { request in
            if request.line.hasPrefix("echo ") {
                request.reply(request.line.dropFirst(5).split(separator: " ").map(String.init) + ["ok"])
            } else if request.line == "fail" {
                request.reply(["error: that went wrong"])
            } else {
                request.reply(["ok"])
            }
        }
    }

    @Test("A client gets the answer's lines; an error answer is thrown with its reason; the socket is its owner's only")
    func roundTrip() throws {
        let path = try Self.socketPath("remote-roundtrip")
        let server = try Self.echoServer(path)
        defer { server.stop() }
        #expect(try RemoteSocket.send("echo one two", to: path) == ["one", "two"])
        #expect(try RemoteSocket.send("pause", to: path) == [])
        #expect(throws: RemoteError("that went wrong")) { try RemoteSocket.send("fail", to: path) }
        #expect(throws: RemoteError("a command is one line")) { try RemoteSocket.send("echo a\nquit", to: path) }
        let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode & 0o077 == 0)
    }

    @Test("A socket left by a crash is replaced; one that answers is left to its hum; stop removes it")
    func staleAndLive() throws {
        let path = try Self.socketPath("remote-stale")
        // A socket file nobody listens on, as a killed hum leaves it.
        let stale = RemoteSocket.newSocket()
        var address = try #require(RemoteSocket.address(path))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        close(stale)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(throws: RemoteError.self) { try RemoteSocket.send("pause", to: path) }

        let server = try Self.echoServer(path)
        #expect(try RemoteSocket.send("echo back", to: path) == ["back"])
        #expect(throws: RemoteError("another hum is running on this library (its socket is \(path))")) {
            _ = try Self.echoServer(path)
        }
        // The refused second server left the first one's socket alone.
        #expect(try RemoteSocket.send("echo still", to: path) == ["still"])
        server.stop()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(throws: RemoteError("no hum interface is running on this library (no answer on \(path))")) {
            try RemoteSocket.send("pause", to: path)
        }
    }

    @Test("A line longer than 64 KiB is refused, and the server goes on answering others")
    func tooLong() throws {
        let path = try Self.socketPath("remote-long")
        let server = try Self.echoServer(path)
        defer { server.stop() }
        let client = RemoteSocket.newSocket()
        defer { close(client) }
        var address = try #require(RemoteSocket.address(path))
        #expect(RemoteSocket.connect(client, &address) == 0)
        #expect(RemoteSocket.write([String(repeating: "x", count: 70_000)], to: client))
        var reader = LineReader(descriptor: client, maximumLineBytes: 1 << 20)
        #expect(reader.next() == .line("error: a command line is at most 65536 bytes"))
        #expect(try RemoteSocket.send("echo fine", to: path) == ["fine"])
    }

    @Test("Several lines on one connection are answered in order")
    func severalLines() throws {
        let path = try Self.socketPath("remote-several")
        let server = try Self.echoServer(path)
        defer { server.stop() }
        let client = RemoteSocket.newSocket()
        defer { close(client) }
        var address = try #require(RemoteSocket.address(path))
        #expect(RemoteSocket.connect(client, &address) == 0)
        #expect(RemoteSocket.write(["echo a", "", "fail", "echo b c"], to: client))
        shutdown(client, Int32(SHUT_WR))
        var reader = LineReader(descriptor: client, maximumLineBytes: 1 << 20)
        var lines: [String] = []
        while case .line(let line) = reader.next() { lines.append(line) }
        #expect(lines == ["a", "ok", "error: that went wrong", "b", "c", "ok"])
    }

    @Test("The socket sits beside the library; a path too long for a socket goes to the runtime folder, named by a stable hash")
    func paths() {
        #expect(RemoteSocket.path(forLibrary: "/home/ana/.local/share/hum/hum.sqlite", environment: [:])
                == "/home/ana/.local/share/hum/hum-remote.sock")
        let deep = "/music/" + String(repeating: "very-long-folder/", count: 8) + "hum.sqlite"
        let fallback = RemoteSocket.path(forLibrary: deep, environment: ["XDG_RUNTIME_DIR": "/run/user/1000"])
        #expect(fallback == "/run/user/1000/hum-\(RemoteSocket.hexHash(deep)).sock")
        #expect(RemoteSocket.hexHash("hum") == "331411192fb5c511")
        #expect(RemoteSocket.path(forLibrary: deep, environment: [:]).hasPrefix("/tmp/hum-\(getuid())/hum-"))
        #expect(RemoteSocket.path(forLibrary: "lib/hum.sqlite", environment: [:], workingDirectory: "/home/ana/")
                == "/home/ana/lib/hum-remote.sock")
        #expect(RemoteSocket.path(forLibrary: "../b/./hum.sqlite", environment: [:], workingDirectory: "/home/ana/a")
                == "/home/ana/b/hum-remote.sock")
    }
}

@Suite("The remote-control socket's folder")
struct RemoteFolderTests {
    @Test("A folder of ours, or root's /tmp (sticky), is safe; a folder that is not there is not")
    func safeFolders() throws {
        let ours = Fixtures.scratchDirectory("remote-folder")
        try FileManager.default.createDirectory(atPath: ours, withIntermediateDirectories: true)
        #expect(RemoteServer.isSafeFolder(ours))
        #expect(RemoteServer.isSafeFolder("/tmp"))
        #expect(!RemoteServer.isSafeFolder(ours + "/missing"))
    }

    @Test("Quitting answers a request the interface never will, at once")
    func stopAnswersWaitingRequest() throws {
        let path = try RemoteControlTests.socketPath("remote-quitting")
        let delivered = DispatchSemaphore(value: 0)
        // An interface that takes the request and never answers (it is quitting).
        let server = try RemoteServer(path: path) { _ in delivered.signal() }
        let answer = Mutex<Result<[String], RemoteError>?>(nil)
        let client = Thread {
            do throws(RemoteError) {
                let lines = try RemoteSocket.send("pause", to: path)
                answer.withLock { $0 = .success(lines) }
            } catch {
                answer.withLock { $0 = .failure(error) }
            }
        }
        client.start()
        #expect(delivered.wait(timeout: .now() + 5) == .success)
        let started = Date()
        server.stop()
        #expect(Date().timeIntervalSince(started) < RemoteServer.answerTimeout / 2, "stop waited for the answer")
        let deadline = Date().addingTimeInterval(5)
        while answer.withLock({ $0 }) == nil && Date() < deadline { usleep(10_000) }
        #expect(answer.withLock { $0 } == .failure(RemoteError("hum is quitting")))
    }
}

@Suite("hum remote's paths")
struct RemotePathTests {
    @Test("Relative file paths are made absolute where the client runs; others, and lines that do not parse, go as they are")
    func relativePaths() {
        let folder = "/home/ana/Music"
        #expect(RemoteSocket.resolvingPaths("play song.mp3", against: folder) == "play /home/ana/Music/song.mp3")
        #expect(RemoteSocket.resolvingPaths("add My\\ Album", against: folder) == "add /home/ana/Music/My\\ Album")
        #expect(RemoteSocket.resolvingPaths("pl-export Trip trip.m3u8", against: folder + "/") == "pl-export Trip /home/ana/Music/trip.m3u8")
        #expect(RemoteSocket.resolvingPaths("pl-import ../lists/old.m3u", against: folder) == "pl-import /home/ana/Music/../lists/old.m3u")
        #expect(RemoteSocket.resolvingPaths("load /tmp/q.m3u", against: folder) == "load /tmp/q.m3u")
        #expect(RemoteSocket.resolvingPaths("save ~/q.m3u", against: folder) == "save ~/q.m3u")
        #expect(RemoteSocket.resolvingPaths("play", against: folder) == "play")
        #expect(RemoteSocket.resolvingPaths("vol -5", against: folder) == "vol -5")
        #expect(RemoteSocket.resolvingPaths("bogus x", against: folder) == "bogus x")
    }
}

@Suite("A remote request's answer")
struct RemoteRequestTests {
    @Test("The first answer counts: quitting after answering ok does not turn the ok into an error")
    func firstAnswerCounts() {
        let request = RemoteRequest(line: "quit")
        request.reply(["ok"])
        request.reply(RemoteServer.quitting)
        #expect(request.wait(timeout: 1) == ["ok"])
    }
}
