import Foundation

/// Everything measured on one analysis frame: the Hann-windowed power spectrum and, from it, the spectral
/// shape, the log-mel bands (for the MFCCs and the onset envelope), the MFCCs and the frame's chroma.
///
/// Why one object per track: the FFT plan, the window, the filter banks and every per-frame buffer are made
/// once here, so the frame loop allocates nothing. The results are left in the buffers it exposes (valid
/// until the next frame) and summed up by `FeatureExtractor`.
final class FrameAnalyzer {
    static let melBandCount = 40
    static let mfccCount = 13
    /// Bands of this many bins for the flatness (see `SpectralShape.flatness`).
    static let flatnessBandSize = 16
    /// The top of the mel bands and the flatness, Hz (or the Nyquist frequency, if lower): the decimation
    /// filter is flat to about 9 kHz; above 10 kHz lie its roll-off and what it lets alias.
    static let topHz = 10_000.0
    /// A frame quieter than this mean square (−90 dBFS) is silence: it adds to the onset envelope but not to
    /// the spectral statistics, whose shape would otherwise be noise-floor noise.
    static let silenceMeanSquare = 1e-9
    /// The floor of the log-mel bands, dB (a full-scale sine's bin is 0 dB).
    static let decibelFloor: Float = -100

    /// The frame length at an analysis rate: 2048 samples (93 ms at 22 kHz) from 16 kHz up, else 1024.
    static func frameSize(forRate rate: Int) -> Int { rate >= 16000 ? 2048 : 1024 }

    struct Measurements {
        var meanSquare: Double
        var audible: Bool
        var centroid: Double
        var rolloff: Double
        var flatness: Double
        var zeroCrossingRate: Double
    }

    let sampleRate: Int
    let frameSize: Int
    let hopSize: Int
    let binWidth: Double
    var binCount: Int { frameSize / 2 + 1 }

    /// The mel bands centred below `bassTopHz` (the first few): the onset envelope weighs their rise as much
    /// as all the others', so that a kick drum, which moves only these bands, counts like a snare, which moves
    /// most of them. Without it, a backbeat's snare alone sets the envelope's period, at half the tempo.
    let bassBandCount: Int
    static let bassTopHz = 200.0

    private let fft: RealFFT
    private let window: UnsafeMutablePointer<Float>
    private let windowed: UnsafeMutablePointer<Float>
    private let powerScale: Float
    private let melBank: MelFilterBank
    private let cepstrum: CepstrumTransform
    private let flatnessBins: Range<Int>
    private let chromaBins: Range<Int>
    /// The last frame's power spectrum (binCount values).
    let power: UnsafeMutablePointer<Float>
    /// The last frame's log-mel bands, dB (melBandCount values), computed for every frame.
    let logMel: UnsafeMutablePointer<Float>
    /// The last audible frame's MFCCs (mfccCount) and chroma (12 values).
    let mfcc: UnsafeMutablePointer<Float>
    let chroma: UnsafeMutablePointer<Float>

    init(sampleRate: Int) {
        self.sampleRate = sampleRate
        frameSize = Self.frameSize(forRate: sampleRate)
        hopSize = frameSize / 4
        binWidth = Double(sampleRate) / Double(frameSize)
        fft = RealFFT(size: frameSize)
        window = .allocate(capacity: frameSize)
        var windowSum = 0.0
        for index in 0..<frameSize {
            // Periodic Hann: overlap-adds to a constant at a quarter-frame hop.
            let value = 0.5 - 0.5 * cos(2 * Double.pi * Double(index) / Double(frameSize))
            window[index] = Float(value)
            windowSum += value
        }
        // A full-scale sine's peak bin then has power 1 (0 dB).
        powerScale = Float(4 / (windowSum * windowSum))
        windowed = .allocate(capacity: frameSize)
        power = .allocate(capacity: frameSize / 2 + 1)
        power.initialize(repeating: 0, count: frameSize / 2 + 1)
        let top = min(Self.topHz, Double(sampleRate) / 2)
        // 30 Hz up, or (at an absurdly low rate, where nothing here means much) from a quarter of the top.
        let melBank = MelFilterBank(bandCount: Self.melBandCount, fftSize: frameSize, sampleRate: sampleRate,
                                    lowHz: min(30, top / 4), highHz: top)
        self.melBank = melBank
        bassBandCount = max(1, (0..<Self.melBandCount).filter { melBank.centre(ofBand: $0) < Self.bassTopHz }.count)
        cepstrum = CepstrumTransform(inputCount: Self.melBandCount, outputCount: Self.mfccCount)
        let topBin = min(frameSize / 2, Int(top / binWidth))
        flatnessBins = 1..<max(1, topBin)
        chromaBins = Chroma.bins(binWidth: binWidth, binCount: frameSize / 2 + 1)
        logMel = .allocate(capacity: Self.melBandCount)
        logMel.initialize(repeating: Self.decibelFloor, count: Self.melBandCount)
        mfcc = .allocate(capacity: Self.mfccCount)
        mfcc.initialize(repeating: 0, count: Self.mfccCount)
        chroma = .allocate(capacity: 12)
        chroma.initialize(repeating: 0, count: 12)
    }

    deinit {
        window.deallocate()
        windowed.deallocate()
        power.deallocate()
        logMel.deallocate()
        mfcc.deallocate()
        chroma.deallocate()
    }

    /// Analyses `frameSize` samples starting at `frame`. The zero-crossing rate is over the first hop only,
    /// so that consecutive frames count each sample once.
    func analyze(_ frame: UnsafePointer<Float>) -> Measurements {
        let meanSquare = VectorMath.sumOfSquares(frame, count: frameSize) / Double(frameSize)
        for index in 0..<frameSize { windowed[index] = frame[index] * window[index] }
        fft.powerSpectrum(of: windowed, into: power, scale: powerScale)
        melBank.apply(power, into: logMel)
        for band in 0..<Self.melBandCount {
            logMel[band] = max(Self.decibelFloor, 10 * log10(max(logMel[band], 1e-12)))
        }
        let audible = meanSquare >= Self.silenceMeanSquare
        var measurements = Measurements(meanSquare: meanSquare, audible: audible, centroid: 0, rolloff: 0,
                                        flatness: 0, zeroCrossingRate: 0)
        guard audible else { return measurements }
        let spectrum = UnsafeBufferPointer(start: power, count: binCount)
        measurements.centroid = SpectralShape.centroid(power: spectrum, binWidth: binWidth)
        measurements.rolloff = SpectralShape.rolloff(power: spectrum, binWidth: binWidth)
        measurements.flatness = SpectralShape.flatness(power: spectrum, bins: flatnessBins,
                                                       bandSize: Self.flatnessBandSize)
        measurements.zeroCrossingRate = SpectralShape.zeroCrossingRate(UnsafeBufferPointer(start: frame,
                                                                                           count: hopSize))
        cepstrum.apply(logMel, into: mfcc)
        chroma.update(repeating: 0, count: 12)
        Chroma.accumulate(power: power, bins: chromaBins, binWidth: binWidth, into: chroma)
        return measurements
    }
}
