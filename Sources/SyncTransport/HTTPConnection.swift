import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client over one TCP connection (keep-alive), for the sync client and the server's
/// tests: the only code of hum's that opens a socket, and it is constructed only when sync is on.
/// Blocking, with a timeout on every read and write; plain HTTP (the server is expected behind TLS
/// termination in a deployment; loopback in the tests).
public final class HTTPConnection {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data

        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let host: String
    public let port: Int
    private var socket: Int32 = -1
    private var buffer = Data()
    private let timeout: Double

    public init(host: String, port: Int, timeout: Double = 10) {
        self.host = host
        self.port = port
        self.timeout = timeout
    }

    deinit { disconnect() }

    public func disconnect() {
        if socket >= 0 { close(socket) }
        socket = -1
        buffer.removeAll()
    }

    /// Sends one request and reads its response; reconnects once if the kept-alive connection was closed.
    public func request(_ method: String, _ path: String, body: Data? = nil,
                        headers: [String: String] = [:]) throws -> Response {
        var lines = ["\(method) \(path) HTTP/1.1", "Host: \(host):\(port)", "Connection: keep-alive"]
        if let body { lines.append("Content-Length: \(body.count)") }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { lines.append("\(name): \(value)") }
        var message = Data((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
        if let body { message.append(body) }
        for attempt in 0..<2 {
            do {
                if socket < 0 { try connect() }
                try write(message)
                return try readResponse()
            } catch let failure as Failure where attempt == 0 && failure.description.hasPrefix("closed") {
                disconnect()
            }
        }
        throw Failure(description: "closed by \(host):\(port) twice")
    }

    private func connect() throws {
        var hints = addrinfo(ai_flags: 0, ai_family: AF_INET, ai_socktype: Int32(SOCK_STREAM.rawValue), ai_protocol: 0,
                             ai_addrlen: 0, ai_addr: nil, ai_canonname: nil, ai_next: nil)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let address = result else {
            throw Failure(description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(result) }
        let fd = Glibc.socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        guard Glibc.connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "cannot connect to \(host):\(port): \(reason)")
        }
        socket = fd
    }

    private func write(_ data: Data) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let written = send(socket, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if written <= 0 { throw Failure(description: "closed while writing: \(String(cString: strerror(errno)))") }
                offset += written
            }
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        let count = recv(socket, &chunk, chunk.count, 0)
        if count == 0 { throw Failure(description: "closed before a response") }
        if count < 0 { throw Failure(description: "read from \(host):\(port) failed: \(String(cString: strerror(errno)))") }
        buffer.append(contentsOf: chunk[0..<count])
    }

    private func readResponse() throws -> Response {
        let separator = Data("\r\n\r\n".utf8)
        var headerEnd = buffer.range(of: separator)
        while headerEnd == nil {
            try fill()
            headerEnd = buffer.range(of: separator)
        }
        let head = String(decoding: buffer[buffer.startIndex..<headerEnd!.lowerBound], as: UTF8.self)
        buffer.removeSubrange(buffer.startIndex..<headerEnd!.upperBound)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "not an HTTP response: \(head.prefix(80))")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data()
        if let length = headers["content-length"].flatMap(Int.init) {
            while buffer.count < length { try fill() }
            body = buffer.prefix(length)
            buffer.removeFirst(length)
        } else if headers["transfer-encoding"]?.lowercased() == "chunked" {
            body = try readChunks()
        }
        if headers["connection"]?.lowercased() == "close" { disconnect() }
        return Response(status: status, headers: headers, body: Data(body))
    }

    private func readChunks() throws -> Data {
        var body = Data()
        let lineEnd = Data("\r\n".utf8)
        while true {
            var end = buffer.range(of: lineEnd)
            while end == nil {
                try fill()
                end = buffer.range(of: lineEnd)
            }
            let sizeText = String(decoding: buffer[buffer.startIndex..<end!.lowerBound], as: UTF8.self)
            buffer.removeSubrange(buffer.startIndex..<end!.upperBound)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16) else {
                throw Failure(description: "bad chunk size '\(sizeText)'")
            }
            while buffer.count < size + 2 { try fill() }
            body.append(buffer.prefix(size))
            buffer.removeFirst(size + 2)
            if size == 0 { return body }
        }
    }
}

extension HTTPConnection {
    /// One JSON POST to `server` ("HOST:PORT") on a connection of its own; the status code. The sync
    /// client's `Sender`: only an enabled client calls it, so with sync off it never runs.
    public static func postJSON(server: String, path: String, body: Data) throws -> Int {
        try exchange(server: server, "POST", path, body: body, headers: ["Content-Type": "application/json"]).status
    }

    /// One GET of `path` on `server` ("HOST:PORT") on a connection of its own: the status and the body.
    public static func get(server: String, path: String) throws -> (status: Int, body: Data) {
        let response = try exchange(server: server, "GET", path, body: nil, headers: [:])
        return (response.status, response.body)
    }

    private static func exchange(server: String, _ method: String, _ path: String, body: Data?,
                                 headers: [String: String]) throws -> Response {
        let parts = server.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else { throw Failure(description: "not HOST:PORT: '\(server)'") }
        let connection = HTTPConnection(host: String(parts[0]), port: port)
        defer { connection.disconnect() }
        return try connection.request(method, path, body: body, headers: headers)
    }
}
