/// Channel layouts: hum hands every output channels in WAV order (FL FR FC LFE BL BR SL SR).
public enum ChannelOrder {
    /// Vorbis I §4.3.9 order (also Opus's, RFC 7845 §5.1.1.2) → WAV order, for 3 to 8 channels:
    /// `table[i]` is the source channel that becomes WAV channel i; nil when the orders agree.
    /// Vorbis: 3 = L C R; 5 = FL C FR RL RR; 6 = FL C FR RL RR LFE; 7 = FL C FR SL SR RC LFE;
    /// 8 = FL C FR SL SR RL RR LFE.
    public static func vorbisToWAV(channels: Int) -> [Int]? {
        switch channels {
        case 3: [0, 2, 1]
        case 5: [0, 2, 1, 3, 4]
        case 6: [0, 2, 1, 5, 3, 4]
        case 7: [0, 2, 1, 6, 5, 3, 4]
        case 8: [0, 2, 1, 7, 5, 6, 3, 4]
        default: nil
        }
    }
}
