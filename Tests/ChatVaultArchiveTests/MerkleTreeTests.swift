import ChatVaultArchive
import ChatVaultCore
import Crypto
import Testing

/// RFC 6962 test vectors as published with the certificate-transparency reference code.
@Suite struct MerkleTreeTests {
    static let leaves: [[UInt8]] = [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
    ]
    static let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    var leafHashes: [Hash32] { Self.leaves.map { MerkleTree.leafHash($0) } }

    @Test func rootsMatchTheRFCVectors() {
        for size in 0...8 {
            #expect(MerkleTree.root(ofLeafHashes: Array(leafHashes.prefix(size))).hexString == Self.roots[size], "size \(size)")
        }
    }

    @Test func frontierRootsMatchTheRFCVectors() {
        var frontier = MerkleFrontier()
        #expect(frontier.root.hexString == Self.roots[0])
        for (index, hash) in leafHashes.enumerated() {
            frontier.append(hash)
            #expect(frontier.root.hexString == Self.roots[index + 1])
        }
    }

    @Test func inclusionPathsMatchTheRFCVectors() {
        #expect(
            MerkleTree.inclusionPath(index: 0, leafHashes: leafHashes[...]).map(\.hexString) == [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ])
        #expect(
            MerkleTree.inclusionPath(index: 5, leafHashes: leafHashes[...]).map(\.hexString) == [
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ])
    }

    @Test(arguments: 1...64)
    func everyLeafProvesInclusionAndATamperedLeafFails(size: Int) {
        let hashes = (0..<size).map { MerkleTree.leafHash(Array("record \($0)".utf8)) }
        let root = MerkleTree.root(ofLeafHashes: hashes)
        var frontier = MerkleFrontier()
        hashes.forEach { frontier.append($0) }
        #expect(frontier.root == root)
        for index in 0..<size {
            let path = MerkleTree.inclusionPath(index: index, leafHashes: hashes[...])
            #expect(MerkleTree.verifyInclusion(leafHash: hashes[index], index: index, treeSize: size, path: path, root: root))
            let tampered = MerkleTree.leafHash(Array("record \(index)!".utf8))
            #expect(!MerkleTree.verifyInclusion(leafHash: tampered, index: index, treeSize: size, path: path, root: root))
            if size > 1 {
                #expect(!MerkleTree.verifyInclusion(leafHash: hashes[index], index: (index + 1) % size, treeSize: size, path: path, root: root))
            }
        }
    }

    @Test func frontierSurvivesSerialization() {
        var frontier = MerkleFrontier()
        for i in 0..<37 { frontier.append(MerkleTree.leafHash([UInt8(i)])) }
        let restored = MerkleFrontier(size: 37, serialized: frontier.serialized)
        #expect(restored == frontier)
        #expect(MerkleFrontier(size: 36, serialized: frontier.serialized) == nil, "36 has fewer subtrees than 37")
    }

    @Test func checkpointSignaturesVerifyAndTamperingFails() throws {
        let signer = CheckpointSigner(origin: "chatvault:test", privateKey: Curve25519.Signing.PrivateKey())
        let root = MerkleTree.root(ofLeafHashes: leafHashes)
        let checkpoint = try signer.sign(treeSize: 8, root: root, time: .init(microseconds: 1_700_000_000_000_000))
        #expect(checkpoint.isSigned(by: signer.publicKey))
        var altered = checkpoint
        altered.treeSize = 7
        #expect(!altered.isSigned(by: signer.publicKey))
        let other = Curve25519.Signing.PrivateKey().publicKey
        #expect(!checkpoint.isSigned(by: other))
        #expect(PublicKeyText.parse(PublicKeyText.format(signer.publicKey))?.rawRepresentation == signer.publicKey.rawRepresentation)
    }
}

@Suite struct MerkleLevelsTests {
    @Test(arguments: [1, 2, 3, 5, 7, 8, 9, 31, 33, 64, 100])
    func levelsGiveTheRFCRootAndPaths(size: Int) {
        let hashes = (0..<size).map { MerkleTree.leafHash(Array("leaf \($0)".utf8)) }
        let levels = MerkleLevels(leafHashes: hashes)
        #expect(levels.root == MerkleTree.root(ofLeafHashes: hashes))
        for index in 0..<size {
            #expect(levels.inclusionPath(index: index) == MerkleTree.inclusionPath(index: index, leafHashes: hashes[...]))
        }
    }
}
