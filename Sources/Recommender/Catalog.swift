import Foundation
import MusicCore

/// One track as the recommender sees it: who made it, and what the analysis heard in it.
public struct CatalogTrack: Sendable, Equatable {
    public var id: Int64
    public var title: String
    /// The album artist when there is one, else the track artist: "artist" in every sentence and affinity.
    public var artist: String
    public var album: String?
    public var genre: String?
    /// The analysis's named traits, in `Trait` order, each 0…1; nil while the track is not analysed.
    public var traits: [Double]?
    /// The 13 MFCC means: the track's timbre; nil while not analysed.
    public var timbre: [Double]?

    public init(id: Int64, title: String, artist: String, album: String? = nil, genre: String? = nil,
                traits: [Double]? = nil, timbre: [Double]? = nil) {
        self.id = id
        self.title = title
        self.artist = artist
        self.album = album
        self.genre = genre
        self.traits = traits
        self.timbre = timbre
    }

    public init(id: Int64, title: String, artist: String, album: String?, genre: String?, features: AudioFeatures?) {
        self.init(id: id, title: title, artist: artist, album: album, genre: genre,
                  traits: features.map(Trait.values(of:)), timbre: features?.mfccMeans)
    }
}

/// The traits the model reads, named as the sentences name them: the analysis's five named traits and
/// the key's mode.
public enum Trait: Int, CaseIterable, Sendable, Codable {
    case energy, brightness, tempo, danceability, acousticness
    /// 1 for a minor key, 0 for major.
    case mode

    public var name: String {
        switch self {
        case .energy: "energy"
        case .brightness: "brightness"
        case .tempo: "tempo"
        case .danceability: "danceability"
        case .acousticness: "acousticness"
        case .mode: "mode"
        }
    }

    /// Whether the analysis derives it from the other traits' measurements (see `TasteFeature.priorPrecision`).
    public var isComposite: Bool { self == .danceability || self == .acousticness }

    /// The word for a track high (`true`) or low in this trait.
    public func adjective(high: Bool) -> String {
        switch self {
        case .energy: high ? "energetic" : "calm"
        case .brightness: high ? "bright" : "dark-toned"
        case .tempo: high ? "fast" : "slow"
        case .danceability: high ? "danceable" : "loose in rhythm"
        case .acousticness: high ? "acoustic" : "electronic-sounding"
        case .mode: high ? "in a minor key" : "in a major key"
        }
    }

    public static func values(of features: AudioFeatures) -> [Double] {
        let traits = features.traits
        return [traits.energy, traits.brightness, traits.tempoFeel, traits.danceability, traits.acousticness,
                features.mode == .minor ? 1 : 0]
    }
}

/// The library, indexed for ranking: tracks in a dense array, artists, albums and genres as small integers,
/// traits standardised over the library (so "energetic" means "more than is usual here") and timbre
/// standardised per coefficient. Built once per library load; immutable.
public final class Catalog: Sendable {
    public let tracks: [CatalogTrack]
    /// Per track: the index into `artistKeys` / `albumKeys` / `genreKeys` (-1: none).
    let artistOf: [Int32]
    let albumOf: [Int32]
    let genreOf: [Int32]
    /// Folded names: the keys of the taste state's tallies.
    let artistKeys: [String]
    let albumKeys: [String]
    let genreKeys: [String]
    /// Per track, `Trait.allCases.count` standardised values (0 where not analysed).
    let traitZ: [Double]
    /// Per track, 13 standardised MFCC means (0 where not analysed).
    let timbreZ: [Double]
    let analysed: [Bool]
    /// How many tracks have an analysis.
    public let analysedCount: Int
    /// Per track, closeness of its traits to the library's centre (`e^(−|z|²/10) − 0.5`): the cold-start guess.
    let centreCloseness: [Double]
    /// Per track, the length of its standardised timbre vector.
    let timbreNorm: [Double]
    /// Per track, its `TraitCell` index from the raw traits (as sync reports it); -1 where not analysed.
    let traitCell: [Int16]
    private let positionByID: [Int64: Int]
    private let artistIndexByKey: [String: Int32]
    private let albumIndexByKey: [String: Int32]
    private let genreIndexByKey: [String: Int32]

    public static let traitCount = Trait.allCases.count
    public static let timbreCount = 13

    public init(_ tracks: [CatalogTrack]) {
        self.tracks = tracks
        var positions = [Int64: Int](minimumCapacity: tracks.count)
        for (position, track) in tracks.enumerated() { positions[track.id] = position }
        positionByID = positions
        // Names repeat (a library of 100,000 tracks has a few thousand artists): each distinct one is folded
        // once, not once per track (Foundation's folding was most of building the catalog).
        var folded: [String: String] = [:]
        func fold(_ name: String) -> String {
            if let known = folded[name] { return known }
            let result = Self.fold(name)
            folded[name] = result
            return result
        }
        (artistOf, artistKeys) = Self.intern(tracks.map { fold($0.artist) })
        (albumOf, albumKeys) = Self.intern(tracks.map { track in
            track.album.map { Self.albumKey(foldedArtist: fold(track.artist), foldedAlbum: fold($0)) }
        })
        (genreOf, genreKeys) = Self.intern(tracks.map { $0.genre.map(fold) })
        analysed = tracks.map { $0.traits?.count == Self.traitCount }
        analysedCount = analysed.count { $0 }
        traitZ = Self.standardise(tracks.map(\.traits), width: Self.traitCount)
        timbreZ = Self.standardise(tracks.map(\.timbre), width: Self.timbreCount)
        let traitZ = traitZ
        centreCloseness = (0..<tracks.count).map { position in
            let slice = traitZ[position * Self.traitCount ..< (position + 1) * Self.traitCount]
            return exp(-slice.reduce(0) { $0 + $1 * $1 } / 10) - 0.5
        }
        let timbreZ = timbreZ
        timbreNorm = (0..<tracks.count).map { position in
            timbreZ[position * Self.timbreCount ..< (position + 1) * Self.timbreCount].reduce(0) { $0 + $1 * $1 }.squareRoot()
        }
        traitCell = tracks.map { track in
            guard let traits = track.traits, traits.count == Self.traitCount else { return -1 }
            return Int16(TraitCell(energy: traits[Trait.energy.rawValue], tempo: traits[Trait.tempo.rawValue],
                                   brightness: traits[Trait.brightness.rawValue]).index)
        }
        artistIndexByKey = Self.indexByKey(artistKeys)
        albumIndexByKey = Self.indexByKey(albumKeys)
        genreIndexByKey = Self.indexByKey(genreKeys)
    }

    public var count: Int { tracks.count }

    public func position(of id: Int64) -> Int? { positionByID[id] }

    /// How artists, albums and genres are keyed: case and accents do not split one artist in two.
    public static func fold(_ name: String) -> String {
        name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .trimmingCharacters(in: .whitespaces)
    }

    /// An album's key: its artist's and its own folded names (two artists' "Greatest Hits" stay apart).
    static func albumKey(foldedArtist: String, foldedAlbum: String) -> String { foldedArtist + "\u{1F}" + foldedAlbum }

    func artistIndex(of key: String) -> Int32? { artistIndexByKey[key] }
    func albumIndex(of key: String) -> Int32? { albumIndexByKey[key] }
    func genreIndex(of key: String) -> Int32? { genreIndexByKey[key] }

    private static func indexByKey(_ keys: [String]) -> [String: Int32] {
        var indices = [String: Int32](minimumCapacity: keys.count)
        for (index, key) in keys.enumerated() { indices[key] = Int32(index) }
        return indices
    }

    func artistKey(_ position: Int) -> String? { key(artistOf[position], in: artistKeys) }
    func albumKey(_ position: Int) -> String? { key(albumOf[position], in: albumKeys) }
    func genreKey(_ position: Int) -> String? { key(genreOf[position], in: genreKeys) }

    private func key(_ index: Int32, in keys: [String]) -> String? { index < 0 ? nil : keys[Int(index)] }

    private static func intern(_ names: [String?]) -> ([Int32], [String]) {
        var indexByName: [String: Int32] = [:]
        var keys: [String] = []
        let indices = names.map { name -> Int32 in
            guard let name, !name.isEmpty else { return -1 }
            if let index = indexByName[name] { return index }
            let index = Int32(keys.count)
            indexByName[name] = index
            keys.append(name)
            return index
        }
        return (indices, keys)
    }

    /// Each column's z-score over the tracks that have it, clamped to ±3 so one odd track cannot dominate.
    private static func standardise(_ rows: [[Double]?], width: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: width)
        var squares = [Double](repeating: 0, count: width)
        var present = 0
        for case let row? in rows where row.count == width {
            present += 1
            for column in 0..<width {
                sums[column] += row[column]
                squares[column] += row[column] * row[column]
            }
        }
        var out = [Double](repeating: 0, count: rows.count * width)
        guard present > 1 else { return out }
        let means = sums.map { $0 / Double(present) }
        let spreads = (0..<width).map { column in
            max((squares[column] / Double(present) - means[column] * means[column]).squareRoot(), 1e-6)
        }
        for (index, row) in rows.enumerated() {
            guard let row, row.count == width else { continue }
            for column in 0..<width {
                let z = (row[column] - means[column]) / spreads[column]
                out[index * width + column] = z.isFinite ? min(max(z, -3), 3) : 0
            }
        }
        return out
    }
}
