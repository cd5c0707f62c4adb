import ModelView

/// Columns and lines of the terminal.
public struct TerminalSize: Sendable, Equatable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Below this the UI only says that the terminal is too small.
    public static let minimum = TerminalSize(width: 40, height: 10)

    var isUsable: Bool { width >= Self.minimum.width && height >= Self.minimum.height }
}

/// The whole UI state as one plain value: `reduce` changes it, `render` draws it. No references to the
/// model or the profiler, so any state can be built in a test and drawn without a terminal.
public struct AppState: Sendable {
    public private(set) var model: ModelTree
    public private(set) var snapshot: ProfileSnapshot?
    /// Rows whose children are shown.
    public internal(set) var expanded: Set<Int>
    /// The selected row (an index into `model.modules`).
    public internal(set) var selection: Int
    /// First tree line on screen.
    public internal(set) var scroll: Int = 0
    public internal(set) var sort: SortKey = .execution
    public internal(set) var sortReversed = false
    public internal(set) var filter = TreeFilter()
    /// The search query, kept after Enter for `n`/`N`.
    public internal(set) var search = "" { didSet { searchNeedle = SearchText.needle(search) } }
    /// `search`, lowercased, as `searchText` matches it.
    private(set) var searchNeedle: [UInt8] = []
    /// The input line that captures typing, if any.
    public internal(set) var prompt: Prompt?
    public internal(set) var focus: Pane = .tree
    public internal(set) var showHelp = false
    public internal(set) var helpScroll = 0
    /// First parameter line shown in the detail pane.
    public internal(set) var detailScroll = 0
    /// The row selected in the hottest-modules pane: a row, not a position, so the selection stays on its
    /// module when a new snapshot reorders the ranking.
    public internal(set) var hottestSelectedRow: Int?
    public internal(set) var status: StatusMessage?
    /// What the model source allows (edits, pause, train-step mode, export).
    public let capabilities: SourceCapabilities
    /// `T` was pressed an odd number of times; the snapshot says when the runner follows.
    public internal(set) var trainStepRequested = false
    /// train/eval before `T` switched the model to `train()`, restored when train-step mode ends.
    var trainingBeforeStep: Bool?
    public internal(set) var size: TerminalSize
    public var colorMode: ColorMode
    /// `--ascii`: no box drawing, block or sparkline characters.
    public var ascii: Bool

    /// Structure derived from `model` (children, subtree totals).
    public private(set) var index: ModelIndex
    /// Counts that depend on `requires_grad`.
    public private(set) var accounting: ParameterAccounting
    /// Every figure derived from the snapshot (shares, self times, FLOPs), computed once per snapshot.
    public private(set) var figures: Figures
    /// The `hottestLimit` rows with the largest self-time p50, hottest first; rebuilt per snapshot.
    private(set) var hottest: [Int] = []
    private(set) var visible = VisibleRows()
    /// Names and classes prepared for search and the class filter.
    let searchText: SearchText
    static let hottestLimit = 100
    var undoStack: [RequiresGradEdit] = []

    /// - Parameters:
    ///   - model: the structure to show; the root starts expanded.
    ///   - size: the terminal size (resize events update it).
    ///   - capabilities: what the source allows; refused keys say why.
    public init(
        model: ModelTree, size: TerminalSize, capabilities: SourceCapabilities = SourceCapabilities(),
        colorMode: ColorMode = .color, ascii: Bool = false
    ) {
        self.model = model
        self.size = size
        self.capabilities = capabilities
        self.colorMode = colorMode
        self.ascii = ascii
        let index = ModelIndex(model)
        self.index = index
        searchText = SearchText(model)
        accounting = ParameterAccounting(tree: model, index: index)
        figures = Figures(index: index, snapshot: nil)
        expanded = Set(index.roots)
        selection = 0
        refreshVisible()
    }

    /// Whether the runner does training steps (the snapshot says so, not the key press).
    public var inTrainStep: Bool { snapshot?.runner.trainStep ?? false }

    /// The model is on the `meta` device: timings and statistics are not real.
    public var shapesOnly: Bool { snapshot?.runner.shapesOnly ?? false }

    /// - Returns: what the app must undo when the runner gave up train-step mode (the model's train/eval).
    mutating func setSnapshot(_ newSnapshot: ProfileSnapshot) -> [Effect] {
        var effects: [Effect] = []
        let error = newSnapshot.runner.trainStepError
        if let error, error != snapshot?.runner.trainStepError, trainStepRequested {
            trainStepRequested = false
            effects = restoreTrainingAfterStep()
            say("train step failed: \(error)", error: true)
        }
        snapshot = newSnapshot
        figures = Figures(index: index, snapshot: newSnapshot)
        refreshHottest()
        if sort == .selfTime || sort == .backwardTime { refreshVisible() }
        return effects
    }

    /// Sets `requires_grad` in the UI's parameter table and recomputes the counts at once.
    /// - Returns: the previous value of each parameter that changed.
    mutating func setRequiresGrad(_ ids: [Int], _ value: Bool) -> [Int: Bool] {
        var previous: [Int: Bool] = [:]
        for id in ids {
            guard let k = index.parameterPosition[id], model.parameters[k].requiresGrad != value else { continue }
            previous[id] = model.parameters[k].requiresGrad
            model.parameters[k].requiresGrad = value
        }
        if !previous.isEmpty {
            accounting = ParameterAccounting(tree: model, index: index)
            if filter.trainableOnly { refreshVisible() }
        }
        return previous
    }

    mutating func setTraining(_ value: Bool) {
        model.training = value
    }

    /// Rebuilds the tree lines and keeps the selection on a shown row.
    mutating func refreshVisible() {
        visible = VisibleRows(state: self)
        if visible.line(of: selection) == nil {
            selection = nearestShownAncestor(of: selection) ?? visible.lines.first?.row ?? 0
        }
        clampScroll()
    }

    /// Keeps the selected line inside the tree pane.
    mutating func clampScroll() {
        let page = max(1, ScreenLayout(state: self).treeBody.height)
        let line = visible.line(of: selection) ?? 0
        if line < scroll { scroll = line }
        if line >= scroll + page { scroll = line - page + 1 }
        scroll = max(0, min(scroll, max(0, visible.count - page)))
    }

    private func nearestShownAncestor(of row: Int) -> Int? {
        guard index.parent.indices.contains(row) else { return nil }
        return index.ancestors(row).first { visible.line(of: $0) != nil }
    }

    /// The position of the selected entry in the hottest list (0 when it dropped out of the list).
    var hottestSelection: Int {
        hottestSelectedRow.flatMap { hottest.firstIndex(of: $0) } ?? 0
    }

    mutating func selectHottest(at position: Int) {
        guard !hottest.isEmpty else { return }
        hottestSelectedRow = hottest[max(0, min(hottest.count - 1, position))]
    }

    private mutating func refreshHottest() {
        hottest = figures.hottestRows(limit: Self.hottestLimit)
    }
}
