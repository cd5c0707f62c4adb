import ModelView

/// How the view copes with big trees, for `nntop bench --tree`: what a user waits for — opening, a frame,
/// a key, a snapshot arriving, each keystroke of a search or a filter — timed on the real reducer and
/// renderer. Tests never assert these timings; the JSON is the report.
public enum TreeBenchmark {
    /// Milliseconds of repeated measurements of one action.
    public struct Times: Sendable, Encodable {
        public let median: Double
        public let max: Double
        public let count: Int

        init(_ values: [Double]) {
            let sorted = values.sorted()
            median = sorted.isEmpty ? .nan : sorted[sorted.count / 2]
            max = sorted.last ?? .nan
            count = sorted.count
        }
    }

    public struct Result: Sendable, Encodable {
        public let model: String
        public let modules: Int
        public let parameters: Int
        /// Building the view's state: index, counts, the visible rows of the collapsed tree.
        public let openMs: Double
        /// `*`: every subtree opened.
        public let expandAllMs: Double
        /// A snapshot with a profile for every module arriving (figures recomputed, rows re-sorted by time).
        public let snapshotMs: Times
        /// Rendering the whole screen, fully expanded, with latencies, while paging through the tree.
        public let frameMs: Times
        /// One navigation key (down, page down, right/left, end/home) and the frame after it.
        public let keyAndFrameMs: Times
        /// Each keystroke of `/` search for a module three quarters down the tree (incremental: it jumps as
        /// you type), with its frame.
        public let searchKeystrokeMs: Times
        /// Each keystroke of the class filter (`f`, a class name) and of the name-regex filter, with frames.
        public let classFilterKeystrokeMs: Times
        public let regexFilterKeystrokeMs: Times
        public let searchQuery: String
        public let regexQuery: String

        enum CodingKeys: String, CodingKey {
            case model, modules, parameters, openMs = "open_ms", expandAllMs = "expand_all_ms", snapshotMs = "snapshot_ms",
                 frameMs = "frame_ms", keyAndFrameMs = "key_and_frame_ms", searchKeystrokeMs = "search_keystroke_ms",
                 classFilterKeystrokeMs = "class_filter_keystroke_ms", regexFilterKeystrokeMs = "regex_filter_keystroke_ms",
                 searchQuery = "search_query", regexQuery = "regex_query"
        }
    }

    /// Runs every measurement on `model` (with `snapshot`, when given, arriving first) at `size`.
    public static func run(
        model: ModelTree, snapshot: ProfileSnapshot?, frames: Int = 100,
        size: TerminalSize = TerminalSize(width: 160, height: 50)
    ) -> Result {
        var state = AppState(model: model, size: size)
        let openMs = milliseconds { state = AppState(model: model, size: size) }
        let expandAllMs = milliseconds { _ = reduce(&state, .key(.char("*"))) }
        var buffer = ScreenBuffer(width: size.width, height: size.height)
        var snapshotTimes: [Double] = []
        if let snapshot {
            _ = reduce(&state, .key(.char("s")))  // sort by time: each snapshot re-sorts the rows
            for _ in 0..<5 { snapshotTimes.append(milliseconds { _ = reduce(&state, .snapshot(snapshot)) }) }
        }
        var frameTimes: [Double] = []
        var keyTimes: [Double] = []
        let keys: [Key] = [.down, .pageDown, .right, .left, .down, .pageDown]
        for i in 0..<max(1, frames) {
            _ = reduce(&state, .key(.pageDown))
            frameTimes.append(milliseconds { render(state, into: &buffer, rect: buffer.bounds) })
            keyTimes.append(milliseconds {
                _ = reduce(&state, .key(keys[i % keys.count]))
                render(state, into: &buffer, rect: buffer.bounds)
            })
        }
        for key: Key in [.end, .home] {
            keyTimes.append(milliseconds {
                _ = reduce(&state, .key(key))
                render(state, into: &buffer, rect: buffer.bounds)
            })
        }
        // Search for a deep module, typed one character at a time from the root.
        let target = model.modules[model.modules.count * 3 / 4]
        let query = target.name.isEmpty ? target.className : target.name
        _ = reduce(&state, .key(.char("/")))
        let searchTimes = type(query, into: &state, buffer: &buffer)
        _ = reduce(&state, .key(.enter))
        // Filter by the class of that module, then by a regex on names (dots escaped), as a user types them.
        _ = reduce(&state, .key(.char("f")))
        let classTimes = type(target.className, into: &state, buffer: &buffer)
        _ = reduce(&state, .key(.escape))
        let regex = regexQuery(for: query)
        _ = reduce(&state, .key(.char("f")))
        _ = reduce(&state, .key(.tab))
        let regexTimes = type(regex, into: &state, buffer: &buffer)
        _ = reduce(&state, .key(.escape))
        return Result(
            model: model.name, modules: model.modules.count, parameters: model.parameters.count, openMs: openMs,
            expandAllMs: expandAllMs, snapshotMs: Times(snapshotTimes), frameMs: Times(frameTimes),
            keyAndFrameMs: Times(keyTimes), searchKeystrokeMs: Times(searchTimes),
            classFilterKeystrokeMs: Times(classTimes), regexFilterKeystrokeMs: Times(regexTimes),
            searchQuery: query, regexQuery: regex)
    }

    /// The parent's name as a regex anchored at its end: `blocks\.7\.attn\.` then any child.
    static func regexQuery(for name: String) -> String {
        let escaped = name.split(separator: ".").dropLast().joined(separator: "\\.")
        return escaped.isEmpty ? "^" + name : escaped + "\\.[a-z0-9_]+$"
    }

    private static func type(_ text: String, into state: inout AppState, buffer: inout ScreenBuffer) -> [Double] {
        text.map { c in
            milliseconds {
                _ = reduce(&state, .key(.char(c)))
                render(state, into: &buffer, rect: buffer.bounds)
            }
        }
    }

    private static func milliseconds(_ body: () -> Void) -> Double {
        let elapsed = ContinuousClock().measure(body)
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}
