import CKissFFT

/// A forward FFT of real frames of one fixed size, over KISS FFT's `kiss_fftr` (BSD), returning the power
/// spectrum.
///
/// Why a class: it owns KISS FFT's plan and the complex output, allocated once, so that analysing a frame
/// allocates nothing. The plan's memory is ours (`kiss_fftr_alloc` is asked how much it needs, then given
/// it), so it is released with the class, not through a `free` macro Swift cannot see.
final class RealFFT {
    let size: Int
    private let planMemory: UnsafeMutableRawPointer
    private let plan: kiss_fftr_cfg
    private let spectrum: UnsafeMutablePointer<kiss_fft_cpx>

    /// `size` must be even (KISS FFT's real transform requires it); powers of two are fastest.
    init(size: Int) {
        precondition(size >= 2 && size % 2 == 0, "kiss_fftr needs an even size")
        self.size = size
        var length = 0
        _ = kiss_fftr_alloc(Int32(size), 0, nil, &length)
        planMemory = .allocate(byteCount: max(length, 1), alignment: 16)
        guard let plan = kiss_fftr_alloc(Int32(size), 0, planMemory, &length) else {
            fatalError("kiss_fftr_alloc refused size \(size)")
        }
        self.plan = plan
        spectrum = .allocate(capacity: size / 2 + 1)
        spectrum.initialize(repeating: kiss_fft_cpx(r: 0, i: 0), count: size / 2 + 1)
    }

    deinit {
        planMemory.deallocate()
        spectrum.deallocate()
    }

    /// |X_k|² · `scale` for k in 0…size/2 into `power` (size/2 + 1 values), from `size` real samples.
    func powerSpectrum(of input: UnsafePointer<Float>, into power: UnsafeMutablePointer<Float>, scale: Float) {
        kiss_fftr(plan, input, spectrum)
        for bin in 0...(size / 2) {
            let value = spectrum[bin]
            power[bin] = (value.r * value.r + value.i * value.i) * scale
        }
    }
}
