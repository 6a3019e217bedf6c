import Foundation
import HumTestSupport
import Testing

/// Whether `pid` is gone or a zombie (a program whose tmux server died is reaped by init, in its own time).
private func hasEnded(_ pid: pid_t) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return true }
    return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
}

@Suite("TmuxSession: a program in a terminal of its own")
struct TmuxSessionTests {
    @Test("The program gets exactly the given environment, size and folder")
    func environmentSizeAndFolder() async throws {
        let screen = try await offPool {
            let session = try TmuxSession(["sh", "-c", #"stty size; echo "$LANG|$TERM|$X|${TMUX-none}"; pwd; exec cat"#],
                                          rows: 12, columns: 50, environment: ["X": "given"], workingDirectory: "/tmp")
            defer { session.kill() }
            return try session.waitFor { $0.contains("\n/tmp\n") }.screen
        }
        let terminal = TmuxSession.defaultEnvironment()["TERM"] ?? ""
        // TMUX, which tmux sets for every pane, shows that nothing else of the environment comes through.
        #expect(screen.split(separator: "\n").prefix(3) == ["12 50", "C.UTF-8|\(terminal)|given|none", "/tmp"])
    }

    @Test("Text and keys reach the program, and measure times its echo")
    func keysAndText() async throws {
        let (seconds, exited, pidWhileRunning, pidAfter) = try await offPool {
            let session = try TmuxSession(["cat"], rows: 10, columns: 40)
            defer { session.kill() }
            let pid = session.panePID()
            // The terminal echoes the line, then cat prints it: "Enter" typed as text, then the key.
            let seconds = try session.measure(after: {
                try session.type("one Enter")
                try session.send(keys: ["Enter"])
            }, until: { $0.components(separatedBy: "one Enter").count == 3 })
            try session.send(keys: ["C-d"])
            try session.waitFor { _ in session.isDead }
            return (seconds, session.isDead, pid, session.panePID())
        }
        #expect(seconds > 0 && seconds < 10)
        #expect(exited)
        #expect(pidWhileRunning != nil)
        #expect(pidAfter == nil)
    }

    @Test("A wait that times out says so, with the last screen; one for an exited program ends at once")
    func timeouts() async throws {
        let (timedOut, exited, exitWait) = try await offPool {
            let session = try TmuxSession(["sh", "-c", "echo marker; read line; sleep 0.3"], rows: 5, columns: 30)
            defer { session.kill() }
            try session.waitFor { $0.contains("marker") }
            var timedOut = ""
            do { try session.waitFor(timeout: 0.3) { $0.contains("never") } } catch { timedOut = "\(error)" }
            try session.send(keys: ["Enter"])
            let start = Date()
            var exited = ""
            do { try session.waitFor(timeout: 60) { $0.contains("never") } } catch { exited = "\(error)" }
            return (timedOut, exited, Date().timeIntervalSince(start))
        }
        #expect(timedOut.contains("in 0.3 s") && timedOut.contains("marker"))
        // tmux clears the pane of an exited program: the error shows the last screen seen while it ran.
        #expect(exited.contains("exited") && exited.contains("marker"))
        // Ended by the exit, not by the 60 s timeout. (A bound of 5 s against a 10 s timeout failed once
        // at 5.8 s under the full parallel run: one tmux call can take seconds on a loaded machine.)
        #expect(exitWait < 30)
    }

    @Test("Screens compare by what they show: a colour change at the end of a row or the start of the next is the same screen")
    func screensCompareShown() {
        func screen(_ text: String, cursor: Int = 0) -> TmuxSession.Screen { .init(text: text, cursorRow: cursor, cursorColumn: 0) }
        // As `hum-bench ui` once captured one screen twice: where tmux put the return to the default colour.
        let before = screen("a \u{1B}[90m│\n\u{1B}[39mb \u{1B}[90m│\n")
        let after = screen("a \u{1B}[90m│\u{1B}[39m\nb \u{1B}[90m│\u{1B}[39m\n")
        #expect(before == after)
        #expect(screen("\u{1B}[1m\u{1B}[97m\u{1B}[44mx\u{1B}[0m") == screen("\u{1B}[44;97;1mx"), "one sequence or three, reset or not")
        #expect(screen("\u{1B}[38;5;208mx\u{1B}[39my") == screen("\u{1B}[38;5;208mx\u{1B}[0my"))
        // What differs to the eye differs.
        #expect(before != screen("a \u{1B}[91m│\n\u{1B}[39mb \u{1B}[90m│\n"), "another colour")
        #expect(before != screen("a \u{1B}[90m│\n\u{1B}[39mb \u{1B}[90m│\n", cursor: 1), "the cursor elsewhere")
        #expect(screen("\u{1B}[7mx") != screen("x"), "reverse video")
        #expect(screen("\u{1B}[38;5;208mx") != screen("\u{1B}[38;5;209mx"))
    }

    @Test("Resizing gives the program the new size")
    func resizing() async throws {
        let (screen, rows, columns) = try await offPool {
            let session = try TmuxSession(["sh", "-c", #"trap "stty size" WINCH; echo ready; while :; do sleep 0.05; done"#],
                                          rows: 10, columns: 40)
            defer { session.kill() }
            try session.waitFor { $0.contains("ready") }
            try session.resize(rows: 20, columns: 70)
            return (try session.waitFor { $0.contains("20 70") }.screen, session.rows, session.columns)
        }
        #expect(screen.contains("20 70"))
        #expect(rows == 20 && columns == 70)
    }

    @Test("Stable screens, the cursor, colours and /proc figures")
    func screenAndFigures() async throws {
        let (settled, colored, rss, cpu) = try await offPool {
            let session = try TmuxSession(["sh", "-c", #"printf 'plain \033[7mreversed\033[0m'; exec cat"#],
                                          rows: 5, columns: 30)
            defer { session.kill() }
            let settled = try session.waitUntilScreenStable(for: 0.1).screen
            return (settled, try session.capture(colors: true), session.peakRSSKiB(), session.cpuSeconds())
        }
        #expect(settled.text.hasPrefix("plain reversed\n"))
        #expect(settled.cursorRow == 0 && settled.cursorColumn == 14)
        #expect(colored.contains("\u{1B}[7mreversed"))
        #expect((rss ?? 0) > 0)
        #expect(cpu != nil)
    }

    @Test("kill ends the program with its server")
    func killing() async throws {
        let (pid, dead) = try await offPool {
            let session = try TmuxSession(["sleep", "100"], rows: 5, columns: 20)
            let pid = session.panePID()
            session.kill()
            session.kill()
            return (pid, session.isDead)
        }
        let program = try #require(pid)
        #expect(hasEnded(program))
        #expect(dead)
    }
}

@Suite("cmus's UI measured through tmux", .enabled(if: GeneratedLibrary.tools != nil, "../shared/tools not found"))
struct CmusInteractiveTests {
    @Test("Launch, search, live filter, scroll, memory and idle CPU on a small library", .timeLimit(.minutes(3)))
    func measuresCmus() async throws {
        let library = try await GeneratedLibrary.make(count: 300, seed: 5)
        let work = Fixtures.scratchDirectory("cmus-ui")
        let (tracks, launch, result) = try await offPool {
            let home = try CmusInteractive.prepareLibrary(folder: library, workDirectory: work)
            let launch = try CmusInteractive.launchToFirstFrame(home: home)
            let result = try CmusInteractive.measure(home: home, query: "love ", scrollRows: 100, idleSeconds: 0.5)
            return (home.tracks, launch, result)
        }
        #expect(tracks == 300)
        #expect(launch > 0 && launch < 30)
        #expect(result.searchLatencies.count == 5)
        #expect(result.searchLatencies.allSatisfy { $0 > 0 && $0 < 10 })
        #expect(result.liveFilterLatencies.count == 5)
        #expect(result.liveFilterLatencies.allSatisfy { $0 > 0 && $0 < 10 })
        // Each character narrows cmus's list or keeps it (the trailing space changes nothing), and the
        // filter does narrow: "love" is in some of the generated titles, not all.
        let counts = result.liveFilterCounts
        #expect(counts.count == 5 && counts.allSatisfy { $0 >= 0 && $0 <= 300 })
        #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(counts.last.map { $0 > 0 && $0 < 300 } ?? false, "\(counts)")
        #expect(result.scrollSeconds > 0 && result.scrollSeconds < 60)
        #expect((result.peakRSSKiB ?? 0) > 1000)
        #expect((result.idleCPUSeconds ?? 1) < 0.5)
    }
}

@Suite("TmuxControl: keys through a control client, answers timed to the program's output")
struct TmuxControlTests {
    @Test("A key's echo is timed to its output, a later answer to the later output, and the window keeps its size")
    func timesTheOutput() async throws {
        let (echo, answer, size) = try await offPool {
            // Echo off and one line read: the answer comes 300 ms after the key, whenever the captures run.
            let session = try TmuxSession(["sh", "-c", "stty -echo; IFS= read -r line; sleep 0.3; echo \"got $line\"; exec cat"],
                                          rows: 10, columns: 40)
            defer { session.kill() }
            let control = try TmuxControl(session)
            defer { control.close() }
            let answer = try control.measure(send: { try control.type("abc\r") }, until: { $0.text.contains("got abc") })
            // The terminal's echo stays off: what shows is cat's copy of the line.
            let echo = try control.measure(send: { try control.type("xyz\r") }, until: { $0.text.contains("xyz") })
            return (echo, answer, try session.paneFormat("#{window_width}x#{window_height}"))
        }
        #expect(answer >= 0.3 && answer < 3, "\(answer) s")
        #expect(echo > 0 && echo < 0.3, "\(echo) s")
        #expect(size == "40x10", "a control client must not resize the window")
    }

    @Test("Key names go through; anything else is refused before it reaches tmux")
    func keyNames() async throws {
        let screen = try await offPool {
            let session = try TmuxSession(["cat"], rows: 10, columns: 40)
            defer { session.kill() }
            let control = try TmuxControl(session)
            defer { control.close() }
            #expect(throws: TmuxControl.Failure.self) { try control.send(keys: ["Enter; kill-server"]) }
            try control.type("ok")
            try control.send(keys: ["Enter"])
            return try session.waitFor { $0.components(separatedBy: "ok").count == 3 }.screen
        }
        #expect(screen.hasPrefix("ok\nok"))
    }
}
