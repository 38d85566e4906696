/// Counts keys in bounded memory: at most `capacity` distinct keys are tracked (the Space-Saving algorithm,
/// Metwally et al. 2005). While fewer keys than `capacity` have been seen the counts are exact; after that a new
/// key replaces the least-counted one and inherits its count as a possible overestimate. Any key whose true
/// count exceeds total/capacity is guaranteed to be tracked. A min-heap keyed by count makes each add
/// O(log capacity), so a log crafted with millions of distinct user names costs neither memory nor quadratic time.
struct TopCounter<Key: Hashable & Sendable>: Sendable {
    struct Entry: Sendable {
        var key: Key
        var count: Int
        /// How much of `count` may belong to keys this entry replaced.
        var overestimate: Int
    }

    let capacity: Int
    private(set) var total = 0
    /// Keys dropped to make room; non-zero means the counts are approximate.
    private(set) var replacements = 0
    private var heap: [Entry] = []
    private var position: [Key: Int] = [:]

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var trackedCount: Int { heap.count }
    var isApproximate: Bool { replacements > 0 }

    mutating func add(_ key: Key, count n: Int = 1) {
        total += n
        if let i = position[key] {
            heap[i].count += n
            siftDown(i)
        } else if heap.count < capacity {
            heap.append(Entry(key: key, count: n, overestimate: 0))
            position[key] = heap.count - 1
            siftUp(heap.count - 1)
        } else {
            let evicted = heap[0]
            position[evicted.key] = nil
            heap[0] = Entry(key: key, count: evicted.count + n, overestimate: evicted.count)
            position[key] = 0
            replacements += 1
            siftDown(0)
        }
    }

    /// The `n` largest entries, largest first; ties in key order when `Key` is comparable via `tieBreak`.
    func top(_ n: Int, tieBreak: (Key, Key) -> Bool) -> [Entry] {
        let sorted = heap.sorted { a, b in a.count != b.count ? a.count > b.count : tieBreak(a.key, b.key) }
        return Array(sorted.prefix(max(0, n)))
    }

    private mutating func siftUp(_ index: Int) {
        var i = index
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i].count < heap[parent].count else { return }
            swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var i = index
        while true {
            let left = 2 * i + 1, right = left + 1
            var smallest = i
            if left < heap.count, heap[left].count < heap[smallest].count { smallest = left }
            if right < heap.count, heap[right].count < heap[smallest].count { smallest = right }
            guard smallest != i else { return }
            swapAt(i, smallest)
            i = smallest
        }
    }

    private mutating func swapAt(_ a: Int, _ b: Int) {
        heap.swapAt(a, b)
        position[heap[a].key] = a
        position[heap[b].key] = b
    }
}
