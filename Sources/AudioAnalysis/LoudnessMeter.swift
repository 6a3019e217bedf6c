import CEbur128

/// EBU R128 loudness (ITU-R BS.1770 K-weighting and gating) over libebur128 (MIT): integrated loudness and
/// loudness range, for interleaved Float PCM at its own rate and channel count.
///
/// Why the analysis measures here, before the downmix to mono 22 kHz: BS.1770 sums the channels' powers,
/// so a stereo track's loudness is not its mono downmix's (the sum of two correlated channels averages to
/// one channel's level, −3 dB against the two counted separately), and K-weighting is defined at the file's
/// rate. Measured on the original channels the figure is libebur128's, exactly.
///
/// Why a class rather than a struct: it owns libebur128's state, which must be destroyed exactly once.
/// Not `Sendable`: one thread feeds a meter.
public final class LoudnessMeter {
    public let sampleRate: Int
    public let channels: Int
    private var state: UnsafeMutablePointer<ebur128_state>?

    /// Channels are taken to be in WAV order, which is how hum's decoders deliver them
    /// (FL FR FC LFE BL BR SL SR): the LFE channel is left out and surrounds weigh +1.5 dB, as BS.1770 says.
    /// Mono counts as one channel.
    ///
    /// libebur128 keeps every gating block's energy (ten 400 ms blocks and one 3 s block a second), so the
    /// figures are exact, but only over the last `maximumHistory` seconds (30 minutes by default; nil keeps
    /// everything): that bounds the memory (under a megabyte) for a ten-hour file, whose figures are then
    /// those of its last half hour. (libebur128's histogram mode would bound it too, but rounds each block to a
    /// 0.1 dB bin, which moves the integrated figure by up to 0.05 LU.)
    /// An unsupported format (no channels, more than 64, or an impossible rate) measures nothing.
    public init(sampleRate: Int, channels: Int, maximumHistory: Double? = 1800) {
        self.sampleRate = sampleRate
        self.channels = channels
        guard channels >= 1, channels <= 64, sampleRate >= 16, sampleRate <= 2_822_400 else {
            state = nil
            return
        }
        let mode = EBUR128_MODE_I.rawValue | EBUR128_MODE_LRA.rawValue
        state = ebur128_init(UInt32(channels), UInt(sampleRate), Int32(bitPattern: mode))
        guard let state else { return }
        if let maximumHistory, maximumHistory.isFinite {
            _ = ebur128_set_max_history(state, UInt(max(3, maximumHistory) * 1000))
        }
        for (index, channel) in Self.channelMap(channels: channels).enumerated() {
            _ = ebur128_set_channel(state, UInt32(index), Int32(channel.rawValue))
        }
    }

    deinit {
        if state != nil { ebur128_destroy(&state) }
    }

    /// libebur128's channel roles for hum's WAV channel order.
    static func channelMap(channels: Int) -> [channel] {
        switch channels {
        case 1: [EBUR128_CENTER]
        case 2: [EBUR128_LEFT, EBUR128_RIGHT]
        case 3: [EBUR128_LEFT, EBUR128_RIGHT, EBUR128_CENTER]
        case 4: [EBUR128_LEFT, EBUR128_RIGHT, EBUR128_LEFT_SURROUND, EBUR128_RIGHT_SURROUND]
        case 5: [EBUR128_LEFT, EBUR128_RIGHT, EBUR128_CENTER, EBUR128_LEFT_SURROUND, EBUR128_RIGHT_SURROUND]
        case 6: [EBUR128_LEFT, EBUR128_RIGHT, EBUR128_CENTER, EBUR128_UNUSED, EBUR128_LEFT_SURROUND,
                 EBUR128_RIGHT_SURROUND]
        case 7: [EBUR128_LEFT, EBUR128_RIGHT, EBUR128_CENTER, EBUR128_UNUSED, EBUR128_Mp180, EBUR128_Mp090,
                 EBUR128_Mm090]
        case 8: [EBUR128_LEFT, EBUR128_RIGHT, EBUR128_CENTER, EBUR128_UNUSED, EBUR128_Mp135, EBUR128_Mm135,
                 EBUR128_Mp090, EBUR128_Mm090]
        default: [EBUR128_LEFT, EBUR128_RIGHT, EBUR128_CENTER, EBUR128_UNUSED, EBUR128_LEFT_SURROUND,
                  EBUR128_RIGHT_SURROUND] + Array(repeating: EBUR128_CENTER, count: channels - 6)
        }
    }

    /// Adds `frames` interleaved frames of `channels` samples.
    public func add(_ samples: UnsafePointer<Float>, frames: Int) {
        guard let state, frames > 0 else { return }
        _ = ebur128_add_frames_float(state, samples, frames)
    }

    /// Adds interleaved samples (a trailing partial frame is ignored).
    public func add(_ interleaved: [Float]) {
        interleaved.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            add(base, frames: buffer.count / max(1, channels))
        }
    }

    /// Integrated loudness, LUFS; nil for silence (nothing above the −70 LUFS absolute gate) or no input.
    public var integrated: Double? {
        guard let state else { return nil }
        var value = 0.0
        guard ebur128_loudness_global(state, &value) == EBUR128_SUCCESS.rawValue, value.isFinite,
              value > -70.5 else { return nil }
        return value
    }

    /// Loudness range, LU; 0 for silence or too little input (it needs several 3 s windows).
    public var range: Double {
        guard let state else { return 0 }
        var value = 0.0
        guard ebur128_loudness_range(state, &value) == EBUR128_SUCCESS.rawValue, value.isFinite else { return 0 }
        return max(0, value)
    }
}
