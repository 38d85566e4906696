/// "Did you mean …" from the Levenshtein distance.
enum Suggestions {
    /// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), case-insensitive.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { rows[i][0] = i }
        for j in 0...b.count { rows[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
                }
            }
        }
        return rows[a.count][b.count]
    }

    /// The candidate nearest to `word`, if near enough to be a likely typo (at most a third of the word's
    /// length, at least 2 edits allowed); `-`/`_` confusions, case and a clear prefix count as near.
    static func nearest(to word: String, in candidates: [String]) -> String? {
        let normalized = word.lowercased().replacingOccurrences(of: "-", with: "_")
        if let same = candidates.first(where: {
            $0.lowercased().replacingOccurrences(of: "-", with: "_") == normalized
        }) {
            return same
        }
        // `latency` for `latency_ms`, `server` for `server_names`: a clear prefix.
        if word.count >= 4, let extended = candidates.first(where: { $0.lowercased().hasPrefix(word.lowercased()) }) {
            let close = candidates.filter { distance(word, $0) <= 1 }
            return close.first ?? extended
        }
        let limit = max(2, word.count / 3)
        let scored = candidates.map { ($0, distance(word, $0)) }.filter { $0.1 <= limit }
        return scored.min { $0.1 < $1.1 }?.0
    }

    /// "did you mean `servers`?" or nil.
    static func didYouMean(_ word: String, in candidates: [String]) -> String? {
        nearest(to: word, in: candidates).map { "did you mean `\($0)`?" }
    }
}
