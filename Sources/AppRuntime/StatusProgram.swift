import Foundation
import MusicCore
import Synchronization

/// `status_program`: a program of the listener's that hum runs whenever playback changes (a track
/// starts, pauses, resumes, stops), with the state as word pairs (`RemoteStatus.programArguments`), as
/// cmus runs its `status_display_program` — for desktop notifications, a status bar, a scrobbler.
///
/// It runs on a thread of its own, one at a time: a program that is slow or hangs holds up only later
/// reports, and of those only the newest is kept, so the interface never waits and nothing piles up.
/// Its standard input and output are /dev/null (it must not draw on the interface's terminal) and the
/// signals hum ignores are reset for it.
final class StatusProgram: Sendable {
    private let worker = SerialWorker(name: "hum.status-program")
    private let pending = Mutex<(program: String, arguments: [String])?>(nil)
    /// The program last reported as not runnable, so its failure is said once, not at every track.
    private let failedProgram = Mutex<String?>(nil)
    private let onFailure: @Sendable (String) -> Void

    init(onFailure: @escaping @Sendable (String) -> Void) {
        self.onFailure = onFailure
    }

    func report(program: String, arguments: [String]) {
        pending.withLock { $0 = (program, arguments) }
        worker.async { [self] in
            guard let job = pending.withLock({ p -> (program: String, arguments: [String])? in defer { p = nil }; return p }) else { return }
            switch Self.run(job.program, job.arguments) {
            case .success:
                failedProgram.withLock { $0 = nil }
            case .failure(let failure):
                let first = failedProgram.withLock { failed in
                    defer { failed = job.program }
                    return failed != job.program
                }
                if first { onFailure("status_program: cannot run \(job.program): \(failure.reason)") }
            }
        }
    }

    /// Waits up to `timeout` seconds for the reports made so far (at quit: the last "stopped" is run).
    func finish(timeout: Double) {
        let done = DispatchSemaphore(value: 0)
        worker.async { done.signal() }
        _ = done.wait(timeout: .now() + timeout)
    }

    struct Failure: Error { var reason: String }

    /// Runs `program` with `arguments` and waits for it.
    static func run(_ program: String, _ arguments: [String]) -> Result<Void, Failure> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, program, &actions, &attributes, argv, environ)
        guard status == 0 else { return .failure(Failure(reason: String(cString: strerror(status)))) }
        var exit: Int32 = 0
        while waitpid(pid, &exit, 0) < 0 && errno == EINTR {}
        return .success(())
    }
}
