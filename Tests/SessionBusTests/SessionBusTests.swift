import Foundation
import HumTestSupport
import SessionBus
import Synchronization
import Testing

/// The libdbus adapter against a real, private `dbus-daemon`, driven by `dbus-send` and `dbus-monitor`.
@Suite("The session bus adapter, against a private dbus-daemon")
struct SessionBusTests {
    /// Answers `Echo` with its arguments and `Fail` with an error, and remembers every call.
    final class EchoService: Sendable {
        let calls = Mutex<[BusCall]>([])
        func handle(_ call: BusCall) -> BusReply {
            calls.withLock { $0.append(call) }
            switch call.member {
            case "Echo": return .values(call.arguments)
            case "Fail": return .error(name: "org.hum.Test.Error.Refused", message: "refused on purpose")
            default: return .error(name: "org.freedesktop.DBus.Error.UnknownMethod", message: "no \(call.member)")
            }
        }
    }

    @Test("values of every kind arrive decoded and go back encoded; errors reach the caller")
    func roundTrip() throws {
        let daemon = try BusTestDaemon()
        let service = EchoService()
        let bus = try SessionBus(address: daemon.address, names: ["org.hum.Test"]) { service.handle($0) }
        defer { bus.stop() }
        #expect(bus.name == "org.hum.Test")
        let echoed = try daemon.run("dbus-send", ["--session", "--print-reply", "--dest=org.hum.Test", "/org/hum/Test", "org.hum.Test.Echo",
                                                  "string:héllo wörld", "int32:-5", "uint64:7", "double:2.5", "boolean:true",
                                                  "objpath:/a/b_1", "array:string:x,y", "dict:string:int32:k,1", "variant:int64:9",
                                                  "byte:200", "int16:-3", "uint16:3", "uint32:4", "int64:-9000000000"])
        #expect(echoed.succeeded, "\(echoed.stderr)")
        let call = try #require(service.calls.withLock { $0.last })
        #expect(call.path == "/org/hum/Test")
        #expect(call.interface == "org.hum.Test")
        #expect(call.member == "Echo")
        let expected: [BusValue] = [
            .string("héllo wörld"), .int32(-5), .uint64(7), .double(2.5), .boolean(true), .objectPath("/a/b_1"),
            .strings(["x", "y"]), .array(element: "{si}", [.dictEntry(.string("k"), .int32(1))]), .variant(.int64(9)),
            .byte(200), .int16(-3), .uint16(3), .uint32(4), .int64(-9_000_000_000),
        ]
        #expect(call.arguments == expected)
        // The reply is the same values, encoded by us and printed by dbus-send.
        let lines = echoed.stdoutLines.map { $0.trimmingCharacters(in: .whitespaces) }
        for line in ["string \"héllo wörld\"", "int32 -5", "uint64 7", "double 2.5", "boolean true", "object path \"/a/b_1\"",
                     "string \"x\"", "string \"y\"", "dict entry(", "string \"k\"", "int32 1", "byte 200", "int16 -3",
                     "uint16 3", "uint32 4", "int64 -9000000000"] {
            #expect(lines.contains(line), "the reply has no \(line): \(lines)")
        }
        #expect(lines.contains { $0.hasPrefix("variant") && $0.hasSuffix("int64 9") }, "\(lines)")

        let failed = try daemon.run("dbus-send", ["--session", "--print-reply", "--dest=org.hum.Test", "/org/hum/Test", "org.hum.Test.Fail"])
        #expect(!failed.succeeded)
        #expect(failed.stderr.contains("org.hum.Test.Error.Refused"), "\(failed.stderr)")
        #expect(failed.stderr.contains("refused on purpose"), "\(failed.stderr)")
    }

    @Test("a value libdbus would abort on is refused with an error reply, and the process goes on")
    func malformedValues() throws {
        #expect(!BusValue.objectPath("not/a/path").isWellFormed)
        #expect(!BusValue.objectPath("/trailing/").isWellFormed)
        #expect(!BusValue.objectPath("/with-dash").isWellFormed)
        #expect(BusValue.objectPath("/").isWellFormed)
        #expect(!BusValue.array(element: "s", [.int32(1)]).isWellFormed)
        #expect(!BusValue.array(element: "{vs}", [.dictEntry(.variant(.int32(1)), .string("x"))]).isWellFormed)
        #expect(BusValue.properties([("a", .strings([]))]).signature == "a{sv}")

        let daemon = try BusTestDaemon()
        let bus = try SessionBus(address: daemon.address, names: ["org.hum.Test"]) { call in
            call.member == "Bad" ? .values([.objectPath("no slash")]) : .values([.string("still here\0after a NUL")])
        }
        defer { bus.stop() }
        let bad = try daemon.run("dbus-send", ["--session", "--print-reply", "--dest=org.hum.Test", "/", "org.hum.Test.Bad"])
        #expect(!bad.succeeded)
        #expect(bad.stderr.contains("org.freedesktop.DBus.Error.Failed"), "\(bad.stderr)")
        let good = try daemon.run("dbus-send", ["--session", "--print-reply", "--dest=org.hum.Test", "/", "org.hum.Test.Good"])
        #expect(good.succeeded, "\(good.stderr)")
        #expect(good.stdout.contains("string \"still hereafter a NUL\""), "\(good.stdout)")
    }

    @Test("a taken name gives the next one; signals reach listeners; the bus going away ends nothing but the connection")
    func namesSignalsAndLoss() async throws {
        let daemon = try BusTestDaemon()
        let first = try SessionBus(address: daemon.address, names: ["org.hum.Test"]) { _ in .done }
        defer { first.stop() }
        let second = try SessionBus(address: daemon.address, names: ["org.hum.Test", "org.hum.Test.instance2"]) { _ in .done }
        defer { second.stop() }
        #expect(second.name == "org.hum.Test.instance2")
        #expect(throws: BusError.self) {
            try SessionBus(address: daemon.address, names: ["org.hum.Test"]) { _ in .done }
        }

        let monitor = try Spawned("dbus-monitor", ["--session", "type='signal',interface='org.hum.Test'"], environment: daemon.environment)
        defer { monitor.kill() }
        // dbus-monitor prints its own NameAcquired/NameLost once it is listening.
        #expect(await monitor.line(timeout: 10) { $0.contains("NameLost") } != nil, "dbus-monitor did not start: \(monitor.stderrText)")
        first.emit(path: "/org/hum/Test", interface: "org.hum.Test", member: "Changed", arguments: [.string("news"), .uint32(3)])
        #expect(await monitor.line(timeout: 10) { $0.contains("member=Changed") } != nil, "\(monitor.stdoutLines)")
        #expect(await monitor.line(timeout: 10) { $0.contains("string \"news\"") } != nil, "\(monitor.stdoutLines)")

        daemon.stop()
        // libdbus's default for a bus connection is exit(1) once the bus's "Disconnected" is dispatched:
        // the test process living on, sending, and stopping in good time is the proof that hum would too.
        try await Task.sleep(for: .milliseconds(300))
        first.emit(path: "/org/hum/Test", interface: "org.hum.Test", member: "Changed", arguments: [])
        let stopping = Date()
        first.stop()
        #expect(Date().timeIntervalSince(stopping) < 1, "stop waited for a thread that did not notice the bus had gone")
    }
}
