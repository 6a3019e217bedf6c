import Foundation

/// Triangular mel-spaced bands over a power spectrum, stored sparsely (each band's first bin and its run
/// of weights), and the DCT that turns their logarithms into MFCCs.
///
/// Why sparse: a band covers a few to a few dozen of the 1025 bins; a dense 40 × 1025 matrix would spend
/// 97% of its multiplications on zeros. Each band's weights sum to 1, so a band's value is the weighted mean
/// power of its bins: a flat spectrum gives equal bands whatever their width, which keeps the log-mel
/// spectrum (and the onset envelope built from it) from being dominated by the wide treble bands.
struct MelFilterBank {
    let bandCount: Int
    /// Band b covers bins `starts[b] ..< starts[b] + lengths[b]` with `weights[offsets[b] ..< offsets[b] + lengths[b]]`.
    private let starts: [Int]
    private let lengths: [Int]
    private let offsets: [Int]
    private let weights: [Float]
    private let centres: [Double]

    /// HTK mel scale: 2595·log10(1 + f/700).
    static func mel(fromHz hz: Double) -> Double { 2595 * log10(1 + hz / 700) }
    static func hz(fromMel mel: Double) -> Double { 700 * (pow(10, mel / 2595) - 1) }

    /// `bandCount` triangles with centres equally spaced in mel from `lowHz` to `highHz`, for an FFT of
    /// `fftSize` at `sampleRate`. A band narrower than a bin (possible only at the bottom) gets the one bin
    /// nearest its centre, so no band is ever empty.
    init(bandCount: Int, fftSize: Int, sampleRate: Int, lowHz: Double, highHz: Double) {
        precondition(bandCount > 0 && highHz > lowHz)
        self.bandCount = bandCount
        let binWidth = Double(sampleRate) / Double(fftSize)
        let binCount = fftSize / 2 + 1
        let lowMel = Self.mel(fromHz: lowHz)
        let highMel = Self.mel(fromHz: highHz)
        let edges = (0...(bandCount + 1)).map { index in
            Self.hz(fromMel: lowMel + (highMel - lowMel) * Double(index) / Double(bandCount + 1))
        }
        var starts: [Int] = []
        var lengths: [Int] = []
        var offsets: [Int] = []
        var weights: [Float] = []
        for band in 0..<bandCount {
            let (lower, centre, upper) = (edges[band], edges[band + 1], edges[band + 2])
            var run: [Double] = []
            var first = -1
            for bin in 1..<binCount {
                let frequency = Double(bin) * binWidth
                guard frequency > lower && frequency < upper else { continue }
                let weight = frequency <= centre
                    ? (frequency - lower) / (centre - lower) : (upper - frequency) / (upper - centre)
                if first < 0 { first = bin }
                run.append(weight)
            }
            if run.isEmpty {
                first = min(binCount - 1, max(1, Int((centre / binWidth).rounded())))
                run = [1]
            }
            let total = run.reduce(0, +)
            starts.append(first)
            lengths.append(run.count)
            offsets.append(weights.count)
            weights += run.map { Float($0 / total) }
        }
        self.starts = starts
        self.lengths = lengths
        self.offsets = offsets
        self.weights = weights
        centres = (0..<bandCount).map { edges[$0 + 1] }
    }

    /// Band values from a power spectrum (`fftSize/2 + 1` bins) into `bands` (`bandCount` values).
    func apply(_ power: UnsafePointer<Float>, into bands: UnsafeMutablePointer<Float>) {
        weights.withUnsafeBufferPointer { weights in
            for band in 0..<bandCount {
                bands[band] = VectorMath.dot(power + starts[band], weights.baseAddress! + offsets[band],
                                             count: lengths[band])
            }
        }
    }

    /// Band `band`'s centre frequency, Hz.
    func centre(ofBand band: Int) -> Double { centres[band] }

    /// The bins band `band` covers (for tests).
    func bins(ofBand band: Int) -> Range<Int> { starts[band]..<(starts[band] + lengths[band]) }
}

/// The orthonormal DCT-II of a log-mel spectrum, first `count` coefficients: the MFCCs.
///
/// The log is in decibels (10·log10 of the band power, floored at −100 dB), so the first coefficient
/// tracks level and the others the spectral envelope's shape, the usual timbre summary.
struct CepstrumTransform {
    let inputCount: Int
    let outputCount: Int
    private let matrix: [Float]

    init(inputCount: Int, outputCount: Int) {
        self.inputCount = inputCount
        self.outputCount = outputCount
        var matrix: [Float] = []
        matrix.reserveCapacity(inputCount * outputCount)
        for coefficient in 0..<outputCount {
            let scale = coefficient == 0 ? (1 / Double(inputCount)).squareRoot() : (2 / Double(inputCount)).squareRoot()
            for band in 0..<inputCount {
                matrix.append(Float(scale * cos(Double.pi * Double(coefficient) * (Double(band) + 0.5) / Double(inputCount))))
            }
        }
        self.matrix = matrix
    }

    func apply(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        matrix.withUnsafeBufferPointer { matrix in
            for coefficient in 0..<outputCount {
                output[coefficient] = VectorMath.dot(matrix.baseAddress! + coefficient * inputCount, input,
                                                     count: inputCount)
            }
        }
    }
}
