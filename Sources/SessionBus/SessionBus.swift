import CDBus
import Foundation
import Synchronization

public struct BusError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A method call another program made on one of our objects.
public struct BusCall: Sendable, Equatable {
    public var path: String
    /// Empty when the caller named none (D-Bus allows it; the member then says which method).
    public var interface: String
    public var member: String
    public var arguments: [BusValue]

    public init(path: String, interface: String, member: String, arguments: [BusValue]) {
        self.path = path
        self.interface = interface
        self.member = member
        self.arguments = arguments
    }
}

/// What a method call is answered with: its return values, or a D-Bus error.
public enum BusReply: Sendable, Equatable {
    case values([BusValue])
    case error(name: String, message: String)

    public static let done = BusReply.values([])
}

/// A connection to the user's session bus (libdbus, bound at first use), owning one well-known name,
/// served by a thread of its own that sleeps in poll(2) on the bus socket and a wake pipe: an idle hum
/// still never wakes. Every libdbus call is made on that thread (after `init`), so libdbus's locks are
/// never contended and a signal sent from the UI thread never waits for a read in progress.
///
/// Method calls go to `handler`, on the bus thread; its answer is sent back unless the caller asked for
/// none. `emit` queues a signal from any thread.
public final class SessionBus: Sendable {
    /// The well-known name this connection owns.
    public let name: String
    nonisolated(unsafe) private let connection: OpaquePointer
    private let handler: @Sendable (BusCall) -> BusReply
    private let outbox = Mutex<[(path: String, interface: String, member: String, arguments: [BusValue])]>([])
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let wakeRead: Int32, wakeWrite: Int32
    /// Whether the bus is still there (false once the daemon went away).
    private let connected = Atomic<Bool>(true)

    /// The session bus's address: `DBUS_SESSION_BUS_ADDRESS`, or the socket systemd and dbus-broker
    /// make in the runtime folder; nil when there is neither (an SSH or console session). libdbus's own
    /// fallback, autolaunch, would start a bus daemon of its own, which hum never does.
    public static func sessionAddress(environment: [String: String]) -> String? {
        if let address = environment["DBUS_SESSION_BUS_ADDRESS"], !address.isEmpty { return address }
        guard let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty else { return nil }
        let socket = runtime + "/bus"
        var info = stat()
        guard stat(socket, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else { return nil }
        return "unix:path=" + socket
    }

    /// Connects to the bus at `address` and takes the first of `names` that no one else owns.
    public init(address: String, names: [String], handler: @escaping @Sendable (BusCall) -> BusReply) throws(BusError) {
        var reason = [CChar](repeating: 0, count: 256)
        guard hum_dbus_load(&reason, reason.count) == 0 else {
            throw BusError("libdbus cannot be loaded (\(String(decoding: reason.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self)))")
        }
        var error = DBusError()
        hum_dbus_error_init(&error)
        defer { hum_dbus_error_free(&error) }
        guard let connection = hum_dbus_connection_open_private(address, &error) else {
            throw BusError("cannot connect to the session bus at \(address): \(Self.text(error))")
        }
        // A bus connection's default is to exit(1) when the bus goes away; a music player goes on playing.
        hum_dbus_connection_set_exit_on_disconnect(connection, 0)
        func fail(_ message: String) -> BusError {
            hum_dbus_connection_close(connection)
            hum_dbus_connection_unref(connection)
            return BusError(message)
        }
        guard hum_dbus_bus_register(connection, &error) != 0 else { throw fail("the session bus refused hum: \(Self.text(error))") }
        var owned: String?
        for candidate in names {
            let answer = hum_dbus_bus_request_name(connection, candidate, UInt32(HUM_DBUS_NAME_FLAG_DO_NOT_QUEUE), &error)
            if answer == HUM_DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER { owned = candidate; break }
            if hum_dbus_error_is_set(&error) != 0 { throw fail("cannot own \(candidate) on the session bus: \(Self.text(error))") }
        }
        guard let owned else { throw fail("the names \(names.joined(separator: ", ")) are all taken on the session bus") }
        var descriptor: Int32 = -1
        var pipeEnds: [Int32] = [-1, -1]
        guard hum_dbus_connection_get_unix_fd(connection, &descriptor) != 0, pipe(&pipeEnds) == 0 else {
            throw fail("the session bus connection has no socket to wait on")
        }
        for end in pipeEnds {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        self.name = owned
        self.connection = connection
        self.handler = handler
        wakeRead = pipeEnds[0]
        wakeWrite = pipeEnds[1]
        let filter: DBusHandleMessageFunction = { _, message, bus in
            guard let message, let bus else { return DBUS_HANDLER_RESULT_NOT_YET_HANDLED }
            return Unmanaged<SessionBus>.fromOpaque(bus).takeUnretainedValue().receive(message)
        }
        // Unretained: the filter runs only on the bus thread, which `stop` ends before the connection goes.
        _ = hum_dbus_connection_add_filter(connection, filter, Unmanaged.passUnretained(self).toOpaque(), nil)
        let socket = descriptor
        let thread = Thread { [self] in
            serve(socket)
            finished.signal()
        }
        thread.name = "hum-session-bus"
        thread.start()
    }

    /// Sends a signal from `path` (queued; the bus thread sends it).
    public func emit(path: String, interface: String, member: String, arguments: [BusValue]) {
        guard connected.load(ordering: .relaxed) else { return }
        outbox.withLock { $0.append((path, interface, member, arguments)) }
        wake()
    }

    /// Sends what is queued, leaves the bus (which frees the name) and ends the thread.
    public func stop() {
        guard !stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        wake()
        _ = finished.wait(timeout: .now() + 2)
        hum_dbus_connection_close(connection)
        hum_dbus_connection_unref(connection)
        close(wakeRead)
        close(wakeWrite)
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    // MARK: - The bus thread

    private func serve(_ descriptor: Int32) {
        var waits = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        while true {
            while hum_dbus_connection_get_dispatch_status(connection) == DBUS_DISPATCH_DATA_REMAINS {
                _ = hum_dbus_connection_dispatch(connection)
            }
            sendQueued()
            if stopped.load(ordering: .sequentiallyConsistent) {
                hum_dbus_connection_flush(connection)
                return
            }
            waits[0].events = Int16(POLLIN) | (hum_dbus_connection_has_messages_to_send(connection) != 0 ? Int16(POLLOUT) : 0)
            waits[0].revents = 0
            waits[1].revents = 0
            if poll(&waits, 2, -1) < 0 {
                if errno == EINTR { continue }
                return
            }
            if waits[1].revents != 0 {
                var drained = [UInt8](repeating: 0, count: 64)
                while read(wakeRead, &drained, drained.count) > 0 {}
            }
            if waits[0].revents != 0 {
                guard hum_dbus_connection_read_write(connection, 0) != 0,
                      hum_dbus_connection_get_is_connected(connection) != 0 else {
                    connected.store(false, ordering: .relaxed)
                    // Waits for `stop` with nothing more to do (the bus is gone).
                    while !stopped.load(ordering: .sequentiallyConsistent) {
                        var wait = [waits[1]]
                        _ = poll(&wait, 1, -1)
                        var drained = [UInt8](repeating: 0, count: 64)
                        while read(wakeRead, &drained, drained.count) > 0 {}
                    }
                    return
                }
            }
        }
    }

    private func sendQueued() {
        let queued = outbox.withLock { o in defer { o = [] }; return o }
        for signal in queued {
            guard let message = hum_dbus_message_new_signal(signal.path, signal.interface, signal.member) else { continue }
            defer { hum_dbus_message_unref(message) }
            guard Self.append(signal.arguments, to: message) else { continue }
            _ = hum_dbus_connection_send(connection, message, nil)
        }
    }

    private func receive(_ message: OpaquePointer) -> DBusHandlerResult {
        guard hum_dbus_message_get_type(message) == HUM_DBUS_MESSAGE_TYPE_METHOD_CALL else {
            return DBUS_HANDLER_RESULT_NOT_YET_HANDLED
        }
        let text: (UnsafePointer<CChar>?) -> String = { $0.map { String(cString: $0) } ?? "" }
        var iterator = DBusMessageIter()
        let arguments = hum_dbus_message_iter_init(message, &iterator) != 0 ? Self.decodeAll(&iterator) : []
        let call = BusCall(path: text(hum_dbus_message_get_path(message)), interface: text(hum_dbus_message_get_interface(message)),
                           member: text(hum_dbus_message_get_member(message)), arguments: arguments)
        let reply = handler(call)
        guard hum_dbus_message_get_no_reply(message) == 0 else { return DBUS_HANDLER_RESULT_HANDLED }
        var answer: OpaquePointer?
        switch reply {
        case .values(let values):
            answer = hum_dbus_message_new_method_return(message)
            if let built = answer, !Self.append(values, to: built) {
                hum_dbus_message_unref(built)
                answer = hum_dbus_message_new_error(message, "org.freedesktop.DBus.Error.Failed", "hum could not write its answer")
            }
        case .error(let name, let text):
            answer = hum_dbus_message_new_error(message, name, text)
        }
        if let answer {
            _ = hum_dbus_connection_send(connection, answer, nil)
            hum_dbus_message_unref(answer)
        }
        return DBUS_HANDLER_RESULT_HANDLED
    }

    static func text(_ error: DBusError) -> String {
        error.message.map { String(cString: $0) } ?? error.name.map { String(cString: $0) } ?? "unknown error"
    }
}

// MARK: - Values in and out of messages

extension SessionBus {
    private static func code(_ character: Character) -> Int32 { Int32(character.asciiValue!) }

    /// The arguments from `iterator` to the end of its level.
    static func decodeAll(_ iterator: inout DBusMessageIter) -> [BusValue] {
        var values: [BusValue] = []
        while true {
            let type = hum_dbus_message_iter_get_arg_type(&iterator)
            if type == 0 { break }
            if let value = decode(&iterator, type: type) { values.append(value) }
            if hum_dbus_message_iter_next(&iterator) == 0 { break }
        }
        return values
    }

    private static func basic<T: BitwiseCopyable>(_ iterator: inout DBusMessageIter, _ zero: T) -> T {
        var value = zero
        hum_dbus_message_iter_get_basic(&iterator, &value)
        return value
    }

    private static func decode(_ iterator: inout DBusMessageIter, type: Int32) -> BusValue? {
        func inside() -> [BusValue] {
            var sub = DBusMessageIter()
            hum_dbus_message_iter_recurse(&iterator, &sub)
            return decodeAll(&sub)
        }
        switch UInt8(truncatingIfNeeded: type) {
        case UInt8(ascii: "y"): return .byte(basic(&iterator, UInt8(0)))
        case UInt8(ascii: "b"): return .boolean(basic(&iterator, dbus_bool_t(0)) != 0)
        case UInt8(ascii: "n"): return .int16(basic(&iterator, Int16(0)))
        case UInt8(ascii: "q"): return .uint16(basic(&iterator, UInt16(0)))
        case UInt8(ascii: "i"): return .int32(basic(&iterator, Int32(0)))
        case UInt8(ascii: "u"): return .uint32(basic(&iterator, UInt32(0)))
        case UInt8(ascii: "x"): return .int64(basic(&iterator, Int64(0)))
        case UInt8(ascii: "t"): return .uint64(basic(&iterator, UInt64(0)))
        case UInt8(ascii: "d"): return .double(basic(&iterator, Double(0)))
        case UInt8(ascii: "s"), UInt8(ascii: "o"), UInt8(ascii: "g"):
            let pointer = basic(&iterator, UnsafePointer<CChar>?.none)
            let text = pointer.map { String(cString: $0) } ?? ""
            return type == code("s") ? .string(text) : type == code("o") ? .objectPath(text) : .signature(text)
        case UInt8(ascii: "h"):
            // A file descriptor: libdbus gave us a copy, which nothing here uses.
            let descriptor = basic(&iterator, Int32(-1))
            if descriptor >= 0 { close(descriptor) }
            return nil
        case UInt8(ascii: "a"):
            var element = ""
            if let signature = hum_dbus_message_iter_get_signature(&iterator) {
                element = String(String(cString: signature).dropFirst())
                hum_dbus_free(signature)
            }
            return .array(element: element, inside())
        case UInt8(ascii: "v"): return inside().first.map(BusValue.variant)
        case UInt8(ascii: "r"): return .structure(inside())
        case UInt8(ascii: "e"):
            let pair = inside()
            return pair.count == 2 ? .dictEntry(pair[0], pair[1]) : nil
        default: return nil
        }
    }

    /// Appends `values` as a message's arguments; false when one cannot be sent (a malformed object
    /// path, an array element of the wrong type), checked here because libdbus aborts the process on them.
    static func append(_ values: [BusValue], to message: OpaquePointer) -> Bool {
        guard values.allSatisfy(\.isWellFormed) else { return false }
        var iterator = DBusMessageIter()
        hum_dbus_message_iter_init_append(message, &iterator)
        return values.allSatisfy { append($0, to: &iterator) }
    }

    private static func append(_ value: BusValue, to iterator: inout DBusMessageIter) -> Bool {
        func put<T: BitwiseCopyable>(_ type: Character, _ value: T) -> Bool {
            var value = value
            return hum_dbus_message_iter_append_basic(&iterator, code(type), &value) != 0
        }
        func container(_ type: Character, _ contained: String?, _ items: [BusValue]) -> Bool {
            var sub = DBusMessageIter()
            let opened = contained.map { hum_dbus_message_iter_open_container(&iterator, code(type), $0, &sub) }
                ?? hum_dbus_message_iter_open_container(&iterator, code(type), nil, &sub)
            guard opened != 0 else { return false }
            let written = items.allSatisfy { append($0, to: &sub) }
            return hum_dbus_message_iter_close_container(&iterator, &sub) != 0 && written
        }
        switch value {
        case .byte(let v): return put("y", v)
        case .boolean(let v): return put("b", dbus_bool_t(v ? 1 : 0))
        case .int16(let v): return put("n", v)
        case .uint16(let v): return put("q", v)
        case .int32(let v): return put("i", v)
        case .uint32(let v): return put("u", v)
        case .int64(let v): return put("x", v)
        case .uint64(let v): return put("t", v)
        case .double(let v): return put("d", v)
        case .string(let text), .objectPath(let text), .signature(let text):
            let type: Character = value.signature == "s" ? "s" : value.signature == "o" ? "o" : "g"
            // A NUL inside a tag would end the C string early; libdbus needs none.
            let sendable = text.contains("\0") ? text.replacingOccurrences(of: "\0", with: "") : text
            return sendable.withCString { put(type, $0) }
        case .variant(let inner): return container("v", inner.signature, [inner])
        case .array(let element, let items): return container("a", element, items)
        case .dictEntry(let key, let item): return container("e", nil, [key, item])
        case .structure(let fields): return container("r", nil, fields)
        }
    }
}

extension BusValue {
    /// Whether libdbus accepts this value: object paths of the form `/a/b_1`, dictionary keys of a basic
    /// type, array elements all of the array's type.
    public var isWellFormed: Bool {
        switch self {
        case .objectPath(let path): return Self.isObjectPath(path)
        case .signature(let text): return text.utf8.count < 256 && text.allSatisfy(\.isASCII)
        case .variant(let inner): return inner.isWellFormed
        case .array(let element, let items): return !element.isEmpty && items.allSatisfy { $0.signature == element && $0.isWellFormed }
        case .dictEntry(let key, let item):
            if case .array = key { return false }
            if case .variant = key { return false }
            if case .structure = key { return false }
            if case .dictEntry = key { return false }
            return key.isWellFormed && item.isWellFormed
        case .structure(let fields): return !fields.isEmpty && fields.allSatisfy(\.isWellFormed)
        default: return true
        }
    }

    static func isObjectPath(_ path: String) -> Bool {
        if path == "/" { return true }
        guard path.hasPrefix("/"), !path.hasSuffix("/") else { return false }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a) || $0 == 0x5f }
        }
    }
}
