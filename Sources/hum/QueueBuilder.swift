import AudioFiles
import MusicCore
import Playback
import TagLibTags

/// Turns file paths into queue entries: reads each file's tags (title, artist, ReplayGain) and decides
/// which entries are an album played in order, for ReplayGain's auto mode.
enum QueueBuilder {
    static func items(for paths: [String], tagReader: some TagReader = TagLibTagReader()) -> [PlaybackItem] {
        // A file that cannot be identified is still queued: the engine reports it, in order, when it comes.
        let codecs = paths.map { try? AudioFileOpener.identify(path: $0) }
        let tags: [TrackTags?] = zip(paths, codecs).map { path, codec in
            guard let codec, let read = try? tagReader.readTags(path: path, codec: codec) else { return nil }
            return TrackTags(properties: read.properties, codec: codec)
        }
        let inOrder = AlbumContinuity.albumInOrder(tags)
        return paths.indices.map { index in
            PlaybackItem(id: index + 1, path: paths[index], title: tags[index]?.title, artist: tags[index]?.artistLine,
                         replayGain: tags[index]?.replayGain ?? ReplayGainInfo(), albumInOrder: inOrder[index],
                         codec: codecs[index])
        }
    }
}
