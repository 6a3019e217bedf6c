/// The software volume: 0–100 % mapped to a linear factor.
///
/// The mapping is cubic, like PulseAudio's and mpv's, so that equal steps sound like equal steps:
/// 50 % is about −18 dB, not the barely quieter −6 dB a linear scale would give.
public enum Volume {
    public static let range = 0...100

    /// The linear factor for `percent` (clamped to 0–100). 100 % is exactly 1, so full volume is bit-exact.
    public static func linearGain(percent: Int) -> Float {
        let p = Float(min(max(percent, range.lowerBound), range.upperBound)) / 100
        return p * p * p
    }

    /// How long a volume change takes to reach its target: long enough that no step is heard as a click,
    /// short enough to feel immediate.
    public static let rampSeconds = 0.010
}
