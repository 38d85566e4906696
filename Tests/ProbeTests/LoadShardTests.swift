import Probe
import RADIUS
import Testing

/// `--shard i/N`: disjoint slices of the identity pool and of the conversation numbers, parts that add up.
struct LoadShardTests {
    static func names(_ requests: LoadRequests, count: Int) -> [String] {
        (0..<count).map { requests.request(for: $0).request.userName }
    }

    static func callingStations(_ requests: LoadRequests, count: Int) -> [String] {
        (0..<count).map { number in
            requests.request(for: number).request.attributes.all(.callingStationId)
                .map { String(decoding: $0, as: UTF8.self) }.joined()
        }
    }

    @Test(arguments: [(5, 2), (4, 2), (10, 3), (7, 7)])
    func shardsTakeDisjointSlicesThatCoverThePool(pool: Int, shards: Int) throws {
        var seen: [Set<String>] = []
        var numbers: [Set<String>] = []
        for index in 0..<shards {
            let identities = LoadIdentities(
                pool: .numbered(count: pool), callingStationId: try NumberPattern("02-00-{n:06x}"),
                shard: LoadShard(index: index, count: shards))
            let requests = LoadRequests(base: LoadIdentityTests.papBase(), identities: identities)
            #expect(identities.count == identities.slice.count)
            seen.append(Set(Self.names(requests, count: 3 * pool)))
            numbers.append(Set(Self.callingStations(requests, count: 3 * pool)))
            #expect(seen.last!.count == identities.slice.count)
        }
        for (a, b) in seen.indices.flatMap({ a in seen.indices.filter { $0 > a }.map { (a, $0) } }) {
            #expect(seen[a].isDisjoint(with: seen[b]), "shards \(a) and \(b) share identities")
            #expect(numbers[a].isDisjoint(with: numbers[b]), "shards \(a) and \(b) share conversation numbers")
        }
        #expect(seen.reduce(Set<String>()) { $0.union($1) } == Set((1...pool).map { "user\($0)" }))
    }

    @Test func partsOfACountAddUpToIt() {
        for total in [1, 2, 7, 40, 1001] {
            for count in 1...5 {
                let parts = (0..<count).map { LoadShard(index: $0, count: count).part(of: total) }
                #expect(parts.reduce(0, +) == total)
                #expect((parts.max() ?? 0) - (parts.min() ?? 0) <= 1)
            }
        }
    }

    @Test func aPoolOfOneIsNotSliced() {
        let identities = LoadIdentities(shard: LoadShard(index: 1, count: 3))
        #expect(identities.slice == 0..<1)
        #expect(identities.count == 1)
    }
}
