import AppCore
import AudioFiles
import FileOutputs
import Foundation
import MusicCore
import MusicLibrary
import Playback
import PulseOutput
import Screens
import SessionBus
import Synchronization
import TerminalNcurses
import TerminalUI

/// Where the interface's sound goes.
public enum InterfaceOutput: Sendable, Equatable {
    case pulse, null
    case wav(String)
}

public struct InterfaceOptions: Sendable {
    public var libraryPath: String
    public var output: InterfaceOutput
    public var configPath: String?
    public var privateSession: Bool
    public var environment: [String: String]

    public init(libraryPath: String, output: InterfaceOutput = .pulse, configPath: String? = nil, privateSession: Bool = false,
                environment: [String: String]) {
        self.libraryPath = libraryPath
        self.output = output
        self.configPath = configPath
        self.privateSession = privateSession
        self.environment = environment
    }
}

/// Messages for the UI thread from every other thread (engine events, finished work, signals): a list
/// behind a lock, and the wake pipe that gets the UI thread out of its wait.
final class Inbox: Sendable {
    private let messages = Mutex<[Message]>([])
    let wake: WakePipe

    init(wake: WakePipe) { self.wake = wake }

    func post(_ message: Message) {
        messages.withLock { $0.append(message) }
        wake.wake()
    }

    func drain() -> [Message] { messages.withLock { m in defer { m = [] }; return m } }

    /// `hum remote` clients' command lines (`RemoteServer`), answered by the UI thread.
    private let remoteRequests = Mutex<[RemoteRequest]>([])

    func post(_ request: RemoteRequest) {
        remoteRequests.withLock { $0.append(request) }
        wake.wake()
    }

    func drainRemote() -> [RemoteRequest] { remoteRequests.withLock { r in defer { r = [] }; return r } }
}

/// `hum` with no arguments: the full-screen interface. One thread (this one) owns the terminal and the
/// state; it sleeps in poll(2) until a key, a resize or a message arrives, so a paused hum uses no CPU.
public enum Interface {
    public static func run(_ options: InterfaceOptions) -> Int32 {
        // Before anything is opened or created: without a terminal there is nothing to show.
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            FileHandle.standardError.write(Data("hum: the interface needs a terminal; hum play plays without one (hum --help)\n".utf8))
            return 1
        }
        do {
            return try InterfaceSession(options).run()
        } catch {
            FileHandle.standardError.write(Data("hum: \(error)\n".utf8))
            return 1
        }
    }
}

/// Which library track each queue entry plays, shared with the engine-event thread.
final class EntryTracks: Sendable {
    let map = Mutex<[Int: Int64]>([:])
}

final class InterfaceSession {
    let options: InterfaceOptions
    let store: LibraryStore
    let inbox: Inbox
    let services: Services
    let engine: PlaybackEngine
    let log: ListeningLog
    let taste: TasteLearner
    let sync: SyncWorker
    /// Where the track playing was chosen from, for the listening log (set from the UI thread).
    let listenSource = ListenSourceBox()
    let config: InterfaceConfig
    let themes: ThemeLoader
    let sessionPath: String
    let settingsPath: String
    let filtersPath: String
    var settingOverrides: [String: String]
    var startupProblems: [String] = []
    /// Entry id → library track id, for the listening log.
    let entryTracks = EntryTracks()
    /// The engine's events, handled in order on a thread of their own (`startEventPump`).
    let eventPump = EventPump()
    var state: AppState
    var theme: Theme = .builtInDefault
    var terminal: NcursesTerminal?
    /// `hum remote`'s socket; nil when it could not be opened (the status bar said why).
    var remote: RemoteServer?
    /// hum as an MPRIS player on the session bus; nil when there is no bus, or `mpris` is off.
    var mediaBus: MediaPlayerBus?
    let statusProgram: StatusProgram
    /// What `status_program` was last told of (nil before the first turn of the loop).
    var reportedMoment: RemoteStatus.Moment?

    init(_ options: InterfaceOptions) throws {
        self.options = options
        // The wake pipe first: the quit signals write to it (`installSignals`, before ncurses starts: it takes
        // SIGINT/SIGTERM for itself when they are still at their defaults).
        let wake = try WakePipe()
        inbox = Inbox(wake: wake)
        do {
            store = try LibraryStore(path: options.libraryPath)
        } catch {
            throw ConfigError("cannot open the library \(options.libraryPath): \(error)")
        }
        services = Services(store: store, post: { [inbox] in inbox.post($0) })
        statusProgram = StatusProgram(onFailure: { [inbox] in inbox.post(.failure($0)) })
        let configPath = options.configPath ?? InterfaceConfig.defaultPath(environment: options.environment)
        config = InterfaceConfig.load(path: configPath)
        startupProblems += config.problems
        themes = ThemeLoader(userDirectory: InterfaceConfig.configDirectory(environment: options.environment) + "/themes",
                             cmusDirectories: ThemeLoader.cmusDirectories(environment: options.environment))
        let base = (options.libraryPath as NSString).deletingPathExtension
        sessionPath = base + "-session.json"
        settingsPath = base + "-settings.json"
        filtersPath = base + "-filters.json"
        settingOverrides = (try? JSONDecoder().decode([String: String].self,
                                                      from: Data(contentsOf: URL(fileURLWithPath: settingsPath)))) ?? [:]
        let collect = (try? store.collectsHistory()) ?? true
        log = ListeningLog(store: store, recordsHistory: collect && !options.privateSession,
                           onError: { [inbox] message in inbox.post(.failure(message)) })
        taste = TasteLearner(store: store, post: { [inbox] in inbox.post($0) })
        sync = SyncWorker(store: store, post: { [inbox] in inbox.post($0) },
                          priorsChanged: { [taste] in taste.sharedPriorsChanged() })
        let output: any AudioOutput
        var outputProblem: String?
        switch options.output {
        case .null: output = NullAudioOutput()
        case .wav(let path): output = WavFileOutput(path: path)
        case .pulse:
            do {
                let pulse = try PulseAudioOutput()
                try pulse.connect()
                output = pulse
            } catch {
                outputProblem = "no sound: cannot connect to PulseAudio (\(error)); hum plays silently"
                output = NullAudioOutput()
            }
        }
        if let outputProblem { startupProblems.append(outputProblem) }
        state = AppState(rows: 24, columns: 80)
        // ReplayGain is set from the settings once they are read (`run`).
        engine = PlaybackEngine(output: output, configuration: .init(), openDecoder: { item in
            if let codec = item.codec { return try AudioFileOpener.openDecoder(path: item.path, codec: codec) }
            return try AudioFileOpener.openDecoder(path: item.path)
        }, onEvent: { [eventPump] in eventPump.send($0) })
    }

    func value(_ key: String) -> String { settingOverrides[key] ?? config.value(key) }

    func run() throws -> Int32 {
        installSignals()
        let rows = try services.loadRows()
        let playlists = try services.playlistEntries()

        let terminal = try NcursesTerminal(options: .init(mouse: value("mouse") == "on", environment: options.environment))
        self.terminal = terminal
        NcursesTerminal.installCrashRestore()
        defer { terminal.restore() }
        state = AppState(rows: terminal.rows, columns: terminal.columns)
        state.homeDirectory = options.environment["HOME"]
        state.listDirectory = { Services.completionEntries($0) }
        state.browser.path = options.environment["HOME"] ?? "/"
        for binding in config.keys {
            do {
                try state.keyMap.bind(keyName: binding.key, commandLine: binding.command)
            } catch {
                startupProblems.append("config [keys] \(binding.key): \(error)")
            }
        }
        applyTheme(value("theme"), announce: false)
        _ = state.handle(.themesListed(themes.names))
        _ = state.handle(.settingsLoaded(settingEntries()))
        _ = state.handle(.privacyLoaded(collectHistory: value("collect_history") == "on"))
        state.privacy.privateSession = options.privateSession
        engine.setReplayGain(replayGainSettings())
        if let data = FileManager.default.contents(atPath: filtersPath),
           let filters = try? JSONDecoder().decode([String: String].self, from: data) {
            _ = state.handle(.savedFiltersLoaded(filters))
        }
        _ = state.handle(.playlistsLoaded(playlists))
        _ = state.handle(.libraryLoaded(rows))
        services.setLibrary(state.library, prepare: false) // prepared once the first frame is drawn
        if value("restore_session") == "on", let data = FileManager.default.contents(atPath: sessionPath),
           let session = try? JSONDecoder().decode(SavedSession.self, from: data) {
            execute(state.handle(.restore(session)))
        }
        startRemote()
        startMediaBus()
        if let problem = startupProblems.first { _ = state.handle(.failure(problem)) }
        startEventPump()
        configureTaste()
        taste.start(analyse: value("analyze_in_background") == "on")
        sync.start()

        var onlyTicked = false
        var firstFrame = true
        while !state.quitting {
            // Only the clock moved (the track's second changed): render, compare and draw the bar alone.
            let barDrawn = onlyTicked && Screen.renderNowPlaying(state, theme: theme).map {
                terminal.draw(rows: $0, from: Screen.nowPlayingRows(rows: state.rows).lowerBound, cursor: Screen.cursor(state))
            } == true
            if !barDrawn {
                let grid = Screen.render(state, theme: theme)
                if grid != terminal.lastGrid { terminal.draw(grid, cursor: Screen.cursor(state)) }
            }
            if firstFrame {
                firstFrame = false
                services.prepareOneLetterFilters()
                services.reloadListening()
            }
            var messages = Self.messages(terminal.wait(timeout: nil, wake: inbox.wake)) + inbox.drain()
            let filterBefore = state.filter.generation
            handle(messages)
            if NcursesTerminal.quitSignalsSeen > 0, !state.quitting { handle([.command(.quit)]) }
            for request in inbox.drainRemote() { answer(request) }
            reportStatusIfChanged()
            mediaBus?.update(MPRIS.Snapshot(state))
            // A filter these messages asked for usually answers within a few milliseconds, on the filter
            // thread. Drawing the prompt's new text at once would draw the screen twice for one key (the
            // text with "(…)", then the answer); wait for the answer up to `filterGrace`, handling whatever
            // arrives meanwhile (more keys), and draw once. A slower filter gets its "(…)" frame at the end
            // of the grace, as before.
            let graceEnds = Date().addingTimeInterval(Self.filterGrace)
            while state.filter.generation != filterBefore, state.filter.isPending, !state.quitting {
                let left = graceEnds.timeIntervalSinceNow
                guard left > 0 else { break }
                let more = Self.messages(terminal.wait(timeout: left, wake: inbox.wake)) + inbox.drain()
                handle(more)
                messages += more
            }
            onlyTicked = !messages.isEmpty && messages.allSatisfy {
                if case .player(.progressed) = $0 { true } else { false }
            }
            let source: ListenSource = state.player.smart && state.explainer.learns ? .smartShuffle
                : state.player.shuffle || state.player.smart ? .shuffle : .queue
            listenSource.value.withLock { $0 = source }
        }
        finish()
        let signal = NcursesTerminal.lastQuitSignal
        return signal == 0 ? 0 : 128 + signal
    }

    /// How long a frame waits for the answer of a filter it asked for (see `run`): about one frame of a
    /// 60 Hz display, short enough that typing never feels held back.
    static let filterGrace = 0.015
    /// How long after a listen ends its numbers are read again: the log's writer batches every 0.25 s.
    static let listeningReloadDelay = 1.0

    static func messages(_ events: [TerminalEvent]) -> [Message] {
        events.map { event in
            switch event {
            case .key(let key): .key(key)
            case .resized(let rows, let columns): .resized(rows: rows, columns: columns)
            }
        }
    }

    /// Hands `messages` to the state, in order, and carries out what it asks for.
    func handle(_ messages: [Message]) {
        for message in messages where !state.quitting {
            let effects = state.handle(message)
            // Filters run over the index the state just built (shared, not built again), before any
            // filter this message's effects ask for.
            if case .libraryLoaded = message { services.setLibrary(state.library) }
            execute(effects)
        }
    }

    // MARK: - Effects

    func execute(_ effects: [Effect]) {
        for effect in effects { execute(effect) }
    }

    func execute(_ effect: Effect) {
        switch effect {
        case .startPlayback(let entries, let position):
            engine.play(entries.map(playbackItem))
            if position > 0 { engine.seek(to: position) }
        case .setUpcoming(let entries): engine.replaceUpcoming(entries.map(playbackItem))
        case .loadLyrics(let entryID, let path): services.loadLyrics(entryID: entryID, path: path)
        case .transport(let action):
            switch action {
            case .pause: engine.pause()
            case .resume: engine.resume()
            case .stop: engine.stop()
            case .seek(let seconds, let relative): relative ? engine.seek(by: seconds) : engine.seek(to: seconds)
            case .volume(let percent, _): engine.setVolume(percent)
            }
        case .setReplayGain: engine.setReplayGain(replayGainSettings())
        case .runFilter(let generation, let expression): services.runFilter(generation: generation, expression)
        case .listDirectory(let path): services.listDirectory(path)
        case .scan(let path): services.scan(path)
        case .playFile(let path): services.play(path)
        case .queueFile(let path): services.play(path, replace: false)
        case .loadList(let path, let replace): services.loadList(path, replace: replace)
        case .saveList(let name, let tracks, let path):
            services.writePlaylistFile(name: name, tracks: tracks, path: path, relative: value("playlist_paths") == "relative")
        case .savePlaylist(let name, let ids):
            services.write("save playlist \(name)") { try $0.savePlaylist(name: name, trackIDs: ids) }
        case .createSmartPlaylist(let name, let filter):
            services.write("create playlist \(name)", { try $0.createSmartPlaylist(name: name, filter: filter) }, reloadAfter: true)
        case .renamePlaylist(let from, let to):
            services.write("rename playlist \(from)") { try $0.renamePlaylist(from: from, to: to) }
        case .deletePlaylist(let name):
            services.write("delete playlist \(name)") { try $0.deletePlaylist(name: name) }
        case .importPlaylist(let path, let name): services.importPlaylist(path, name: name)
        case .setOpinion(let opinion, let trackID):
            let value: TrackOpinion? = switch opinion {
            case .like: .like
            case .dislike: .dislike
            case .unlike: nil
            }
            if !log.setOpinion(value, trackID: trackID) { inbox.post(.failure("nothing is playing")) }
            taste.logChanged()
            services.reloadListening(after: Self.listeningReloadDelay)
        case .startRadio(let kind, let seed):
            taste.radio(kind, seed: seed)
        case .suggest(let previous, let excluded):
            taste.suggest(count: AppState.suggestionCount, after: previous, excluding: excluded, by: state.explainer)
        case .sendFeedback(let feedback, let trackID):
            let kind: ListeningEvent.Kind = switch feedback {
            case .moreLikeThis: .moreLikeThis
            case .lessLikeThis: .lessLikeThis
            case .notAtThisHour: .notAtThisHour
            }
            if log.recordFeedback(kind, trackID: trackID) {
                taste.logChanged()
            } else {
                inbox.post(.failure("history is off (private session or collect_history): nothing is learned"))
            }
        case .applyTheme(let name): applyTheme(name, announce: true)
        case .setSetting(let key, let value): changeSetting(key, value)
        case .setPrivateSession(let on):
            log.setRecordsHistory(!on && self.value("collect_history") == "on")
        case .setSync(let on, let server): sync.set(on: on, server: server)
        case .saveFilters(let filters):
            if let data = try? JSONEncoder().encode(filters), !FileManager.default.createFile(atPath: filtersPath, contents: data) {
                inbox.post(.failure("cannot write \(filtersPath): \(String(cString: strerror(errno)))"))
            }
        case .exportData:
            services.exportData(to: (options.environment["HOME"] ?? "/tmp") + "/hum-export")
        case .forgetAll: services.forgetAll()
        case .redraw: terminal?.invalidate()
        case .quit: break
        }
    }

    func playbackItem(_ entry: QueueEntry) -> PlaybackItem {
        entryTracks.map.withLock { $0[entry.id] = entry.track.id }
        let stored = try? store.track(id: entry.track.id)
        return PlaybackItem(id: entry.id, path: entry.track.path, title: entry.track.title,
                            artist: entry.track.artist.isEmpty ? nil : entry.track.artist,
                            replayGain: stored?.replayGain ?? ReplayGainInfo(), albumInOrder: albumInOrder(entry),
                            codec: nil)
    }

    /// Whether the entry plays as part of its album (a neighbour in the queue is the same album, in
    /// order): ReplayGain's auto mode then uses album gain.
    func albumInOrder(_ entry: QueueEntry) -> Bool {
        let entries = state.queue.entries
        guard !entry.track.album.isEmpty, let index = entries.firstIndex(where: { $0.id == entry.id }) else { return false }
        func sameAlbum(_ other: Int) -> Bool {
            entries.indices.contains(other) && entries[other].track.album == entry.track.album
                && entries[other].track.albumArtist == entry.track.albumArtist
        }
        return sameAlbum(index - 1) || sameAlbum(index + 1)
    }

    func replayGainSettings() -> ReplayGainSettings {
        InterfaceSetting.replayGain(value)
    }

    // MARK: - Settings and themes

    func settingEntries() -> [SettingEntry] {
        InterfaceSetting.all.map { setting in
            let choices = setting.key == "theme" ? themes.names : setting.choices
            return SettingEntry(key: setting.key, value: value(setting.key), summary: setting.summary, choices: choices)
        }
    }

    func changeSetting(_ key: String, _ raw: String) {
        switch InterfaceSetting.validate(key, raw) {
        case .failure(let error):
            inbox.post(.failure("\(error)"))
        case .success(let value):
            if key == "collect_history" {
                services.write("change collect_history") { try $0.changeSetting(.collectHistory, to: value) }
                log.setRecordsHistory(value == "on" && !state.privacy.privateSession)
            }
            settingOverrides[key] = value
            saveSettingOverrides()
            if key == "personalization" || key == "exploration" { configureTaste() }
            if InterfaceSetting.replayGainKeys.contains(key) { engine.setReplayGain(replayGainSettings()) }
        }
    }

    /// Switches to theme `name`. When it cannot be loaded, the theme in use stays (at start: the built-in
    /// default) and the reason is said on the status line.
    func applyTheme(_ name: String, announce: Bool) {
        let depth = terminal?.colorDepth ?? .ansi16
        switch themes.load(name) {
        case .success(let loaded):
            theme = loaded.adapted(to: depth)
            guard announce else { return }
            settingOverrides["theme"] = name
            saveSettingOverrides()
            _ = state.handle(.settingsLoaded(settingEntries()))
            _ = state.handle(.info("theme \(name)"))
        case .failure(let error):
            if announce {
                _ = state.handle(.failure("\(error); the theme stays as it was"))
            } else {
                theme = Theme.builtInDefault.adapted(to: depth)
                startupProblems.append("\(error); using the default theme")
            }
        }
    }

    func configureTaste() {
        taste.configure(personalization: value("personalization") == "on", exploration: Double(value("exploration")) ?? 1)
    }

    func saveSettingOverrides() {
        guard let data = try? JSONEncoder().encode(settingOverrides),
              FileManager.default.createFile(atPath: settingsPath, contents: data) else {
            return inbox.post(.failure("cannot write \(settingsPath): \(String(cString: strerror(errno)))"))
        }
    }

    // MARK: - Engine events

    /// Follows the engine: every event goes to the listening log, and what the screen shows to the UI
    /// thread. Progress is passed on once per second of the track (the clock shows seconds).
    func startEventPump() {
        let log = log, inbox = inbox, entryTracks = entryTracks, taste = taste, services = services
        let listenSource = listenSource
        let lastSecond = Mutex(-1)  // only touched on the pump's thread
        eventPump.start { event in
            log.handle(event, trackID: { item in entryTracks.map.withLock { $0[item.id] } }, context: { item in
                .init(source: item.albumInOrder ? .album : listenSource.value.withLock { $0 })
            })
            switch event {
            case .started(let item, _, let duration):
                lastSecond.withLock { $0 = 0 }
                inbox.post(.player(.started(entryID: item.id, duration: duration)))
            case .progressed(let item, let position, let duration):
                let second = Int(position)
                guard lastSecond.withLock({ last in defer { last = second }; return last != second }) else { return }
                inbox.post(.player(.progressed(entryID: item.id, position: position, duration: duration)))
            case .seeked(let item, _, let to):
                lastSecond.withLock { $0 = Int(to) }
                inbox.post(.player(.progressed(entryID: item.id, position: to, duration: nil)))
            case .paused(let item, let position): inbox.post(.player(.paused(entryID: item.id, position: position)))
            case .resumed(let item, let position): inbox.post(.player(.resumed(entryID: item.id, position: position)))
            case .stopped:
                inbox.post(.player(.stopped))
                services.reloadListening(after: Self.listeningReloadDelay)
            case .failed(let item, let message, _): inbox.post(.player(.failed(entryID: item.id, message: message)))
            case .queueFinished: inbox.post(.player(.queueFinished))
            case .outputLost(let message): inbox.post(.player(.outputLost(message)))
            case .outputRestored: inbox.post(.player(.outputRestored))
            case .outputFailed(let message): inbox.post(.player(.outputLost(message)))
            case .finished, .skipped:
                taste.logChanged()
                services.reloadListening(after: Self.listeningReloadDelay)
            }
        }
    }

    // MARK: - Remote control

    func startRemote() {
        let path = RemoteSocket.path(forLibrary: options.libraryPath, environment: options.environment)
        do {
            remote = try RemoteServer(path: path) { [inbox] in inbox.post($0) }
        } catch {
            startupProblems.append("hum remote is off: \(error)")
        }
    }

    /// Carries out one `hum remote` line as the `:` line would, and answers what the status bar would
    /// say of it; `status` answers the player's state instead.
    func answer(_ request: RemoteRequest) {
        let line = request.line.trimmingCharacters(in: .whitespaces)
        if line == "status" { return request.reply(RemoteStatus.lines(state) + ["ok"]) }
        let command: Command
        do {
            command = try request.command ?? CommandLineParser.parse(line)
        } catch {
            return request.reply(["error: \(error)"])
        }
        let message = state.message, confirmation = state.confirmation
        handle([.command(command)])
        // Before the answer: an MPRIS client asking right after it must see the change.
        mediaBus?.update(MPRIS.Snapshot(state))
        if let asked = state.confirmation, asked != confirmation {
            request.reply(["\(asked.question) (answer y or n in the interface)", "ok"])
        } else if let said = state.message, said != message {
            request.reply(said.isError ? ["error: \(said.text)"] : [said.text, "ok"])
        } else {
            request.reply(["ok"])
        }
    }

    /// Puts hum on the session bus as an MPRIS player, when there is a bus (`SessionBus.sessionAddress`)
    /// and `mpris` is on. A bus that is there but refuses is named on the status bar; no bus is no news.
    func startMediaBus() {
        guard value("mpris") == "on", let address = SessionBus.sessionAddress(environment: options.environment) else { return }
        do {
            mediaBus = try MediaPlayerBus(address: address, initial: MPRIS.Snapshot(state)) { [inbox] in inbox.post($0) }
        } catch {
            startupProblems.append("MPRIS is off: \(error)")
        }
    }

    // MARK: - status_program

    /// Tells `status_program` when a track starts, pauses, resumes or stops (not when the clock moves).
    func reportStatusIfChanged() {
        let moment = RemoteStatus.moment(state)
        guard moment != reportedMoment else { return }
        let first = reportedMoment == nil
        reportedMoment = moment
        // Starting up stopped is no change.
        if first && moment.status == .stopped { return }
        callStatusProgram(RemoteStatus.programArguments(state))
    }

    /// Runs the program when one is set, and never in a private session: whatever it does with what it is
    /// told (a scrobbler sends it away), a private session records nothing anywhere.
    func callStatusProgram(_ arguments: [String]) {
        var program = value("status_program")
        guard !program.isEmpty, !state.privacy.privateSession else { return }
        if program.hasPrefix("~/"), let home = options.environment["HOME"] { program = home + program.dropFirst() }
        statusProgram.report(program: program, arguments: arguments)
    }

    // MARK: - Quitting

    /// SIGPIPE off (a closed socket is an error return, not the end); SIGINT, SIGTERM and SIGHUP ask for
    /// a clean quit, through the wake pipe (`NcursesTerminal.watchQuitSignals`).
    func installSignals() {
        signal(SIGPIPE, SIG_IGN)
        NcursesTerminal.watchQuitSignals(wake: inbox.wake)
    }

    func finish() {
        remote?.stop()
        mediaBus?.stop()
        if let moment = reportedMoment, moment.status != .stopped { callStatusProgram(["status", "stopped"]) }
        statusProgram.finish(timeout: 2)
        if value("restore_session") == "on", let data = try? JSONEncoder().encode(state.savedSession()) {
            _ = FileManager.default.createFile(atPath: sessionPath, contents: data)
        }
        engine.stop()
        engine.shutdown()
        eventPump.drain(timeout: 3)
        log.close()
        taste.finish()
        sync.stop()
    }
}

/// Takes the engine's events on its threads and handles them in order on a thread of its own, which
/// sleeps when none come (a task consuming `PlaybackEngine.events` would start libdispatch's pool
/// monitor, a wake-up a second: see `SerialWorker`).
final class EventPump: Sendable {
    private let worker = SerialWorker(name: "hum-event-pump")
    private let handler = Mutex<(@Sendable (PlaybackEvent) -> Void)?>(nil)

    /// Called by the engine: queues `event` and returns.
    func send(_ event: PlaybackEvent) {
        worker.async { [self] in handler.withLock { $0 }?(event) }
    }

    /// Events from now on go to `body` (the engine sends none before the first play).
    func start(_ body: @escaping @Sendable (PlaybackEvent) -> Void) {
        handler.withLock { $0 = body }
    }

    /// Waits, up to `timeout` seconds, until the events sent so far are handled.
    func drain(timeout: Double) {
        let done = DispatchSemaphore(value: 0)
        worker.async { done.signal() }
        _ = done.wait(timeout: .now() + timeout)
    }
}

/// Where the track playing was chosen from: written by the UI thread, read by the event pump.
final class ListenSourceBox: Sendable {
    let value = Mutex(ListenSource.queue)
}
