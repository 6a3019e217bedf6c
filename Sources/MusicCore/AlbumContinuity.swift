/// Decides which queue entries are "an album played in order", for ReplayGain's auto mode.
///
/// An entry is part of an album in order when its neighbour before or after is the same album
/// (same album title and album artist) and the track numbers follow each other (n, n+1), also across
/// a disc change (last track of disc d, first track of disc d+1).
public enum AlbumContinuity {
    public static func albumInOrder(_ tags: [TrackTags?]) -> [Bool] {
        guard tags.count > 1 else { return Array(repeating: false, count: tags.count) }
        let follows: [Bool] = (0..<tags.count - 1).map { index in
            guard let a = tags[index], let b = tags[index + 1] else { return false }
            return isNext(a, b)
        }
        return tags.indices.map { index in
            (index > 0 && follows[index - 1]) || (index < follows.count && follows[index])
        }
    }

    /// Whether `b` is the track right after `a` on the same album.
    static func isNext(_ a: TrackTags, _ b: TrackTags) -> Bool {
        guard let albumA = a.album?.lowercased(), albumA == b.album?.lowercased(),
              (a.albumArtist ?? a.artistLine)?.lowercased() == (b.albumArtist ?? b.artistLine)?.lowercased(),
              let trackA = a.trackNumber, let trackB = b.trackNumber else { return false }
        let discA = a.discNumber ?? 1, discB = b.discNumber ?? 1
        if discA == discB { return trackB == trackA + 1 }
        return discB == discA + 1 && trackB == 1
    }
}
