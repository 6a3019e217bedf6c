#if canImport(FoundationXML)
import FoundationXML
#else
import Foundation
#endif
import PlaylistFiles
import Testing

@Suite("XSPF output")
struct XSPFTests {
    static let playlist = RenderedPlaylist(name: "Rock & Roll <Live> \"Best\" 'Of'\u{1}", tracks: [
        .init(path: "/home/ana/Music/AC DC/Hells Bells #1.mp3", title: "Hells Bells", artist: "AC/DC", duration: 312.4),
        .init(path: "/home/ana/Music/坂本龍一/Merry Christmas.flac", title: "Merry Christmas Mr. Lawrence"),
        .init(path: "/home/ana/Music/Cafe\u{301}/a&b 100%.ogg", artist: "Café <Tacvba>", duration: 0.0004),
        .init(path: "http://stream.example.com/live?a=1&b=2"),
    ])

    @Test("The document: XML declaration, namespace, title, and per track location, title, creator, duration in ms")
    func exactText() {
        #expect(PlaylistFiles.render(Self.playlist, format: .xspf, relativeTo: "/home/ana/Music") == """
            <?xml version="1.0" encoding="UTF-8"?>
            <playlist version="1" xmlns="http://xspf.org/ns/0/">
              <title>Rock &amp; Roll &lt;Live&gt; &quot;Best&quot; &apos;Of&apos;</title>
              <trackList>
                <track>
                  <location>file:///home/ana/Music/AC%20DC/Hells%20Bells%20%231.mp3</location>
                  <title>Hells Bells</title>
                  <creator>AC/DC</creator>
                  <duration>312400</duration>
                </track>
                <track>
                  <location>file:///home/ana/Music/%E5%9D%82%E6%9C%AC%E9%BE%8D%E4%B8%80/Merry%20Christmas.flac</location>
                  <title>Merry Christmas Mr. Lawrence</title>
                </track>
                <track>
                  <location>file:///home/ana/Music/Cafe%CC%81/a%26b%20100%25.ogg</location>
                  <creator>Café &lt;Tacvba&gt;</creator>
                  <duration>0</duration>
                </track>
                <track>
                  <location>http://stream.example.com/live?a=1&amp;b=2</location>
                </track>
              </trackList>
            </playlist>

            """)
    }

    @Test("The document is well-formed XML, and its locations resolve back to the paths byte for byte")
    func wellFormed() throws {
        let playlist = RenderedPlaylist(name: Self.playlist.name, tracks: Self.playlist.tracks + Fixture.playlist().tracks)
        let text = PlaylistFiles.render(playlist, format: .xspf, relativeTo: nil)
        let document = try XMLDocument(xmlString: text, options: [])
        let root = try #require(document.rootElement())
        #expect(root.localName == "playlist")
        #expect(root.uri == "http://xspf.org/ns/0/")
        #expect(root.attributes?.map { "\($0.name ?? "")=\($0.stringValue ?? "")" } == ["version=1"])
        let children = (root.children ?? []).compactMap { $0 as? XMLElement }
        #expect(children.map(\.localName) == ["title", "trackList"])
        #expect(children.first?.stringValue == "Rock & Roll <Live> \"Best\" 'Of'")
        let tracks = (children.last?.children ?? []).compactMap { $0 as? XMLElement }
        #expect(tracks.count == playlist.tracks.count)
        func field(_ track: XMLElement, _ name: String) -> String? {
            (track.children ?? []).first { $0.localName == name }?.stringValue
        }
        let locations = tracks.map { field($0, "location") ?? "" }
        #expect(Fixture.bytes(locations.map { PlaylistFiles.resolve($0, relativeTo: "/") })
            == Fixture.bytes(playlist.tracks.map { $0.path.hasPrefix("/") ? $0.path : nil }))
        #expect(tracks.map { field($0, "title") } == playlist.tracks.map(\.title))
        #expect(tracks.map { field($0, "creator") } == playlist.tracks.map(\.artist))
        #expect(field(tracks[0], "duration") == "312400")
    }

    @Test("An empty playlist has an empty trackList and no title when it has no name")
    func empty() {
        #expect(PlaylistFiles.render(RenderedPlaylist(name: "", tracks: []), format: .xspf, relativeTo: nil) == """
            <?xml version="1.0" encoding="UTF-8"?>
            <playlist version="1" xmlns="http://xspf.org/ns/0/">
              <trackList/>
            </playlist>

            """)
    }
}

@Suite("Resolving entry locations to local files")
struct ResolveTests {
    @Test("Locations resolve against the playlist's folder", arguments: [
        ("/abs/x.mp3", "/d/p", "/abs/x.mp3"),
        ("x.mp3", "/d/p", "/d/p/x.mp3"),
        ("./x.mp3", "/d/p", "/d/p/x.mp3"),
        ("a/../b.mp3", "/d/p", "/d/p/b.mp3"),
        ("../Music/y.mp3", "/d/p/", "/d/Music/y.mp3"),
        ("../../../../x.mp3", "/d/p", "/x.mp3"),
        ("//abs//./x.mp3", "/d", "/abs/x.mp3"),
        ("/abs/../x.mp3", "/d", "/x.mp3"),
        ("Music\\Artist\\a.mp3", "/d", "/d/Music/Artist/a.mp3"),
        ("..\\Music\\a.mp3", "/d/p", "/d/Music/a.mp3"),
        ("./#1.mp3", "/d", "/d/#1.mp3"),
        ("./Intro:Outro.mp3", "/d", "/d/Intro:Outro.mp3"),
        ("a%20b.mp3", "/d", "/d/a%20b.mp3"),
        ("file:///home/a%20b/c%23.mp3", "/d", "/home/a b/c#.mp3"),
        ("FILE://localhost/x.mp3", "/d", "/x.mp3"),
        ("file://LOCALHOST/x.mp3", "/d", "/x.mp3"),
        ("file:/x%C3%A9.mp3", "/d", "/xé.mp3"),
        ("file:///caf%E9.mp3", "/d", "/café.mp3"),
        ("file:///100%.mp3", "/d", "/100%.mp3"),
        ("file:///a%2.mp3", "/d", "/a%2.mp3"),
        ("file:///a/./b/../c.mp3", "/d", "/a/c.mp3"),
        ("x.mp3", "", "x.mp3"),
        ("../x.mp3", "rel/dir", "rel/x.mp3"),
        ("../../x.mp3", "rel", "../x.mp3"),
        ("/", "/d", "/"),
    ] as [(String, String, String)])
    func resolves(location: String, directory: String, path: String) {
        #expect(PlaylistFiles.resolve(location, relativeTo: directory) == path)
    }

    @Test("Locations that are no local file here resolve to nil", arguments: [
        "", "http://example.com/a.mp3", "https://example.com/a.mp3", "rtsp://cam/stream", "spotify:track:4uLU6hMCjMI",
        "file://server/share/x.mp3", "file:relative.mp3", "file:///C:/Music/a.mp3", "C:\\Music\\a.mp3", "c:/Music/a.mp3",
        "\\\\server\\share\\a.mp3", "a\u{0}b.mp3", "file:///a%00b.mp3",
    ])
    func notLocal(location: String) {
        #expect(PlaylistFiles.resolve(location, relativeTo: "/d") == nil)
    }

    @Test("NFD and NFC names are kept as they are written, not normalised")
    func unicodeFormsKept() throws {
        let nfd = try #require(PlaylistFiles.resolve("Cafe\u{301}/Re\u{301}.mp3", relativeTo: "/Mu\u{301}sica"))
        #expect(Array(nfd.utf8) == Array("/Mu\u{301}sica/Cafe\u{301}/Re\u{301}.mp3".utf8))
        let nfc = try #require(PlaylistFiles.resolve("file:///Caf%C3%A9", relativeTo: "/"))
        #expect(Array(nfc.utf8) == Array("/Caf\u{E9}".utf8))
        let decomposed = try #require(PlaylistFiles.resolve("file:///Cafe%CC%81", relativeTo: "/"))
        #expect(Array(decomposed.utf8) == Array("/Cafe\u{301}".utf8))
    }
}
