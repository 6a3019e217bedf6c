import Foundation

/// A loose form of artist and title for finding the same song under slightly different spellings
/// ("Beyoncé — Halo" and "beyonce - HALO"): case and accents folded, punctuation dropped, spaces collapsed.
public enum MatchKey {
    public static func normalize(_ text: String) -> String {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        var result = ""
        var pendingSpace = false
        for scalar in folded.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                if pendingSpace && !result.isEmpty { result.append(" ") }
                pendingSpace = false
                result.unicodeScalars.append(scalar)
            } else {
                pendingSpace = true
            }
        }
        return result
    }

    /// The key of an artist and a title together, or nil when either is missing.
    public static func of(artist: String?, title: String?) -> String? {
        guard let artist, let title else { return nil }
        let a = normalize(artist), t = normalize(title)
        return a.isEmpty || t.isEmpty ? nil : a + "\u{1F}" + t
    }
}
