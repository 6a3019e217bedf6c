import Foundation

/// Brings the mono signal from the decoder's rate down to the analysis rate, about 22 kHz, by an integer
/// factor behind a low-pass filter.
///
/// Why: every spectral measurement is then over the same band (0 to about 11 kHz, which holds nearly all of
/// music's spectral shape) whatever the file's rate, and the analysis costs half as much as at 44.1 kHz.
/// An integer factor needs no interpolation: the filter is evaluated only at every `factor`-th input sample.
///
/// The filter is a Kaiser-windowed sinc with its −6 dB point at the output's Nyquist frequency (for a factor
/// of 2 it is a half-band filter). Its transition band is allowed to fold onto itself: at 44.1 → 22.05 kHz the
/// passband is flat to about 9 kHz and what aliases lands only between 9 and 11 kHz, where music has
/// little energy and where no measurement looks closely. Sidelobes are about −70 dB.
final class Decimator {
    /// The rate the analysis aims for.
    static let targetRate = 22050

    /// The integer factor whose output rate is nearest 22050 Hz (ties to the smaller factor): 44.1 kHz → 2,
    /// 48 and 96 kHz → 2 and 4 (24 kHz), 22.05 kHz and below → 1 (unchanged).
    static func factor(forInputRate rate: Int) -> Int {
        guard rate > targetRate else { return 1 }
        let lower = max(1, rate / targetRate)
        let upper = lower + 1
        let lowerError = abs(Double(rate) / Double(lower) - Double(targetRate))
        let upperError = abs(Double(rate) / Double(upper) - Double(targetRate))
        return upperError < lowerError ? upper : lower
    }

    /// The filter's taps for a decimation `factor` ≥ 2: 24·factor + 1 of them, symmetric, summing to 1.
    static func lowPassTaps(factor: Int) -> [Float] {
        precondition(factor >= 2)
        let half = 12 * factor
        let beta = 7.0
        let normaliser = besselI0(beta)
        var taps = (-half...half).map { n -> Double in
            let x = Double(n) / Double(factor)
            let sinc = n == 0 ? 1 : sin(Double.pi * x) / (Double.pi * x)
            let ratio = Double(n) / Double(half)
            let window = besselI0(beta * (1 - ratio * ratio).squareRoot()) / normaliser
            return sinc * window
        }
        let sum = taps.reduce(0, +)
        taps = taps.map { $0 / sum }
        return taps.map { Float($0) }
    }

    /// The modified Bessel function of the first kind, order 0 (for the Kaiser window), by its power series.
    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0
        var term = 1.0
        let quarterSquare = x * x / 4
        for k in 1..<64 {
            term *= quarterSquare / Double(k * k)
            sum += term
            if term < sum * 1e-17 { break }
        }
        return sum
    }

    let factor: Int
    let inputRate: Int
    var outputRate: Int { inputRate / factor }

    /// The taps, zero-padded to a multiple of 8 for the SIMD dot product.
    private let taps: UnsafeMutablePointer<Float>
    private let paddedTapCount: Int
    /// Input history and the block being filtered.
    private let buffer: UnsafeMutablePointer<Float>
    private let bufferCapacity: Int
    private let maximumBlock: Int
    /// Samples in `buffer`, and where the next output's window starts.
    private var filled: Int
    private var nextWindow = 0

    /// `maximumBlock` bounds the `count` of each `process` call.
    init(inputRate: Int, maximumBlock: Int) {
        self.inputRate = inputRate
        self.maximumBlock = maximumBlock
        factor = Self.factor(forInputRate: inputRate)
        let coefficients = factor > 1 ? Self.lowPassTaps(factor: factor) : [1]
        paddedTapCount = (coefficients.count + 7) / 8 * 8
        taps = .allocate(capacity: paddedTapCount)
        taps.initialize(repeating: 0, count: paddedTapCount)
        for (index, value) in coefficients.enumerated() { taps[index] = value }
        bufferCapacity = paddedTapCount + maximumBlock + factor
        buffer = .allocate(capacity: bufferCapacity)
        buffer.initialize(repeating: 0, count: bufferCapacity)
        // Half the filter's length of leading zeros, so output m is centred on input sample m·factor.
        filled = factor > 1 ? (coefficients.count - 1) / 2 : 0
    }

    deinit {
        taps.deallocate()
        buffer.deallocate()
    }

    /// At most how many samples one `process` call of `count` inputs writes.
    func maximumOutput(forInput count: Int) -> Int { count / factor + 1 }

    /// Filters and decimates `count` (≤ `maximumBlock`) mono samples, writing the outputs to `output`;
    /// returns how many were written. State carries over between calls, so any chunking gives the same result.
    func process(_ input: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<Float>) -> Int {
        precondition(count <= maximumBlock)
        if factor == 1 {
            output.update(from: input, count: count)
            return count
        }
        // Keep only the history the next window needs, then append the block.
        if nextWindow > 0 {
            let keep = filled - nextWindow
            if keep > 0 { buffer.update(from: buffer + nextWindow, count: keep) }
            filled = max(0, keep)
            nextWindow = max(0, -keep)
        }
        (buffer + filled).update(from: input, count: count)
        filled += count
        var written = 0
        while nextWindow + paddedTapCount <= filled {
            output[written] = VectorMath.dot(buffer + nextWindow, taps, count: paddedTapCount)
            written += 1
            nextWindow += factor
        }
        return written
    }
}
