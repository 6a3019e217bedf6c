import Foundation
import MusicCore
import Testing
@testable import SyncProtocol

@Suite struct LedgerTests {
    /// Random schedules of report attempts, with restarts (the ledger through JSON and back) and a device
    /// clock that jumps backwards now and then, against the true time that only moves forward: in true
    /// time, no 24-hour window and no 30-day window ever holds more ε than the caps. (A clock set *forward*
    /// is believed: the device has no other time; see docs/sync-protocol.md.)
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func capsAreNeverExceededAcrossRestartsRandomSchedulesAndABackwardsClock(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let dayCap = [2.0, 1.5, 1.0][Int(seed % 3)], monthCap = [10.0, 6.0, 8.0][Int(seed % 3)]
        var ledger = PrivacyLedger(dayCap: dayCap, monthCap: monthCap)
        var trueTime = 1_800_000_000.0
        var clockOffset = 0.0
        var accepted: [(trueTime: Double, epsilon: Double)] = []
        for _ in 0..<3000 {
            trueTime += Double.random(in: 0...(6 * 3600), using: &random)
            switch Int.random(in: 0..<100, using: &random) {
            case 0: clockOffset -= Double.random(in: 0...(3 * 86_400), using: &random) // set back, up to 3 days
            case 1:
                let data = try JSONEncoder().encode(ledger)
                ledger = try JSONDecoder().decode(PrivacyLedger.self, from: data)
            default: break
            }
            let epsilon = [0.5, 1.0, 1.0, 2.0][Int.random(in: 0..<4, using: &random)]
            let channel = Channel.allCases.randomElement(using: &random)!
            if ledger.charge(epsilon, for: channel, at: trueTime + clockOffset) == .charged {
                accepted.append((trueTime, epsilon))
            }
        }
        #expect(accepted.count > 50, "the schedule should get reports through")
        for (index, charge) in accepted.enumerated() {
            let window = accepted[...index]
            let day = window.filter { $0.trueTime > charge.trueTime - PrivacyLedger.dayWindow }.reduce(0) { $0 + $1.epsilon }
            let month = window.filter { $0.trueTime > charge.trueTime - PrivacyLedger.monthWindow }.reduce(0) { $0 + $1.epsilon }
            #expect(day <= dayCap + 1e-9, "24 h ε \(day) at charge \(index)")
            #expect(month <= monthCap + 1e-9, "30 d ε \(month) at charge \(index)")
        }
    }

    @Test func aReportOverTheCapIsDroppedAndTheWindowsRefillInTime() {
        var ledger = PrivacyLedger()
        let start = 1_800_000_000.0
        #expect(ledger.charge(1, for: .skipByTrait, at: start) == .charged)
        #expect(ledger.charge(1, for: .likeByTrait, at: start + 60) == .charged)
        #expect(ledger.charge(1, for: .skipByTrait, at: start + 120) == .overDayCap(spent: 2))
        // Setting the clock back a week does not bring the budget back.
        #expect(ledger.charge(1, for: .skipByTrait, at: start - 7 * 86_400) == .overDayCap(spent: 2))
        #expect(ledger.remaining(at: start - 7 * 86_400).day == 0)
        // A day later (by the clock seen), the day has room again; the month keeps counting.
        #expect(ledger.charge(1, for: .skipByTrait, at: start + 86_400 + 1) == .charged)
        #expect(ledger.spent(within: PrivacyLedger.monthWindow, at: start + 86_400 + 1) == 3)
        var month = PrivacyLedger(dayCap: 2, monthCap: 3)
        for day in 0..<3 { #expect(month.charge(1, for: .skipByTrait, at: start + Double(day) * 86_400) == .charged) }
        #expect(month.charge(1, for: .skipByTrait, at: start + 3 * 86_400) == .overMonthCap(spent: 3))
        #expect(month.charge(1, for: .skipByTrait, at: start + 30 * 86_400 + 1) == .charged)
    }

    @Test func capsCanBeLoweredButNotRaised() {
        let ledger = PrivacyLedger(dayCap: 5, monthCap: 50)
        #expect(ledger.dayCap == 2 && ledger.monthCap == 10)
        var lower = PrivacyLedger(dayCap: 0.5, monthCap: 3)
        #expect(lower.charge(1, for: .skipByTrait, at: 0) == .overDayCap(spent: 0))
        lower.setCaps(day: .infinity, month: -1)
        #expect(lower.dayCap == 2 && lower.monthCap == 0)
    }
}

@Suite struct ReportTests {
    let today = Day("2026-12-02")!

    func report(day: Day? = nil, value: Int = 2, id: String = String(repeating: "ab", count: 16)) -> Report {
        Report(channel: .skipByTrait, params: 1, id: id, day: day ?? today,
               hashedValue: HashedValue(seed: 0x0123_4567_89ab_cdef, hashed: value), deleteHash: String(repeating: "0", count: 64))
    }

    @Test func aReportIsTheSameBytesEveryTimeAndRoundTrips() throws {
        let bytes = report().encoded()
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"channel":"skip-by-trait","day":"2026-12-02","delete_hash":"0000000000000000000000000000000000000000000000000000000000000000","id":"abababababababababababababababab","params":1,"seed":"0123456789abcdef","v":1,"value":2}"#)
        #expect(try JSONDecoder().decode(Report.self, from: bytes) == report())
        #expect(report().hashedValue == HashedValue(seed: 0x0123_4567_89ab_cdef, hashed: 2))
    }

    @Test func validationRefusesWhatTheProtocolDoesNotAllow() {
        let parameters = SyncParameters.current
        #expect(report().problem(parameters: parameters, today: today) == nil)
        #expect(report(day: Day(number: today.number - 2)).problem(parameters: parameters, today: today) == nil)
        #expect(report(day: Day(number: today.number - 3)).problem(parameters: parameters, today: today)
            == .dayOutOfWindow(Day(number: today.number - 3)))
        #expect(report(day: Day(number: today.number + 1)).problem(parameters: parameters, today: today)
            == .dayOutOfWindow(Day(number: today.number + 1)))
        #expect(report(value: 4).problem(parameters: parameters, today: today) == .valueOutOfRange(4))
        #expect(report(id: "XYZ").problem(parameters: parameters, today: today) == .malformedID)
        var stale = report()
        stale.params = 9
        #expect(stale.problem(parameters: parameters, today: today) == .unknownParameters(channel: .skipByTrait, version: 9))
        var badSeed = report()
        badSeed.seed = "12"
        #expect(badSeed.problem(parameters: parameters, today: today) == .malformedSeed)
    }

    @Test func daysAreStrictCalendarDates() {
        #expect(Day("2024-02-29")?.description == "2024-02-29")
        #expect(Day("2023-02-29") == nil)
        #expect(Day("2026-13-01") == nil)
        #expect(Day("2026-1-01") == nil)
        #expect(Day("٢٠٢٦-١٢-٠٢") == nil)
        #expect(Day(unixTime: 0).description == "1970-01-01")
        #expect(Day(unixTime: 1_796_169_600).description == "2026-12-02")
        for number in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(Day(Day(number: number).description)?.number == number || number < -719_162)
        }
    }

    @Test func traitCellsAndBucketsCoverTheirDomains() {
        #expect(Set((0..<512).map { SkipBucket(index: $0).index }) == Set(0..<512))
        #expect(TraitCell(energy: 0, tempo: 0, brightness: 0).index == 0)
        #expect(TraitCell(energy: 1, tempo: 1, brightness: 1).index == 63)
        #expect(TraitCell(energy: .nan, tempo: 2, brightness: -1).description == "calm, fast, dark")
        #expect(DayPart(hour: 23) == .evening && DayPart(hour: 0) == .night)
    }
}

@Suite struct DigestTests {
    @Test func sha256MatchesTheStandardVectors() {
        #expect(SHA256Digest.hex(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Digest.hex(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Digest.hex(of: Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256Digest.hex(of: Data(repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
