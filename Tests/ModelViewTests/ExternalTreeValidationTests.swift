import Foundation
import Testing
@testable import ModelView

/// Trees and snapshots from outside (session files, agents) are checked where they are read: every number a
/// view indexes by or multiplies is refused with a message naming it.
@Suite struct ExternalTreeValidationTests {
    static func tree() -> ModelTree { SyntheticModel.make(moduleCount: 30) }

    @Test func realTreesPass() throws {
        try Self.tree().validate()
        try SyntheticModel.profile(for: Self.tree()).validate()
    }

    @Test func emptyTreeIsRefused() {
        let tree = ModelTree(name: "M", source: "x", modules: [], parameters: [])
        #expect(throws: ViewJSON.Failure.self) { try tree.validate() }
    }

    @Test func parentAfterChildIsRefused() {
        var tree = Self.tree()
        tree.modules[1].parent = 5
        #expect(message(tree).contains("module 1 (embed) has parent 5: a parent comes before its children"))
        tree.modules[1].parent = nil
        #expect(message(tree).contains("has parent null"))
    }

    @Test func unknownParameterIdIsRefused() {
        var tree = Self.tree()
        tree.modules[1].params[0].tensor = 999
        #expect(message(tree).contains("names parameter id 999, which the tree does not have"))
    }

    @Test func duplicateParameterIdIsRefused() {
        var tree = Self.tree()
        tree.parameters[1].id = tree.parameters[0].id
        #expect(message(tree).contains("appears twice"))
    }

    @Test func impossibleShapesAreRefused() {
        var tree = Self.tree()
        tree.parameters[0].shape = [4, -1]
        #expect(message(tree).contains("negative size"))
        tree.parameters[0].shape = [1 << 40, 1 << 40]
        #expect(message(tree).contains("more than 2^48 elements"))
        tree = Self.tree()
        tree.modules[2].buffers = [BufferSpec(name: "b", shape: [Int.max, 2], dtype: "float32")]
        #expect(message(tree).contains("buffer blocks.b"))
    }

    @Test func snapshotWithImpossibleStatisticsIsRefused() {
        var snapshot = SyntheticModel.profile(for: Self.tree())
        snapshot.modules[0].calls = -3
        #expect(throws: ViewJSON.Failure.self) { try snapshot.validate() }
    }

    @Test func sessionFileWithBadParentSaysSo() throws {
        var tree = Self.tree()
        tree.modules[3].parent = 3
        let data = try Session(tree: tree, snapshot: nil).encoded()
        do {
            _ = try Session.decode(data)
            Issue.record("a session whose module is its own parent was accepted")
        } catch {
            #expect("\(error)".hasPrefix("malformed session file: module 3"))
        }
    }

    @Test func agentMessageWithBadTreeSaysSo() throws {
        var tree = Self.tree()
        tree.modules[2].params = [ParameterRef(name: "w", tensor: -7)]
        let line = try JSONSerialization.data(withJSONObject: [
            "type": "tree", "schema_version": 1,
            "tree": try JSONSerialization.jsonObject(with: ViewJSON.encoder().encode(tree)),
        ])
        do {
            _ = try AgentMessage.decode(line)
            Issue.record("a tree naming a missing parameter was accepted")
        } catch {
            #expect("\(error)" == "malformed message from the agent: module blocks names parameter id -7, which the tree does not have")
        }
    }

    @Test func framingSplitsLinesAcrossChunks() throws {
        var framing = LineFraming(maxLine: 16)
        framing.append(Array("ab".utf8))
        #expect(try framing.nextLine() == nil)
        framing.append(Array("c\nde\n\nf".utf8))
        #expect(try framing.nextLine() == Data("abc".utf8))
        #expect(try framing.nextLine() == Data("de".utf8))
        #expect(try framing.nextLine() == Data())
        #expect(try framing.nextLine() == nil)
        framing.append(Array("g\n".utf8))
        #expect(try framing.nextLine() == Data("fg".utf8))
    }

    @Test func framingRefusesOverlongLines() {
        var framing = LineFraming(maxLine: 8)
        framing.append(Array("0123456789".utf8))
        #expect(throws: ViewJSON.Failure.self) { try framing.nextLine() }
        var complete = LineFraming(maxLine: 8)
        complete.append(Array("0123456789\n".utf8))
        #expect(throws: ViewJSON.Failure.self) { try complete.nextLine() }
    }

    private func message(_ tree: ModelTree) -> String {
        do {
            try tree.validate()
            return "accepted"
        } catch {
            return error.description
        }
    }
}
