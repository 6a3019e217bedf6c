/// A filter's words, matched in a text the way the store's search index finds them: the words one after
/// another, the last one as a prefix (`"sigur ro"*` finds "Sigur Rós" and "sigur-ros", not "Rós Sigur";
/// `"ork"*` does not find "Björk").
///
/// Why not substrings, as cmus's `*ork*`: the live filter asks the index, which only knows words; a
/// smart playlist or `:mark` made from what the filter showed must keep the same tracks.
struct PhraseMatch: Sendable, Equatable {
    /// Folded (`TextFolding.foldedWords`), at least one.
    let words: [[UInt8]]
    /// One word typed in ASCII letters and digits: then `IndexWords` can answer as the index does. Not a
    /// word folded to ASCII from more ("straße" is "strasse" here, but the index keeps its "ß").
    let isOneASCIIWord: Bool

    /// Nil when `value` has no word (`"!!!"`).
    init?(_ value: String) {
        let words = TextFolding.foldedWords(value)
        guard !words.isEmpty else { return nil }
        self.words = words
        isOneASCIIWord = words.count == 1 && value.utf8.allSatisfy { $0 < 0x80 }
    }

    func holds(in text: String) -> Bool {
        // Each word is somewhere in the folded text, or no run of words can hold them: most rows end here.
        for word in words where !FoldedSearch.contains(text, word) { return false }
        if isOneASCIIWord, let decided = IndexWords.hasWord(startingWith: words[0], in: text) { return decided }
        let found = TextFolding.foldedWords(text)
        guard found.count >= words.count, let last = words.last else { return false }
        let leading = words.dropLast()
        for start in 0...(found.count - words.count)
            where found[start..<start + leading.count].elementsEqual(leading) && found[start + leading.count].starts(with: last) {
            return true
        }
        return false
    }
}
