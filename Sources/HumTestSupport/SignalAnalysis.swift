import Foundation

/// Measurements on recorded or decoded audio: level, pitch, silence. Plain and slow, for tests.
public enum SignalAnalysis {
    /// Root-mean-square level in dB relative to full scale (a full-scale sine is −3.01 dB).
    public static func rmsDB(_ samples: ArraySlice<Float>) -> Double {
        guard !samples.isEmpty else { return -.infinity }
        let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return 10 * log10(sum / Double(samples.count))
    }

    public static func rmsDB(_ samples: [Float]) -> Double { rmsDB(samples[...]) }

    public static func peak(_ samples: [Float]) -> Float { samples.reduce(0) { max($0, abs($1)) } }

    /// The strongest frequency in `samples`, found with a zero-padded FFT, a Hann window and parabolic
    /// interpolation between bins (accurate to a small fraction of a hertz on a steady tone).
    public static func dominantFrequency(_ samples: ArraySlice<Float>, sampleRate: Int, fftSize: Int = 1 << 16) -> Double {
        var size = 1
        while size < max(fftSize, samples.count) { size <<= 1 }
        var re = [Double](repeating: 0, count: size), im = [Double](repeating: 0, count: size)
        let n = samples.count
        for (i, sample) in samples.enumerated() {
            let window = 0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(max(n - 1, 1)))
            re[i] = Double(sample) * window
        }
        fft(&re, &im)
        var best = 1
        var magnitudes = [Double](repeating: 0, count: size / 2)
        for k in 1..<size / 2 {
            magnitudes[k] = (re[k] * re[k] + im[k] * im[k]).squareRoot()
            if magnitudes[k] > magnitudes[best] { best = k }
        }
        var offset = 0.0
        if best > 1 && best < size / 2 - 1 {
            let a = log(magnitudes[best - 1] + 1e-30), b = log(magnitudes[best] + 1e-30), c = log(magnitudes[best + 1] + 1e-30)
            offset = 0.5 * (a - c) / (a - 2 * b + c)
        }
        return (Double(best) + offset) * Double(sampleRate) / Double(size)
    }

    /// In-place radix-2 FFT; `re.count` must be a power of two.
    public static func fft(_ re: inout [Double], _ im: inout [Double]) {
        let n = re.count
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j ^= bit
            if i < j { re.swapAt(i, j); im.swapAt(i, j) }
        }
        var length = 2
        while length <= n {
            let angle = -2 * Double.pi / Double(length)
            let wRe = cos(angle), wIm = sin(angle)
            var start = 0
            while start < n {
                var curRe = 1.0, curIm = 0.0
                for k in 0..<length / 2 {
                    let a = start + k, b = a + length / 2
                    let tRe = re[b] * curRe - im[b] * curIm
                    let tIm = re[b] * curIm + im[b] * curRe
                    re[b] = re[a] - tRe; im[b] = im[a] - tIm
                    re[a] += tRe; im[a] += tIm
                    let nextRe = curRe * wRe - curIm * wIm
                    curIm = curRe * wIm + curIm * wRe
                    curRe = nextRe
                }
                start += length
            }
            length <<= 1
        }
    }

    /// The first index at or after `start` where at least `minimumRun` samples in a row are within
    /// `threshold` of zero (nil if there is none).
    public static func firstSilence(_ samples: [Float], from start: Int, threshold: Float, minimumRun: Int) -> Int? {
        var run = 0
        var index = max(start, 0)
        while index < samples.count {
            if abs(samples[index]) <= threshold {
                run += 1
                if run >= minimumRun { return index - run + 1 }
            } else {
                run = 0
            }
            index += 1
        }
        return nil
    }

    /// The first index at or after `start` whose sample is louder than `threshold`.
    public static func firstSound(_ samples: [Float], from start: Int, threshold: Float) -> Int? {
        var index = max(start, 0)
        while index < samples.count {
            if abs(samples[index]) > threshold { return index }
            index += 1
        }
        return nil
    }
}
