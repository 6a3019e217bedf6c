import ArgumentParser
import Foundation
import MusicLibrary
import SyncClient
import SyncProtocol
import SyncTransport

/// `hum sync`: opt-in sharing of noised reports. Off by default; off means no socket is ever opened.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Opt-in sync of noised, anonymous reports (off by default; docs/sync-protocol.md).",
        subcommands: [Enable.self, Disable.self, Status.self, Now.self],
        defaultSubcommand: Status.self)

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn sync on: shows what will be sent and the privacy budget.")
        @OptionGroup var library: LibraryOptions
        @Option(help: "The sync server, HOST:PORT.") var server: String
        @Option(help: "ε per rolling 24 hours (at most 2).") var dayCap: Double?
        @Option(help: "ε per rolling 30 days (at most 10).") var monthCap: Double?

        func run() throws {
            guard server.split(separator: ":").count == 2, Int(server.split(separator: ":")[1]) != nil else {
                printError("--server: expected HOST:PORT, got '\(server)'")
                throw ExitCode.validationFailure
            }
            let client = try SyncClient(store: try library.open())
            try client.enable(server: server, dayCap: dayCap, monthCap: monthCap)
            writeOut("""
                sync is on, to \(server). What will be sent, and nothing else:
                  skip-by-trait  one listen a day: its track's trait cell (energy × tempo × brightness, 64 cells),
                                 the part of the day (4) and skipped or not — noised on this machine (ε = 1)
                  like-by-trait  one liked track a week: its trait cell — noised (ε = 1)
                Each report carries no account, no install id, no track and only the day; see them with
                `hum privacy preview` and `hum privacy log`.
                \(budgetText(client.state.ledger))

                """)
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn sync off; unsent reports are deleted, nothing is sent.")
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let dropped = try SyncClient(store: try library.open()).disable()
            writeOut("sync is off; \(dropped) unsent report\(dropped == 1 ? "" : "s") deleted\n")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Whether sync is on, and what is waiting.")
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let store = try library.open()
            let client = try SyncClient(store: store)
            let outbox = try store.outbox()
            writeOut(client.state.enabled ? "sync is on, to \(client.state.server ?? "?")\n" : "sync is off: nothing leaves this machine\n")
            writeOut("\(outbox.filter { $0.sentAt == nil }.count) reports waiting, \(outbox.filter { $0.sentAt != nil }.count) sent\n")
            writeOut(budgetText(client.state.ledger) + "\n")
        }
    }

    struct Now: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the reports that are due and send every waiting one now, instead of at a random time of day.")
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let client = try SyncClient(store: try library.open())
            guard client.state.enabled else {
                writeOut("sync is off: nothing made, nothing sent\n")
                return
            }
            let now = Date().timeIntervalSince1970
            var random = SystemRandomNumberGenerator()
            for made in try client.makeDueReports(now: now, using: &random) {
                switch made {
                case .queued(let channel, _): writeOut("\(channel.rawValue): report made\n")
                case .notDue(let channel): writeOut("\(channel.rawValue): not due yet\n")
                case .nothingToSample(let channel): writeOut("\(channel.rawValue): nothing analysed to sample\n")
                case .overBudget(let channel, _): writeOut("\(channel.rawValue): over the privacy budget, dropped\n")
                }
            }
            let result = try client.sendDue(now: now, dueBy: now + 2 * 86_400, through: HTTPConnection.postJSON)
            writeOut("sent \(result.sent), refused \(result.refused), unreachable \(result.unreachable) (retried later), expired \(result.expired)\n")
            do {
                switch try client.fetchPriors(now: now, through: HTTPConnection.get) {
                case .updated(let version): writeOut("shared priors: version \(version) kept; the taste model starts from them\n")
                case .unchanged(let version): writeOut("shared priors: version \(version) is the latest\n")
                case .notPublished: writeOut("shared priors: none published yet\n")
                case .refused(let why): printError("shared priors refused: \(why)")
                case nil: break
                }
            } catch {
                writeOut("shared priors: the server is unreachable (\(error))\n")
            }
        }
    }
}

/// `hum privacy`: what sync made, sent and spent.
struct PrivacyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "See what sync sends: the next report's bytes, every report made, the privacy budget; delete remote reports.",
        subcommands: [Preview.self, Log.self, Budget.self, DeleteRemote.self],
        defaultSubcommand: Budget.self)

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the exact bytes of the next report to be sent.")
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let store = try library.open()
            guard let next = try store.outbox().filter({ $0.sentAt == nil }).min(by: { $0.dueAt < $1.dueAt }) else {
                let enabled = try SyncClient(store: store).state.enabled
                writeOut(enabled ? "no report is waiting; the next is made when its day comes (hum sync now makes it)\n"
                                 : "sync is off: no report will be made\n")
                return
            }
            writeOut(String(decoding: next.body, as: UTF8.self) + "\n")
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every report made: when, its state, its exact bytes.")
        @OptionGroup var library: LibraryOptions

        func run() throws {
            for entry in try library.open().outbox() {
                let state = entry.sentAt.map { "sent \(Self.time($0)) (\(entry.status ?? 0))" } ?? "waiting until \(Self.time(entry.dueAt))"
                writeOut("\(Self.time(entry.madeAt))  \(state)\n  \(String(decoding: entry.body, as: UTF8.self))\n")
            }
        }

        static func time(_ seconds: Double) -> String {
            let formatter = ISO8601DateFormatter()
            return formatter.string(from: Date(timeIntervalSince1970: seconds))
        }
    }

    struct Budget: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The privacy budget: ε spent and left, per 24 hours and 30 days.")
        @OptionGroup var library: LibraryOptions

        func run() throws {
            writeOut(budgetText(try SyncClient(store: try library.open()).state.ledger) + "\n")
        }
    }

    struct DeleteRemote: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete-remote", abstract: "Ask the sync server to delete every report this machine sent.")
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let client = try SyncClient(store: try library.open())
            do {
                let status = try client.deleteRemote(through: HTTPConnection.postJSON)
                writeOut(status == 200 ? "the server deleted this machine's reports that it still held\n"
                                       : "the server answered \(status)\n")
            } catch {
                printError("delete-remote: \(error)")
                throw ExitCode.failure
            }
        }
    }
}

func budgetText(_ ledger: PrivacyLedger) -> String {
    let now = Date().timeIntervalSince1970
    let day = ledger.spent(within: PrivacyLedger.dayWindow, at: now), month = ledger.spent(within: PrivacyLedger.monthWindow, at: now)
    return String(format: "privacy budget: ε %.2f of %.2f spent in the last 24 hours, %.2f of %.2f in the last 30 days",
                  day, ledger.dayCap, month, ledger.monthCap)
}
