import Foundation
import ModelView
import NNTopUI

/// The attach protocol as `nntop attach` reads it: bytes split into lines, each decoded and validated as an
/// agent message; a tree and snapshot that pass go to the view, which indexes, sorts, filters and renders
/// them — the code that would crash on numbers a hostile agent made up.
public enum AttachProtocolTarget {
    public static func run(_ data: UnsafeRawBufferPointer) {
        var framing = LineFraming(maxLine: 1 << 20)
        framing.append(data)
        var tree: ModelTree?
        var snapshot: ProfileSnapshot?
        while let line = try? framing.nextLine() {
            _ = try? AgentHello.decode(line)
            guard let message = try? AgentMessage.decode(line) else { continue }
            if let newTree = message.tree { tree = newTree }
            if let newSnapshot = message.snapshot { snapshot = newSnapshot }
        }
        // The view of the last tree and snapshot, everything expanded, sorted by time, selection at the end.
        guard let tree else { return }
        var state = AppState(model: tree, size: TerminalSize(width: 100, height: 30))
        if let snapshot { _ = reduce(&state, .snapshot(snapshot)) }
        for key: Key in [.char("*"), .char("s"), .end] { _ = reduce(&state, .key(key)) }
        _ = render(state)
    }
}
