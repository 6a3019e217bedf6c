// swift-tools-version: 6.2
//
// hum — a terminal music player that learns on your machine.
// The target graph (who may import whom) is drawn and explained in ARCHITECTURE.md.

import PackageDescription

/// Every target of ours builds in Swift 6 mode with warnings as errors.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

/// hum's link: LLVM's lld with packed relative relocations (DT_RELR: the 95,000 relocations of
/// position-independent code take 18 KiB instead of 2.2 MiB, all of which the loader read at start-up) and
/// no symbols exported (the static Swift runtime's link arguments export every one of ours, 17,800, which
/// nothing looks up). Measured in ARCHITECTURE.md: `hum --help` peaks 4 MiB lower, an import 6 MiB lower.
let leanExecutable: [LinkerSetting] = [
    .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic"]),
]

let package = Package(
    name: "hum",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hum", targets: ["hum"]),
        .executable(name: "hum-bench", targets: ["hum-bench"]),
        /// Its own product: building the player never waits for Hummingbird.
        .executable(name: "hum-sync-server", targets: ["hum-sync-server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // MARK: C libraries (system modules and one C++ bridge)
        .systemLibrary(name: "CMpg123",
                       providers: [.apt(["libmpg123-dev"])]),
        /// Binds a shared library's functions at first use, for the two below.
        .target(name: "LibraryLoading"),
        /// libsndfile's header, and its functions bound at run time (see CSndfile.h).
        .target(name: "CSndfile", dependencies: ["LibraryLoading"]),
        .systemLibrary(name: "CFLAC",
                       providers: [.apt(["libflac-dev"])]),
        .systemLibrary(name: "CVorbisFile",
                       providers: [.apt(["libvorbis-dev"])]),
        /// libpulse's headers, and its functions bound at run time (see CPulse.h): only `hum play` loads it.
        .target(name: "CPulse", dependencies: ["LibraryLoading"]),
        /// libdbus's declarations, and its functions bound at run time (see CDBus.h): only MPRIS loads it.
        .target(name: "CDBus", dependencies: ["LibraryLoading"]),
        .target(name: "TagLibBridge",
                linkerSettings: [.linkedLibrary("tag"), .linkedLibrary("stdc++")]),
        /// ncursesw's wide-character API, and the few macros Swift cannot import (attributes, getmaxyx).
        .target(name: "CNcursesw", linkerSettings: [.linkedLibrary("ncursesw")]),
        .systemLibrary(name: "CKissFFT", providers: [.apt(["libkissfft-dev"])]),
        .systemLibrary(name: "CEbur128", providers: [.apt(["libebur128-dev"])]),

        // MARK: Pure core: values and ports, no I/O
        .target(name: "MusicCore", swiftSettings: strict),

        // MARK: Adapters: one C library each
        .target(name: "Mpg123Decoding", dependencies: ["MusicCore", "CMpg123"], swiftSettings: strict),
        .target(name: "SndfileDecoding", dependencies: ["MusicCore", "CSndfile"], swiftSettings: strict),
        .target(name: "FLACDecoding", dependencies: ["MusicCore", "CFLAC"], swiftSettings: strict),
        .target(name: "VorbisDecoding", dependencies: ["MusicCore", "CVorbisFile"], swiftSettings: strict),
        .target(name: "TagLibTags", dependencies: ["MusicCore", "TagLibBridge"], swiftSettings: strict),
        .target(name: "PulseOutput", dependencies: ["MusicCore", "CPulse"], swiftSettings: strict),
        .target(name: "FileOutputs", dependencies: ["MusicCore"], swiftSettings: strict),
        /// The session bus (libdbus): one owned name, method calls in, signals out, on a thread of its own.
        .target(name: "SessionBus", dependencies: ["CDBus"], swiftSettings: strict),

        // MARK: Engine and file handling
        .target(name: "Playback", dependencies: ["MusicCore"], swiftSettings: strict),
        .target(name: "AudioFiles",
                dependencies: ["MusicCore", "Mpg123Decoding", "FLACDecoding", "SndfileDecoding", "VorbisDecoding",
                               "TagLibTags"],
                swiftSettings: strict),

        // MARK: The library: store, listening log, scanner
        .target(name: "MusicLibrary",
                dependencies: ["MusicCore", "Playback", .product(name: "GRDB", package: "GRDB.swift"),
                               .product(name: "GRDBSQLite", package: "GRDB.swift")],
                swiftSettings: strict),
        .target(name: "LibraryScanning",
                dependencies: ["MusicCore", "MusicLibrary", "AudioFiles", "TagLibTags", "Mpg123Decoding"],
                swiftSettings: strict),

        // MARK: Learning on the machine
        /// PCM → features: EBU R128 loudness, tempo, spectral shape, timbre, chroma and key, named traits.
        .target(name: "AudioAnalysis", dependencies: ["MusicCore", "CKissFFT", "CEbur128"], swiftSettings: strict),
        /// Pure: the taste model, ranking with exploration and constraints, and explanations that add up.
        .target(name: "Recommender", dependencies: ["MusicCore"], swiftSettings: strict),
        /// The library's tracks decoded and analysed in the background, results stored.
        .target(name: "LibraryAnalysis", dependencies: ["MusicCore", "MusicLibrary", "AudioFiles", "AudioAnalysis"],
                swiftSettings: strict),
        /// The taste model joined to the store: catalog, learning from the log, kept state and picks.
        .target(name: "Taste", dependencies: ["MusicCore", "MusicLibrary", "Recommender", "SyncProtocol"], swiftSettings: strict),

        // MARK: Opt-in sync
        /// Pure: the sync protocol (reports, channels, parameters), the local-DP mechanism and its
        /// estimator, and the privacy ledger. Shared by the client and the server; opens no socket.
        .target(name: "SyncProtocol", dependencies: ["MusicCore"], swiftSettings: strict),
        /// The only sockets hum opens: a minimal HTTP/1.1 client, used only when sync is on (and by tests).
        .target(name: "SyncTransport", swiftSettings: strict),
        /// The device side of sync: sampling, the ledger, the outbox, sending. Opens no socket itself.
        .target(name: "SyncClient", dependencies: ["SyncProtocol", "SyncSignatures", "MusicLibrary", "MusicCore"],
                swiftSettings: strict),
        /// The priors document's Ed25519 signature, checked the same way by the server's tests and the client.
        .target(name: "SyncSignatures", dependencies: ["SyncProtocol", .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: strict),
        /// The sync server's logic: storage (SQLite), aggregation and signed priors, rate limiting, routes.
        .target(name: "SyncServer",
                dependencies: ["SyncProtocol", .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "GRDB", package: "GRDB.swift"),
                               .product(name: "PostgresNIO", package: "postgres-nio")],
                swiftSettings: strict),

        // MARK: The terminal UI
        /// Pure: cell grid and diff, display width, styles and themes, keys. Knows nothing of hum.
        .target(name: "TerminalUI", swiftSettings: strict),
        /// Pure: M3U/M3U8, PLS and XSPF playlists read and written.
        .target(name: "PlaylistFiles", swiftSettings: strict),
        /// Pure: the app's state, its Command vocabulary (keys, `:` line, config), filters, and
        /// `update(state, message) -> effects`.
        .target(name: "AppCore", dependencies: ["MusicCore", "TerminalUI"], swiftSettings: strict),
        /// Pure: every screen drawn from the state into a cell grid.
        .target(name: "Screens", dependencies: ["AppCore", "TerminalUI", "MusicCore"], swiftSettings: strict),
        /// The only importer of ncurses: draws grid diffs, reads keys and mouse, restores the terminal.
        .target(name: "TerminalNcurses", dependencies: ["TerminalUI", "CNcursesw"], swiftSettings: strict),
        /// The run loop that owns the state: terminal events, engine events and effects.
        .target(name: "AppRuntime",
                dependencies: ["AppCore", "Screens", "TerminalUI", "TerminalNcurses", "MusicCore", "MusicLibrary",
                               "LibraryScanning", "Playback", "AudioFiles", "PulseOutput", "FileOutputs", "PlaylistFiles",
                               "Taste", "Recommender", "LibraryAnalysis", "SyncClient", "SyncProtocol", "SyncTransport",
                               "SessionBus", "TagLibTags", .product(name: "TOMLKit", package: "TOMLKit")],
                swiftSettings: strict),

        // MARK: Executables
        .executableTarget(name: "hum",
                          dependencies: ["MusicCore", "Playback", "AudioFiles", "TagLibTags", "PulseOutput", "FileOutputs",
                                         "MusicLibrary", "LibraryScanning", "AppRuntime", "AppCore",
                                         "LibraryAnalysis", "Taste", "Recommender", "SyncProtocol", "SyncClient", "SyncTransport",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: strict, linkerSettings: leanExecutable),
        .executableTarget(name: "hum-sync-server",
                          dependencies: ["SyncServer", "SyncProtocol", .product(name: "Hummingbird", package: "hummingbird"),
                                         .product(name: "Logging", package: "swift-log"),
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: strict),
        .executableTarget(name: "hum-bench",
                          dependencies: ["AudioFiles", "HumTestSupport", "MusicLibrary", "LibraryScanning", "TagLibTags", "MusicCore",
                                         "AudioAnalysis", "LibraryAnalysis", "Recommender",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: strict),

        // MARK: Tests
        /// Fakes, fixture generation and process helpers shared by the tests and the benchmark.
        .target(name: "HumTestSupport", dependencies: ["MusicCore"], swiftSettings: strict),
        .testTarget(name: "MusicCoreTests", dependencies: ["MusicCore"], swiftSettings: strict),
        .testTarget(name: "PlaybackTests",
                    dependencies: ["Playback", "FileOutputs", "HumTestSupport"], swiftSettings: strict),
        .testTarget(name: "DecodingTests",
                    dependencies: ["AudioFiles", "Mpg123Decoding", "SndfileDecoding", "TagLibTags",
                                   "HumTestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "CommandLineTests", dependencies: ["hum", "HumTestSupport"], swiftSettings: strict),
        .testTarget(name: "LibraryTests",
                    dependencies: ["MusicLibrary", "LibraryScanning", "AudioFiles", "TagLibTags", "Mpg123Decoding",
                                   "MusicCore", "HumTestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "AudioAnalysisTests", dependencies: ["AudioAnalysis", "MusicCore"], swiftSettings: strict),
        .testTarget(name: "RecommenderTests", dependencies: ["Recommender", "MusicCore"], swiftSettings: strict),
        .testTarget(name: "TasteTests",
                    dependencies: ["Taste", "Recommender", "MusicLibrary", "LibraryAnalysis", "MusicCore", "HumTestSupport", "SyncProtocol",
                                   "hum"],
                    swiftSettings: strict),
        .testTarget(name: "SyncProtocolTests", dependencies: ["SyncProtocol", "MusicCore"], swiftSettings: strict),
        .testTarget(name: "SyncServerTests",
                    dependencies: ["SyncServer", "SyncProtocol", "SyncSignatures", "SyncTransport", "SyncClient", "MusicLibrary", "MusicCore",
                                   "HumTestSupport", "hum-sync-server", "hum",
                                   .product(name: "Crypto", package: "swift-crypto")],
                    swiftSettings: strict),
        .testTarget(name: "SessionBusTests", dependencies: ["SessionBus", "HumTestSupport"], swiftSettings: strict),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI"], swiftSettings: strict),
        .testTarget(name: "PlaylistFilesTests", dependencies: ["PlaylistFiles"], swiftSettings: strict),
        .testTarget(name: "AppCoreTests", dependencies: ["AppCore", "TerminalUI", "MusicCore"], swiftSettings: strict),
        .testTarget(name: "ScreensTests", dependencies: ["Screens", "AppCore", "TerminalUI", "MusicCore"],
                    exclude: ["Snapshots"], swiftSettings: strict),
        .testTarget(name: "AppRuntimeTests", dependencies: ["AppRuntime", "AppCore", "TerminalUI", "HumTestSupport",
                                                            "MusicLibrary", "Taste", "SessionBus"],
                    swiftSettings: strict),
        .testTarget(name: "UITests", dependencies: ["hum", "HumTestSupport"], swiftSettings: strict),
        .testTarget(name: "SoundTests",
                    dependencies: ["hum", "PulseOutput", "HumTestSupport"], swiftSettings: strict),
    ]
)
