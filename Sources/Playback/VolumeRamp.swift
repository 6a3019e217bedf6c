import MusicCore

/// Applies the software volume to interleaved samples, gliding from the current gain to the target over
/// `Volume.rampSeconds` so that a change never makes a step (a click) in the waveform.
///
/// Pure arithmetic, no allocation: safe on the output thread.
struct VolumeRamp: Equatable {
    private(set) var current: Float

    init(gain: Float) { current = gain }

    /// Scales `frames` frames of `buffer` in place towards `target`.
    mutating func apply(_ buffer: UnsafeMutablePointer<Float>, frames: Int, channels: Int, sampleRate: Int,
                        target: Float) {
        var index = 0
        if current != target {
            let rampFrames = max(1, Int(Double(sampleRate) * Volume.rampSeconds))
            let step = (target - current) / Float(rampFrames)
            var frame = 0
            while frame < frames && current != target {
                current += step
                if (step > 0 && current > target) || (step < 0 && current < target) { current = target }
                for _ in 0..<channels { buffer[index] *= current; index += 1 }
                frame += 1
            }
        }
        // Steady state: full volume is left untouched (bit-exact); anything else is one multiply.
        guard current != 1 else { return }
        let end = frames * channels
        let gain = current
        while index < end { buffer[index] *= gain; index += 1 }
    }
}
