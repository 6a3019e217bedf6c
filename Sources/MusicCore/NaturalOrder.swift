/// Orders names the way people number files: "2 two" before "10 ten", case ignored.
///
/// Written out rather than using Foundation's `localizedStandardCompare`, which drags ICU's data
/// (tens of megabytes) into the binary and costs start-up time.
public enum NaturalOrder {
    public static func areInIncreasingOrder(_ a: String, _ b: String) -> Bool {
        let left = chunks(a), right = chunks(b)
        for (x, y) in zip(left, right) where x != y {
            switch (x, y) {
            case (.number(let m, let mText), .number(let n, let nText)):
                return m != n ? m < n : mText < nText
            case (.number, .text): return true
            case (.text, .number): return false
            case (.text(let s), .text(let t)): return s < t
            }
        }
        return left.count != right.count ? left.count < right.count : a < b
    }

    enum Chunk: Equatable {
        /// The value (saturating for absurdly long runs) and the digits, so "01" and "1" still differ.
        case number(UInt64, String)
        case text(String)
    }

    static func chunks(_ text: String) -> [Chunk] {
        var result: [Chunk] = []
        var current = ""
        var inNumber = false
        func flush() {
            guard !current.isEmpty else { return }
            if inNumber {
                let value = current.reduce(UInt64(0)) { total, digit in
                    let (times, overflow1) = total.multipliedReportingOverflow(by: 10)
                    let (sum, overflow2) = times.addingReportingOverflow(UInt64(digit.wholeNumberValue ?? 0))
                    return overflow1 || overflow2 ? .max : sum
                }
                result.append(.number(value, current))
            } else {
                result.append(.text(current.lowercased()))
            }
            current = ""
        }
        for character in text {
            let isDigit = character.isASCII && character.isNumber
            if isDigit != inNumber { flush(); inNumber = isDigit }
            current.append(character)
        }
        flush()
        return result
    }
}
